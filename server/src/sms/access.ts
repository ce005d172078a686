/**
 * Who may do what in the service management system (ISO/IEC 20000-1 4.1.3, 4.1.4): the SMS
 * manager (staff in the `sms-managers` group, the management representative's team) and admins
 * write; staff, process owners and auditors read (auditors never write); customers see nothing.
 */
import type { Request, RequestHandler } from 'express'
import { sessionOf } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import type { SessionUser } from '../auth/sessions'
import type { Actor } from '../cases/access'
import { ForbiddenError } from '../errors'

/** The group of SMS managers (created by migration 1010). */
export const SMS_MANAGERS = 'sms-managers'

/** Who may write SMS records, in words (for errors and the API description). */
export const smsWriters = 'admin, or staff in the sms-managers group'
/** Who may read them. */
export const smsReaders = 'admin, process-owner, staff, auditor (read-only)'

/** Roles in the OpenAPI document. */
export const writerRoles = [Role.Admin, Role.Staff] as const
export const readerRoles = [Role.Admin, Role.ProcessOwner, Role.Staff, Role.Auditor] as const

/** Whether the user is an SMS manager (or an admin). */
export function isSmsWriter(user: SessionUser): boolean {
  return (
    user.roles.includes(Role.Admin) ||
    (user.roles.includes(Role.Staff) && user.groups.some((g) => g.id === SMS_MANAGERS))
  )
}

export function isSmsReader(user: SessionUser): boolean {
  return readerRoles.some((r) => user.roles.includes(r))
}

export const requireSmsWriter: RequestHandler = (req, _res, next) => {
  if (!isSmsWriter(sessionOf(req).user)) {
    throw new ForbiddenError(`Changing SMS records needs: ${smsWriters}.`)
  }
  next()
}

export const requireSmsReader: RequestHandler = (req, _res, next) => {
  if (!isSmsReader(sessionOf(req).user)) {
    throw new ForbiddenError(`Reading SMS records needs: ${smsReaders}.`)
  }
  next()
}

/** The acting user's name. */
export const actorOf = (req: Request) => sessionOf(req).user.username

/** A reference path parameter schema, e.g. `DOC-000001`. */
export const refSchema = (prefix: string) =>
  ({ type: 'string', pattern: `^${prefix}-[0-9]{6,12}$`, maxLength: 20 }) as const

/** An ISO/IEC 20000-1 clause number, e.g. `4.5.2` or `4.5.2 j`. */
export const clauseSchema = {
  type: 'string',
  pattern: '^[4-9](\\.[0-9]{1,2}){0,3}( [a-l])?$',
  maxLength: 16,
} as const

/** A username. */
export const usernameSchema = { type: 'string', pattern: '^[a-z][a-z0-9._-]{1,49}$' } as const

/** Who manages the audit programme and management reviews (4.5.4), in words. */
export const smsManagers = smsWriters

/** The acting user (roles and groups), for the audit and review rules. */
export const actingUser = (req: Request): Actor => sessionOf(req).user

/** Whether the actor is an SMS manager (or an admin). */
export const isSmsManager = (a: Actor) =>
  a.roles.includes(Role.Admin) ||
  (a.roles.includes(Role.Staff) && a.groups.some((g) => g.id === SMS_MANAGERS))

export const requireSmsManager: RequestHandler = (req, _res, next) => {
  if (!isSmsManager(actingUser(req))) throw new ForbiddenError(`This needs: ${smsManagers}.`)
  next()
}
