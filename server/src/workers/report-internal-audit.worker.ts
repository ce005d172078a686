import { TOP_MANAGEMENT_GROUP } from './notify-top-management.worker'
import { findingsOf, isOpenNonconformity } from '../sms/audit/findings'
import { defineWorker, ErrorCode } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  caseId: string
}
interface Out {
  reportedAt: string
}

/**
 * 4.5.4.2 `Task_ReportToManagement`: the audit's results (scope, checklist, findings and their
 * verification) are written on the audit as its report, the observations it reports close, the
 * audit closes, and top management and the SMS managers are told (the report is an input to the management review, 4.5.4.3 f).
 */
export const reportInternalAudit = defineWorker<In, Out>({
  type: 'report-internal-audit',
  inputSchema: {
    type: 'object',
    properties: { caseId: { type: 'string', minLength: 1 } },
    required: ['caseId'],
  },
  async handler(job, deps) {
    const audit = await deps.cases.findCase('internal-audit', job.variables.caseId)
    if (!audit) {
      return job.error({
        errorCode: ErrorCode.CASE_NOT_FOUND,
        errorMessage: `No internal audit ${job.variables.caseId}.`,
      })
    }
    const findings = await findingsOf(deps.db, audit.id)
    const checklist = Array.isArray(audit.data.checklist)
      ? (audit.data.checklist as { clause?: string; result?: string }[])
      : []
    const lines = [
      `Internal audit ${audit.id} "${audit.title}" by ${audit.assignee ?? '?'}.`,
      `Scope: ${String(audit.data.scope ?? '')}`,
      `Clauses: ${checklist.map((c) => `${c.clause ?? '?'} ${c.result ?? '?'}`).join(', ') || 'none'}`,
      `Findings: ${findings.length ? findings.map((f) => `${f.id} ${String(f.data.findingType ?? '')}${f.data.severity ? ` (${String(f.data.severity)})` : ''} ${String(f.data.clause ?? '')} ${f.data.verified ? 'verified' : ''}`.trim()).join('; ') : 'none'}`,
      `Verification: ${String(audit.data.verification ?? 'no corrective actions needed')}`,
    ]
    const reportedAt = deps.now().toISOString()
    const actor = actorFor(job.type)
    // the report and the closing of what it reports (observations and opportunities; verified
    // nonconformities are closed already) commit together
    const published = await deps.db.transaction().execute(async (tx) => {
      const origin = { processInstanceKey: job.processInstanceKey }
      const out = [
        (
          await deps.cases.applyInTransaction(
            'internal-audit',
            audit.id,
            { data: { report: lines.join('\n'), reportedAt } },
            actor,
            tx,
            origin,
          )
        ).publish,
      ]
      for (const f of findings.filter((x) => x.status !== 'closed' && !isOpenNonconformity(x))) {
        out.push(
          (
            await deps.cases.applyInTransaction(
              'audit-finding',
              f.id,
              { status: 'closed' },
              actor,
              tx,
              origin,
            )
          ).publish,
        )
      }
      return out
    })
    for (const publish of published) publish()
    // a retry rewrites the same report and finds the status already set
    await deps.cases.setStatus('internal-audit', audit.id, 'closed', actor, {
      processInstanceKey: job.processInstanceKey,
      elementId: 'Task_ReportToManagement',
    })
    for (const group of [TOP_MANAGEMENT_GROUP, 'sms-managers']) {
      await deps.notifications.enqueue({
        dedupeKey: `job:${job.key}:${group}`,
        recipientGroup: group,
        template: 'audit-report',
        context: {
          caseKind: 'internal-audit',
          caseId: audit.id,
          title: audit.title,
          detail: `${findings.length} findings`,
        },
      })
    }
    return job.complete({ reportedAt })
  },
})
