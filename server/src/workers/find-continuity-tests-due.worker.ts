import { UnexpectedError } from '../errors'
import type { TestToRun } from '../delivery/continuity/continuity-model'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

type In = Record<string, never>
interface Out {
  dueTests: TestToRun[]
}

/**
 * 6.3.3: continuity plans are tested at planned intervals. The continuity-test procedure's daily
 * run opens a test of every plan whose test date has come and plans the next one; the diagram
 * then runs one test per plan (`SubProcess_TestPlan`).
 */
export const findContinuityTestsDue = defineWorker<In, Out>({
  type: 'find-continuity-tests-due',
  inputSchema: { type: 'object', properties: {} },
  async handler(job, deps) {
    if (!deps.delivery) throw new UnexpectedError('Continuity is not wired into the workers.')
    const dueTests = await deps.delivery.continuityTests.claimDue(
      job.processInstanceKey,
      actorFor(job.type).username,
    )
    return job.complete({ dueTests })
  },
})
