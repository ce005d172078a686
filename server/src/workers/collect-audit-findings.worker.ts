import { findingsOf, isOpenNonconformity } from '../sms/audit/findings'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  caseId: string
}
interface Out {
  nonconformities: number
  observations: number
  findingIds: string[]
}

/**
 * 4.5.4.2 `Task_CollectFindings`: the findings the auditor recorded for the audit (audit-finding
 * records naming it) are counted on the audit; open nonconformities need corrective actions.
 */
export const collectAuditFindings = defineWorker<In, Out>({
  type: 'collect-audit-findings',
  inputSchema: {
    type: 'object',
    properties: { caseId: { type: 'string', minLength: 1 } },
    required: ['caseId'],
  },
  async handler(job, deps) {
    const findings = await findingsOf(deps.db, job.variables.caseId)
    const nonconformities = findings.filter(isOpenNonconformity).length
    const observations = findings.filter((f) => f.data.findingType !== 'nonconformity').length
    await deps.cases.updateFields(
      'internal-audit',
      job.variables.caseId,
      { data: { nonconformities, observations } },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({ nonconformities, observations, findingIds: findings.map((f) => f.id) })
  },
})
