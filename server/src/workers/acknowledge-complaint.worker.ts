import { complaintDefinition, getSettings } from '../relationship/settings'
import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface Out {
  /** ISO date-time by which the complaint is to be resolved (`Timer_ComplaintResolutionDue`). */
  complaintDue: string
  /** `DOC-… vN`, or null when no definition of a complaint is agreed. */
  complaintDefinitionRef: string | null
}

const DAY = 86_400_000

/**
 * 7.1 `Task_AcknowledgeComplaint`: records on the complaint the agreed definition of a complaint
 * in force (the effective version of the controlled document the relationship settings name)
 * and the time it is to be resolved by (`complaintResolutionDays`), gives it to the relationship
 * manager of the customer's organisation, sets it `acknowledged` and tells the customer.
 */
export const acknowledgeComplaint = defineWorker<CaseRefInput, Out>({
  type: 'acknowledge-complaint',
  inputSchema: {
    type: 'object',
    properties: caseRefProperties,
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record, kind } = found
    const settings = await getSettings(deps.db)
    const definition = await complaintDefinition(deps.db)
    const ref = definition ? `${definition.documentId} v${definition.version}` : null
    const complaintDue = new Date(
      deps.now().getTime() + settings.complaintResolutionDays * DAY,
    ).toISOString()
    // the relationship manager of the customer's organisation handles it (7.1)
    const manager = record.requester
      ? await deps.db
          .selectFrom('users as u')
          .innerJoin('customer_organisations as o', 'o.id', 'u.organisation_id')
          .select('o.relationship_manager')
          .where('u.username', '=', record.requester)
          .executeTakeFirst()
      : undefined
    const actor = actorFor(job.type)
    await deps.cases.updateFields(
      kind,
      record.id,
      {
        ...(manager && !record.assignee ? { assignee: manager.relationship_manager } : {}),
        data: {
          complaintDefinition: definition
            ? `${ref}: ${definition.title}`.slice(0, 300)
            : 'not agreed: no effective definition of a complaint is named in the relationship settings',
          complaintDue,
        },
      },
      actor,
      job.processInstanceKey,
    )
    await deps.cases.setStatus(kind, record.id, 'acknowledged', actor, {
      processInstanceKey: job.processInstanceKey,
      elementId: job.elementId,
    })
    if (record.requester) {
      await deps.notifications.enqueue({
        dedupeKey: `job:${job.key}`,
        recipient: record.requester,
        template: 'complaint-recorded',
        context: { caseKind: kind, caseId: record.id, title: record.title },
      })
    }
    return job.complete({ complaintDue, complaintDefinitionRef: ref })
  },
})
