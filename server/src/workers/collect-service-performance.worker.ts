import type { SnapshotContent } from '../reports/report-model'
import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface Out {
  /** How many stored report snapshots the performance was taken from. */
  performanceSnapshots: number
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined)

/**
 * 6.1, 6.2 `Task_CollectServicePerformance`: the performance discussed with the customer is the
 * one management saw: taken from the stored report snapshots (`report_snapshots`, never
 * recomputed) whose period overlaps the review's — the SLA performance rows of the service and
 * the satisfaction rows of the service and the customer — with each snapshot's id and SHA-256,
 * and the customer's complaints of the period. Written on the review as `data.performance`.
 */
export const collectServicePerformance = defineWorker<CaseRefInput, Out>({
  type: 'collect-service-performance',
  inputSchema: {
    type: 'object',
    properties: caseRefProperties,
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record, kind } = found
    const to = new Date(str(record.data.periodTo) ?? deps.now().toISOString())
    const from = new Date(str(record.data.periodFrom) ?? to.getTime() - 90 * 86_400_000)
    const orgId = str(record.data.organisationId)
    const [service, org] = await Promise.all([
      record.serviceId
        ? deps.db
            .selectFrom('services')
            .select('name')
            .where('id', '=', record.serviceId)
            .executeTakeFirst()
        : undefined,
      orgId
        ? deps.db
            .selectFrom('customer_organisations')
            .select('name')
            .where('id', '=', orgId)
            .executeTakeFirst()
        : undefined,
    ])
    const snapshots = await deps.db
      .selectFrom('report_snapshots')
      .select(['id', 'sha256', 'period_from', 'period_to', 'ran_at', 'content'])
      .where('period_to', '>', from)
      .where('period_from', '<', to)
      .orderBy('period_from')
      .orderBy('ran_at')
      .limit(24)
      .execute()
    const sla: Record<string, unknown>[] = []
    const satisfaction: Record<string, unknown>[] = []
    for (const snap of snapshots) {
      const content = JSON.parse(snap.content) as SnapshotContent
      const source = { snapshotId: snap.id, period: content.period }
      for (const section of content.sections) {
        for (const row of section.rows) {
          if (section.id === 'sla-performance' && (!service || row.service === service.name)) {
            sla.push({ ...source, ...row })
          }
          if (
            section.id === 'satisfaction' &&
            ((service && row.dimension === 'service' && row.scope === service.name) ||
              (org && row.dimension === 'customer' && row.scope === org.name))
          ) {
            satisfaction.push({ ...source, ...row })
          }
        }
      }
    }
    let complaints = deps.db
      .selectFrom('cases as c')
      .innerJoin('users as u', 'u.username', 'c.requester')
      .select(['c.id', 'c.title', 'c.status'])
      .where('c.kind', '=', 'complaint')
      .where('c.created_at', '>=', from)
      .where('c.created_at', '<', to)
    complaints = orgId
      ? complaints.where('u.organisation_id', '=', orgId)
      : complaints.where('c.service_id', '=', record.serviceId ?? '')
    const performance = {
      snapshots: snapshots.map((s) => ({
        id: s.id,
        sha256: s.sha256,
        periodFrom: new Date(s.period_from).toISOString(),
        periodTo: new Date(s.period_to).toISOString(),
      })),
      note: snapshots.length
        ? `From ${snapshots.length} stored report snapshot(s) overlapping the review period.`
        : 'No stored report covers the review period: run a service report (6.2) before the review.',
      sla,
      satisfaction,
      complaints: await complaints.orderBy('c.id').limit(200).execute(),
    }
    await deps.cases.updateFields(
      kind,
      record.id,
      { data: { performance } },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({ performanceSnapshots: snapshots.length })
  },
})
