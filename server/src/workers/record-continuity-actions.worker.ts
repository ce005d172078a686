import { UnexpectedError } from '../errors'
import { defineWorker } from './define-worker'
import { completerOf } from './record-continuity-test.worker'
import { actorFor } from './worker-helpers'

interface In {
  test: { id: string; title?: string }
  testActions: {
    actions: string
    actionOwner: string
    actionsDue?: string | null
    raiseImprovement?: boolean | null
  }
}
interface Out {
  improvementId: string | null
}

/**
 * 6.3.3, 4.5.5: the actions agreed on a test that missed its targets are recorded on it (and it
 * is completed); when asked, an improvement is raised with the actions as its opportunity.
 */
export const recordContinuityActions = defineWorker<In, Out>({
  type: 'record-continuity-actions',
  inputSchema: {
    type: 'object',
    properties: {
      test: {
        type: 'object',
        properties: { id: { type: 'string', minLength: 1 } },
        required: ['id'],
      },
      testActions: {
        type: 'object',
        properties: {
          actions: { type: 'string', minLength: 1 },
          actionOwner: { type: 'string', minLength: 1 },
        },
        required: ['actions', 'actionOwner'],
      },
    },
    required: ['test', 'testActions'],
  },
  async handler(job, deps) {
    if (!deps.delivery) throw new UnexpectedError('Continuity is not wired into the workers.')
    const { test, testActions } = job.variables
    const by =
      (await completerOf(
        deps.db,
        job.processInstanceKey,
        'Task_AgreeContinuityActions',
        test.id,
      )) ?? actorFor(job.type).username
    let improvementId: string | null = null
    const recorded = await deps.delivery.continuityTests.get(test.id)
    const raised = recorded.actions?.improvementId
    if (typeof raised === 'string') improvementId = raised
    else if (testActions.raiseImprovement === true) {
      const created = await deps.cases.create(
        'improvement',
        {
          title: `Improvement from continuity test ${test.id}`,
          data: { source: 'staff', description: testActions.actions },
        },
        actorFor(job.type),
      )
      improvementId = created.id
    }
    await deps.delivery.continuityTests.recordActions(
      test.id,
      { ...testActions, ...(improvementId ? { improvementId } : {}) },
      by,
      job.processInstanceKey,
    )
    return job.complete({ improvementId })
  },
})
