import { defineWorker } from './define-worker'
import { caseRefProperties, isOutcome, loadCase, type CaseRefInput } from './worker-helpers'

interface In extends CaseRefInput {
  target: 'response' | 'resolution'
  dueAt?: string | null
}
interface Out {
  slaBreachRecorded: boolean
}

/**
 * 6.2 a, 8.1 e: a breached response or resolution target is recorded once per case and target,
 * with priority, service and supplier, for reporting performance against service targets.
 */
export const recordSlaBreach = defineWorker<In, Out>({
  type: 'record-sla-breach',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      target: { enum: ['response', 'resolution'] },
      dueAt: { type: ['string', 'null'] },
    },
    required: ['caseKind', 'caseId', 'target'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record, kind } = found
    const due = job.variables.dueAt ? new Date(job.variables.dueAt) : null
    const inserted = await deps.db
      .insertInto('sla_breaches')
      .values({
        case_kind: kind,
        case_id: record.id,
        target: job.variables.target,
        due_at: due && !Number.isNaN(due.getTime()) ? due : null,
        breached_at: deps.now(),
        priority: record.priority,
        service_id: record.serviceId,
        supplier_id: record.supplierId,
        process_instance_key: job.processInstanceKey,
      })
      .onConflict((oc) => oc.columns(['case_kind', 'case_id', 'target']).doNothing())
      .returning('id')
      .executeTakeFirst()
    return job.complete({ slaBreachRecorded: !!inserted })
  },
})
