/**
 * Who may do what in information security management (ISO/IEC 20000-1 4.1.3, 6.6): staff in the
 * `information-security` group, SMS managers and admins write the controls register and the
 * register of external parties' access; a control's owner records its reviews; staff, process
 * owners and auditors read (auditors never write); customers see nothing. Enforced here.
 */
import type { Request, RequestHandler } from 'express'
import { sessionOf } from '../auth/auth.middleware'
import { Role, StaffGroup } from '../auth/roles'
import type { Actor } from '../cases/access'
import { ForbiddenError } from '../errors'
import { isSmsManager } from '../sms/access'

/** The group that handles security incidents (created by migration 1110). */
export const INFORMATION_SECURITY = StaffGroup.InformationSecurity

/** Who writes, in words (errors and the API description). */
export const securityWriters = 'admin, or staff in the information-security or sms-managers group'
export const securityReaders = 'admin, process-owner, staff, auditor (read-only)'

export const isSecurityWriter = (a: Actor) =>
  isSmsManager(a) ||
  (a.roles.includes(Role.Staff) && a.groups.some((g) => g.id === INFORMATION_SECURITY))

export const isSecurityReader = (a: Actor) =>
  [Role.Admin, Role.ProcessOwner, Role.Staff, Role.Auditor].some((r) => a.roles.includes(r))

export const actorOf = (req: Request): Actor => sessionOf(req).user

export const requireSecurityReader: RequestHandler = (req, _res, next) => {
  if (!isSecurityReader(actorOf(req))) {
    throw new ForbiddenError(`Information security records need: ${securityReaders}.`)
  }
  next()
}

export const requireSecurityWriter: RequestHandler = (req, _res, next) => {
  if (!isSecurityWriter(actorOf(req))) {
    throw new ForbiddenError(`Changing information security records needs: ${securityWriters}.`)
  }
  next()
}
