import { api, setCsrfToken } from '../lib/api'

export interface User {
  id: number
  username: string
  displayName: string
  roles: string[]
  groups: { id: string; isLead: boolean }[]
}

interface SessionResponse {
  user: User
  csrfToken: string
}

export async function loadSession(): Promise<User | null> {
  try {
    const s = await api<SessionResponse>('/me')
    setCsrfToken(s.csrfToken)
    return s.user
  } catch {
    return null
  }
}

export async function login(username: string, password: string): Promise<User> {
  const s = await api<SessionResponse>('/auth/login', {
    method: 'POST',
    body: { username, password },
  })
  setCsrfToken(s.csrfToken)
  return s.user
}

export async function logout(): Promise<void> {
  await api('/auth/logout', { method: 'POST' })
  setCsrfToken('')
}
