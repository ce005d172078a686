/**
 * Authentication and authorisation for HTTP: reads the session cookie, enforces CSRF on
 * state-changing requests and checks roles. Routes declare what they need; nothing is allowed
 * by default.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { ForbiddenError, UnauthorizedError } from '../errors'
import type { Role } from './roles'
import type { Session, SessionStore } from './sessions'

export const SESSION_COOKIE = 'sms_session'
export const CSRF_HEADER = 'x-csrf-token'

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by {@link sessionMiddleware} when the cookie names a live session. */
    session?: Session
    /** The raw session token from the cookie. */
    sessionToken?: string
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=')
    if (i < 0) continue
    const k = part.slice(0, i).trim()
    if (!k) continue
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim())
    } catch {
      // a malformed cookie value is ignored, as browsers would
    }
  }
  return out
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Loads the session; rejects a state-changing request whose CSRF header does not match. */
export function sessionMiddleware(sessions: SessionStore): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = parseCookies(req.headers.cookie)[SESSION_COOKIE]
    if (token) {
      req.sessionToken = token
      req.session = await sessions.get(token)
    }
    if (req.session && !safeMethods.has(req.method)) {
      if (req.get(CSRF_HEADER) !== req.session.csrfToken) {
        throw new ForbiddenError('Missing or invalid CSRF token (send the X-CSRF-Token header).')
      }
    }
    next()
  }
}

/** The session of an authenticated request; throws 401 otherwise. */
export function sessionOf(req: Request): Session {
  if (!req.session) throw new UnauthorizedError('Log in first.')
  return req.session
}

/** Allows the request when the user holds one of `roles`. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const { user } = sessionOf(req)
    if (!user.roles.some((r) => roles.includes(r))) {
      throw new ForbiddenError(`This needs one of the roles: ${roles.join(', ')}.`)
    }
    next()
  }
}

/** Allows any authenticated user. */
export const requireLogin: RequestHandler = (req, _res, next) => {
  sessionOf(req)
  next()
}
