/**
 * Who reads and manages the management system's records (ISO/IEC 20000-1 4.1.3, 4.5.4): everyone
 * but customers reads them (auditors included); SMS managers and admins manage the programme and
 * declare the areas people work in.
 */
import type { Request, RequestHandler } from 'express'
import { sessionOf } from '../auth/auth.middleware'
import { Role, StaffGroup } from '../auth/roles'
import { ForbiddenError } from '../errors'
import type { Actor } from '../cases/access'

export const smsReaders = 'admin, process-owner, staff, auditor'
export const smsManagers = 'admin, or staff in the sms-managers group'

export const actorOf = (req: Request): Actor => sessionOf(req).user

export const isSmsManager = (a: Actor) =>
  a.roles.includes(Role.Admin) ||
  (a.roles.includes(Role.Staff) && a.groups.some((g) => g.id === StaffGroup.SmsManagers))

export const requireSmsReader: RequestHandler = (req, _res, next) => {
  const { roles } = sessionOf(req).user
  if (![Role.Admin, Role.ProcessOwner, Role.Staff, Role.Auditor].some((r) => roles.includes(r))) {
    throw new ForbiddenError(`Reading the management system's records needs: ${smsReaders}.`)
  }
  next()
}

export const requireSmsManager: RequestHandler = (req, _res, next) => {
  if (!isSmsManager(actorOf(req))) {
    throw new ForbiddenError(`This needs: ${smsManagers}.`)
  }
  next()
}
