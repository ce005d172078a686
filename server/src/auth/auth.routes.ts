/** `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/me`. */
import { Router } from 'express'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { TooManyRequestsError, UnauthorizedError } from '../errors'
import { openapi } from '../http/openapi'
import { bodyValidator } from '../http/validation'
import { SESSION_COOKIE, sessionOf } from './auth.middleware'
import { verifyPassword } from './password'
import { limitsFor, LoginThrottle } from './login-throttle'
import type { SessionStore } from './sessions'

interface LoginBody {
  username: string
  password: string
}

const loginBody = {
  type: 'object',
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 200 },
    password: { type: 'string', minLength: 1, maxLength: 1000 },
  },
  required: ['username', 'password'],
  additionalProperties: false,
} as const
const validateLogin = bodyValidator<LoginBody>(loginBody)

// A hash of a random password: verifying against it costs as much as a real check, so a
// response's timing does not tell whether the username exists.
const DUMMY_HASH =
  'scrypt$32768$8$1$5EnbaH7qyo4FktoqzeDfUg$ecQ2qAjT2iaDezGZ5cmEekiasjpdEPbDDK88yBze6fs'

export interface AuthRoutesDeps {
  db: Kysely<DB>
  sessions: SessionStore
  cookieSecure: boolean
  /** Unsuccessful logins per account from one address per 15 minutes (LOGIN_MAX_FAILURES). */
  loginLimit?: number
}

export function authRoutes({
  db,
  sessions,
  cookieSecure,
  loginLimit = 10,
}: AuthRoutesDeps): Router {
  const router = Router()
  const throttle = new LoginThrottle(db, limitsFor(loginLimit))

  router.post('/auth/login', async (req, res) => {
    const body = validateLogin(req.body)
    // the peer address, or the proxy's client only through a proxy TRUST_PROXY names
    const address = req.ip ?? req.socket.remoteAddress ?? ''
    const wait = await throttle.attempt(body.username, address)
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait))
      throw new TooManyRequestsError(`Too many login attempts; try again in ${wait} s.`)
    }
    const user = await db
      .selectFrom('users')
      .select(['id', 'password_hash', 'active'])
      .where('username', '=', body.username)
      .executeTakeFirst()
    const ok = await verifyPassword(body.password, user?.password_hash ?? DUMMY_HASH)
    if (!user || !ok || !user.active) {
      await throttle.failed(address)
      throw new UnauthorizedError('Unknown username or wrong password.')
    }
    await throttle.succeeded(body.username, address)
    const { token, csrfToken, expiresAt } = await sessions.create(user.id)
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: cookieSecure,
      path: '/',
      expires: expiresAt,
    })
    const session = await sessions.get(token)
    res.json({ user: session?.user, csrfToken })
  })

  router.post('/auth/logout', async (req, res) => {
    sessionOf(req)
    if (req.sessionToken) await sessions.delete(req.sessionToken)
    res.clearCookie(SESSION_COOKIE, { path: '/' })
    res.status(204).end()
  })

  router.get('/me', (req, res) => {
    const session = sessionOf(req)
    res.json({ user: session.user, csrfToken: session.csrfToken })
  })

  return router
}

openapi.register(
  {
    method: 'post',
    path: '/auth/login',
    tag: 'auth',
    summary: 'Log in: sets the session cookie, returns the user and the CSRF token (rate-limited)',
    roles: 'public',
    requestBody: loginBody,
    status: 200,
  },
  {
    method: 'post',
    path: '/auth/logout',
    tag: 'auth',
    summary: 'Log out: ends the session',
    roles: 'any',
    status: 204,
    response: 'Logged out',
  },
  {
    method: 'get',
    path: '/me',
    tag: 'auth',
    summary: 'The logged-in user and the CSRF token',
    roles: 'any',
  },
)
