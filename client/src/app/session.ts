/** Login, logout and the current session. */
import { api, setCsrfToken } from '../lib/api'
import type { User } from '../lib/user'

export type { User }

interface SessionResponse {
  user: User
  csrfToken: string
}

/** The current user, or null when not logged in. */
export async function loadSession(): Promise<User | null> {
  try {
    const s = await api<SessionResponse>('/me')
    setCsrfToken(s.csrfToken)
    return s.user
  } catch {
    return null
  }
}

/** Logs in; the CSRF token is kept for later requests. */
export async function login(username: string, password: string): Promise<User> {
  const s = await api<SessionResponse>('/auth/login', {
    method: 'POST',
    body: { username, password },
  })
  setCsrfToken(s.csrfToken)
  return s.user
}

/** Ends the session. */
export async function logout(): Promise<void> {
  await api('/auth/logout', { method: 'POST' })
  setCsrfToken('')
}
