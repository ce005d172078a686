/**
 * Who may do what in the business relationship (ISO/IEC 20000-1 7.1, 4.1.3): relationship
 * managers (staff in `relationship-managers`), SMS managers and admins write customers,
 * settings and close any service review action; staff, process owners and auditors read;
 * customers see and answer only their own surveys, and read the definition of a complaint.
 */
import type { RequestHandler } from 'express'
import { sessionOf } from '../auth/auth.middleware'
import { Role, StaffGroup } from '../auth/roles'
import type { Actor } from '../cases/access'
import { ForbiddenError } from '../errors'

/** Who writes, in words. */
export const relationshipWriters =
  'admin, or staff in the relationship-managers or sms-managers group'
/** Who reads, in words. */
export const relationshipReaders = 'admin, process-owner, staff, auditor (read-only)'

export const writerRoles = [Role.Admin, Role.Staff] as const
export const readerRoles = [Role.Admin, Role.ProcessOwner, Role.Staff, Role.Auditor] as const

/** Whether the actor manages customer relationships (or the SMS, or is an admin). */
export const isRelationshipManager = (a: Actor) =>
  a.roles.includes(Role.Admin) ||
  (a.roles.includes(Role.Staff) &&
    a.groups.some(
      (g) => g.id === StaffGroup.RelationshipManagers || g.id === StaffGroup.SmsManagers,
    ))

export const requireRelationshipWriter: RequestHandler = (req, _res, next) => {
  if (!isRelationshipManager(sessionOf(req).user)) {
    throw new ForbiddenError(`This needs: ${relationshipWriters}.`)
  }
  next()
}

export const requireRelationshipReader: RequestHandler = (req, _res, next) => {
  const { user } = sessionOf(req)
  if (!readerRoles.some((r) => user.roles.includes(r))) {
    throw new ForbiddenError(`This needs: ${relationshipReaders}.`)
  }
  next()
}
