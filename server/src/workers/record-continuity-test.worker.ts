import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { UnexpectedError } from '../errors'
import { TestResult } from '../delivery/continuity/continuity-model'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

type Decided = Record<string, unknown>
interface In {
  test: { id: string }
  testPlan: Decided
  testRun: Decided & { recoveryMinutes?: number }
  testResults: Decided & { result: TestResult }
}
interface Out {
  testPassed: boolean
  rtoMet: boolean
}

/** Who completed the user task `elementId` of this test in this instance. */
export async function completerOf(
  db: Kysely<DB>,
  instance: string,
  elementId: string,
  caseId: string,
): Promise<string | undefined> {
  const task = await db
    .selectFrom('tasks')
    .select('completed_by')
    .where('process_instance_key', '=', instance)
    .where('element_id', '=', elementId)
    .where('case_id', '=', caseId)
    .where('completed_by', 'is not', null)
    .orderBy('completed_at', 'desc')
    .executeTakeFirst()
  return task?.completed_by ?? undefined
}

/**
 * 6.3.3: the plan, run and results decided in the test's tasks are recorded on the test with its
 * evidence (by the person who recorded the results); `testPassed` when the result is passed and
 * the recovery time met the recovery time objective of every service of the plan.
 */
export const recordContinuityTest = defineWorker<In, Out>({
  type: 'record-continuity-test',
  inputSchema: {
    type: 'object',
    properties: {
      test: {
        type: 'object',
        properties: { id: { type: 'string', minLength: 1 } },
        required: ['id'],
      },
      testPlan: { type: 'object' },
      testRun: { type: 'object' },
      testResults: {
        type: 'object',
        properties: { result: { enum: Object.values(TestResult) } },
        required: ['result'],
      },
    },
    required: ['test', 'testPlan', 'testRun', 'testResults'],
  },
  async handler(job, deps) {
    if (!deps.delivery) throw new UnexpectedError('Continuity is not wired into the workers.')
    const { test, testPlan, testRun, testResults } = job.variables
    const by =
      (await completerOf(deps.db, job.processInstanceKey, 'Task_RecordTestResults', test.id)) ??
      actorFor(job.type).username
    const out = await deps.delivery.continuityTests.recordResults(
      test.id,
      { plan: testPlan, run: testRun, results: testResults },
      by,
      job.processInstanceKey,
    )
    return job.complete({ testPassed: out.passed, rtoMet: out.rtoMet })
  },
})
