import { sql } from 'kysely'
import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  /** After an emergency change was implemented (or failed): the design is reviewed after the fact. */
  retrospective?: boolean
  rfcOutcome?: 'implemented' | 'failed'
}
interface Out {
  serviceTransitionId: string
}

/** What a change's nature (as classified, 9.2) makes of its design and transition (5.1). */
const transitionTypeOf: Record<string, string> = {
  'new-service': 'new-service',
  'service-removal': 'service-removal',
  'service-transfer': 'service-transfer',
}

/**
 * 5.1, 9.2: a change the change management policy classes as having major impact (a new
 * service, a service removal or transfer, or a change with potential major impact) records a
 * service design and transition linked `raised-from` to it; its procedure (service-transition)
 * starts with it. The change waits for message `service-design-accepted` (correlation key: the
 * change id). A retry finds the transition recorded before and records no second one.
 *
 * An emergency change with major impact opens it after its implementation (`retrospective`,
 * with the change's outcome): the transition documents and reviews the design as implemented and
 * reports the outcome (5.3, 5.4); nothing waits for it.
 */
export const startServiceTransition = defineWorker<In, Out>({
  type: 'start-service-transition',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      retrospective: { type: 'boolean' },
      rfcOutcome: { enum: ['implemented', 'failed'] },
    },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const change = found.record
    const actor = actorFor(job.type)
    const existing = await deps.db
      .selectFrom('cases')
      .select('id')
      .where('kind', '=', 'service-transition')
      .where(sql<boolean>`data ->> 'changeId' = ${change.id}`)
      .orderBy('id')
      .executeTakeFirst()
    let transitionId = existing?.id
    if (!transitionId) {
      const nature = typeof change.data.changeNature === 'string' ? change.data.changeNature : ''
      const transition = await deps.cases.create(
        'service-transition',
        {
          title: `Design and transition: ${String(change.title ?? change.id)}`.slice(0, 300),
          ...(typeof change.serviceId === 'string' ? { serviceId: change.serviceId } : {}),
          ...(typeof change.ciId === 'string' ? { ciId: change.ciId } : {}),
          data: {
            changeId: change.id,
            transitionType: transitionTypeOf[nature] ?? 'changed-service',
            ...(typeof change.data.scope === 'string' ? { scope: change.data.scope } : {}),
            ...(job.variables.retrospective === true
              ? {
                  retrospective: true,
                  ...(job.variables.rfcOutcome ? { rfcOutcome: job.variables.rfcOutcome } : {}),
                }
              : {}),
          },
        },
        actor,
      )
      transitionId = transition.id
    }
    const links = await deps.cases.linksOf('service-transition', transitionId)
    if (!links.some((l) => l.fromId === transitionId && l.toId === change.id)) {
      await deps.cases.link(
        { kind: 'service-transition', id: transitionId },
        { kind: 'change', id: change.id },
        'raised-from',
        actor,
      )
    }
    await deps.cases.updateFields(
      'change',
      change.id,
      { data: { serviceTransitionId: transitionId } },
      actor,
      job.processInstanceKey,
    )
    return job.complete({ serviceTransitionId: transitionId })
  },
})
