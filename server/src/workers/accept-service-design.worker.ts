import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

type In = CaseRefInput
interface Out {
  designAcceptedAt: string
  changeId: string
}

/** The message the change waits on until the design of its service is accepted (5.3 → 9.2). */
export const SERVICE_DESIGN_ACCEPTED_MESSAGE = 'service-design-accepted'

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : undefined

/** Labelled lines of the fields that have a value. */
const lines = (parts: [string, unknown][]): string =>
  parts
    .map(([label, v]) => [label, text(v)] as const)
    .filter(([, v]) => v !== undefined)
    .map(([label, v]) => `${label}: ${v}`)
    .join('\n')

/**
 * 5.2, 5.3, 9.2: once the design is accepted at its gate, the change it serves carries the
 * accepted plan, design, acceptance criteria and testing (what the CAB weighs and the build and
 * release follow) and goes on: message `service-design-accepted`, correlated on the change id.
 * The transition's status becomes `in-transition`.
 */
export const acceptServiceDesign = defineWorker<In, Out>({
  type: 'accept-service-design',
  publishes: [SERVICE_DESIGN_ACCEPTED_MESSAGE],
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    const d = record.data
    const changeId = text(d.changeId)
    if (!changeId) {
      throw new Error(
        `${record.id} names no change (data.changeId); it cannot go on to transition.`,
      )
    }
    const actor = actorFor(job.type)
    await deps.cases.updateFields(
      'change',
      changeId,
      {
        data: {
          plan: lines([
            ['Service design and transition', record.id],
            ['Requirements', d.requirements],
            ['Responsibilities', d.responsibilities],
            ['Other parties', d.otherParties],
            ['Communication', d.communication],
            ['Resources', d.resources],
            ['Budget', d.budget],
            ['Timescales', d.timescales],
            ['Risks', d.risks],
            ['Dependencies', d.dependencies],
            ['Impact on the SMS', d.smsImpact],
            ['Removal', d.removalPlan],
          ]).slice(0, 4000),
          design: lines([
            ['Design', d.designDocument],
            ['SLAs', d.slaChanges],
            ['Catalogue', d.catalogueChanges],
            ['Contracts', d.contractChanges],
            ['CMDB', d.cmdbChanges],
            ['Continuity and availability', d.continuityChanges],
            ['Procedures and training', d.procedureChanges],
            ['Accepted by', d.reviewedBy],
          ]).slice(0, 4000),
          acceptanceCriteria: lines([
            ['Acceptance criteria', d.acceptanceCriteria],
            ['Expected outcomes', d.expectedOutcomes],
          ]).slice(0, 4000),
          ...(text(d.testApproach) ? { testPlan: text(d.testApproach)!.slice(0, 4000) } : {}),
        },
      },
      actor,
      job.processInstanceKey,
    )
    // the design is accepted: the service is now being transitioned (5.4)
    if (record.status !== 'in-transition') {
      await deps.cases.setStatus(found.kind, record.id, 'in-transition', actor, {
        processInstanceKey: job.processInstanceKey,
        elementId: job.elementId,
      })
    }
    await deps.messages.publish({
      name: SERVICE_DESIGN_ACCEPTED_MESSAGE,
      correlationKey: changeId,
      variables: { serviceTransitionId: record.id },
      timeToLive: deps.settings.messageTtlMs,
      messageId: `service-design-accepted:${job.key}`,
    })
    return job.complete({ designAcceptedAt: deps.now().toISOString(), changeId })
  },
})
