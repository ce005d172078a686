import { findingsOf } from '../sms/audit/findings'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  caseId: string
  auditor: string
}
interface Out {
  closedFindings: string[]
}

/**
 * 4.5.4.2 `Task_CloseFindings`: after the auditor verified the corrective actions, the audit's
 * findings are marked verified (by whom, when) and closed, in one transaction with their evidence.
 */
export const closeAuditFindings = defineWorker<In, Out>({
  type: 'close-audit-findings',
  inputSchema: {
    type: 'object',
    properties: {
      caseId: { type: 'string', minLength: 1 },
      auditor: { type: 'string', minLength: 1 },
    },
    required: ['caseId', 'auditor'],
  },
  async handler(job, deps) {
    const open = (await findingsOf(deps.db, job.variables.caseId)).filter(
      (f) => f.status !== 'closed',
    )
    const actor = actorFor(job.type)
    const verifiedAt = deps.now().toISOString()
    const published = await deps.db.transaction().execute(async (tx) => {
      const out: (() => void)[] = []
      for (const f of open) {
        const verification =
          f.data.findingType === 'nonconformity'
            ? { verified: true, verifiedBy: job.variables.auditor, verifiedAt }
            : {}
        const { publish } = await deps.cases.applyInTransaction(
          'audit-finding',
          f.id,
          { status: 'closed', data: verification },
          actor,
          tx,
          { processInstanceKey: job.processInstanceKey },
        )
        out.push(publish)
      }
      return out
    })
    for (const publish of published) publish()
    return job.complete({ closedFindings: open.map((f) => f.id) })
  },
})
