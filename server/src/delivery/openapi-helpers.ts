/** OpenAPI registrations of continuity, availability and capacity routes. */
import type { OperationSpec } from '../http/openapi'
import { Role } from '../auth/roles'
import { deliveryWriters } from './access'

type Spec = Omit<OperationSpec, 'roles' | 'tag'>
const readers = 'admin, process-owner, staff, auditor (read-only)'

/** An operation service owners, SMS managers and admins may call. */
export const ownerOp = (tag: string, op: Spec): OperationSpec => ({
  ...op,
  tag,
  roles: [Role.Admin, Role.Staff],
  description: [op.description, `Allowed to: ${deliveryWriters}.`].filter(Boolean).join(' '),
})
/** An operation every staff member, process owner and auditor may call. */
export const readerOp = (tag: string, op: Spec): OperationSpec => ({
  ...op,
  tag,
  roles: [Role.Admin, Role.ProcessOwner, Role.Staff, Role.Auditor],
  description: [op.description, `Allowed to: ${readers}.`].filter(Boolean).join(' '),
})
