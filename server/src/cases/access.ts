/**
 * Who may do what with which record (ISO/IEC 20000-1 4.1.3 authorities and responsibilities),
 * decided on the server for every route:
 *
 * - admin: everything;
 * - staff: read every operational case, CI, service, SLA and supplier; create operational cases
 *   and CIs; change a case only when their group is assigned or they are the assignee, a CI only
 *   when their group owns it; suppliers only in the supplier-managers group;
 * - process-owner: read;
 * - auditor: read everything, create and change audit findings only (4.5.4.2);
 * - the management system's own records (internal audits, management reviews, audit findings;
 *   4.5.4): written only by SMS managers (staff in `sms-managers`) and, for audits and findings,
 *   internal auditors (staff in `internal-auditors`, who conduct the audits in their inbox); the
 *   owner of a finding's corrective action (its assignee) updates that finding; top management
 *   takes part in management reviews. Other staff read them only;
 * - service reviews with the customer (6.1): written by relationship managers and SMS managers;
 * - customer: raise incidents, service requests and complaints, and see their own only (others'
 *   answer 404); read the service catalogue and SLAs;
 * - nobody changes history (CI history, evidence): there are no routes for it.
 */
import { Role, StaffGroup } from '../auth/roles'
import { auditKinds, customerKinds, operationalKinds, type CaseKind } from './kinds'

/** The caller as far as authorisation is concerned (a session user or a worker). */
export interface Actor {
  username: string
  roles: readonly string[]
  groups: readonly { id: string }[]
}

/** The parts of a record the rules look at. */
export interface RecordScope {
  assignedGroup?: string | null
  assignee?: string | null
  requester?: string | null
  ownerGroup?: string | null
}

/** A worker or start-up task acting on behalf of the system. */
export function systemActor(component: string): Actor {
  return { username: `system:${component}`, roles: [Role.Admin], groups: [] }
}

/** True for workers and start-up tasks ({@link systemActor}), false for people. */
export const isSystemActor = (a: Actor) => a.username.startsWith('system:')

const has = (a: Actor, role: Role) => a.roles.includes(role)
const inGroup = (a: Actor, group: string | null | undefined) =>
  !!group && a.groups.some((g) => g.id === group)
const isOperational = (kind: CaseKind) => (operationalKinds as readonly string[]).includes(kind)

/** A customer and nothing else: sees the customer's form of a case (no staff-only fields). */
export const isCustomer = (a: Actor) =>
  has(a, Role.Customer) && !has(a, Role.Admin) && !has(a, Role.Staff) && !has(a, Role.Auditor)

/**
 * Typed case fields the service provider decides, never the customer (8.1 b: incidents are
 * prioritised by the provider, taking impact and urgency into account; 8.1 a: requests are
 * assigned by the provider). A customer naming one on any route is refused; the form-shaped
 * equivalents (`impact`, `urgency`, …) are the kind's `audience: staff` fields.
 */
export const staffDecidedFields = ['priority', 'assignedGroup', 'assignee'] as const

/** May list / read records of the kind at all (before looking at a single record). */
export function canReadKind(a: Actor, kind: CaseKind): boolean {
  if (has(a, Role.Admin) || has(a, Role.Auditor) || has(a, Role.ProcessOwner)) return true
  if (has(a, Role.Staff)) return true
  if (has(a, Role.Customer)) {
    return customerKinds.includes(kind) || kind === 'service' || kind === 'sla'
  }
  return false
}

/** True when the actor sees only their own records of the kind (customers). */
export function seesOwnOnly(a: Actor, kind: CaseKind): boolean {
  return (
    customerKinds.includes(kind) &&
    !has(a, Role.Admin) &&
    !has(a, Role.Auditor) &&
    !has(a, Role.ProcessOwner) &&
    !has(a, Role.Staff)
  )
}

/** May read this record (customers: only their own). */
export function canRead(a: Actor, kind: CaseKind, r: RecordScope): boolean {
  if (!canReadKind(a, kind)) return false
  return seesOwnOnly(a, kind) ? r.requester === a.username : true
}

/**
 * 4.5.4: who writes the management system's audit and review records. Internal auditors are
 * staff in `internal-auditors` (they work the audit's tasks); the read-only `auditor` role keeps
 * recording findings only, as before.
 */
function mayWriteAuditKind(a: Actor, kind: CaseKind, r?: RecordScope): boolean {
  if (inGroup(a, StaffGroup.SmsManagers) && has(a, Role.Staff)) return true
  if (!has(a, Role.Staff)) return false
  if (kind === 'management-review') return inGroup(a, StaffGroup.TopManagement)
  if (inGroup(a, StaffGroup.InternalAuditors)) return true
  // the owner of a finding's corrective action records its progress (4.5.4.2)
  return kind === 'audit-finding' && !!r?.assignee && r.assignee === a.username
}

/** 6.1: service reviews with the customer are recorded by relationship and SMS managers. */
function mayWriteServiceReview(a: Actor): boolean {
  return (
    has(a, Role.Staff) &&
    (inGroup(a, StaffGroup.RelationshipManagers) || inGroup(a, StaffGroup.SmsManagers))
  )
}

/** May create records of the kind. */
export function canCreate(a: Actor, kind: CaseKind): boolean {
  if (has(a, Role.Admin)) return true
  if (kind === 'audit-finding' && has(a, Role.Auditor)) return true
  if (auditKinds.includes(kind)) return mayWriteAuditKind(a, kind)
  if (kind === 'service-review') return mayWriteServiceReview(a)
  // 5.1: a service design and transition is opened by the change it serves (change.bpmn), when
  // the change management policy classes the change as having major impact
  if (kind === 'service-transition') return false
  if (kind === 'supplier') return has(a, Role.Staff) && inGroup(a, StaffGroup.SupplierManagers)
  if (kind === 'service' || kind === 'sla') return false
  if (has(a, Role.Staff)) return isOperational(kind) || kind === 'ci'
  if (has(a, Role.Customer)) return customerKinds.includes(kind)
  return false
}

/** May change this record (typed fields, data, links). */
export function canWrite(a: Actor, kind: CaseKind, r: RecordScope): boolean {
  if (has(a, Role.Admin)) return true
  if (kind === 'audit-finding' && has(a, Role.Auditor)) return true
  if (auditKinds.includes(kind)) return mayWriteAuditKind(a, kind, r)
  if (kind === 'service-review') return mayWriteServiceReview(a)
  if (!has(a, Role.Staff)) return false
  if (kind === 'supplier') return inGroup(a, StaffGroup.SupplierManagers)
  if (kind === 'service' || kind === 'sla') return false
  if (kind === 'ci') return inGroup(a, r.ownerGroup)
  return inGroup(a, r.assignedGroup) || (!!r.assignee && r.assignee === a.username)
}

/** May add a comment or an attachment: whoever may write, staff who may read, a customer on their own case. */
export function canComment(a: Actor, kind: CaseKind, r: RecordScope): boolean {
  if (canWrite(a, kind, r)) return true
  if (has(a, Role.Staff) && isOperational(kind)) return true
  return seesOwnOnly(a, kind) && r.requester === a.username
}
