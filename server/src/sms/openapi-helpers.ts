/** OpenAPI registrations of SMS routes: writers (SMS managers, admins) and readers. */
import type { OperationSpec } from '../http/openapi'
import { readerRoles, smsReaders, smsWriters, writerRoles } from './access'

type Spec = Omit<OperationSpec, 'roles' | 'tag'>

/** An operation only SMS managers and admins may call. */
export const writeOp = (op: Spec): OperationSpec => ({
  ...op,
  tag: 'sms',
  roles: writerRoles,
  description: [op.description, `Allowed to: ${smsWriters}.`].filter(Boolean).join(' '),
})
/** An operation staff, process owners and auditors may call too. */
export const readOp = (op: Spec): OperationSpec => ({
  ...op,
  tag: 'sms',
  roles: readerRoles,
  description: [op.description, `Allowed to: ${smsReaders}.`].filter(Boolean).join(' '),
})
