import { UnexpectedError } from '../errors'
import { CONTINUITY_TEST_MESSAGE } from '../delivery/continuity/tests.service'
import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  stringList,
  type CaseRefInput,
} from './worker-helpers'

type In = CaseRefInput
interface Out {
  continuityRetests: string[]
}

/**
 * 6.3.3, 9.2: after a change with major impact (`majorImpact` as the change policy classed it)
 * the continuity plans of the services it touched (its service and affected services) are
 * re-tested: a test per plan is opened and the continuity-test procedure started by message
 * `continuity-test-requested` (one message per change). Other changes pass through.
 */
export const requestContinuityRetest = defineWorker<In, Out>({
  type: 'request-continuity-retest',
  publishes: [CONTINUITY_TEST_MESSAGE],
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    if (!deps.delivery) throw new UnexpectedError('Continuity is not wired into the workers.')
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    if (record.data.majorImpact !== true) return job.complete({ continuityRetests: [] })
    const services = [
      ...new Set([
        ...(record.serviceId ? [record.serviceId] : []),
        ...stringList(record.data.affectedServices),
      ]),
    ]
    const tests = await deps.delivery.continuityTests.openForChange(
      record.id,
      services,
      actorFor(job.type).username,
    )
    if (tests.length) {
      await deps.messages.publish({
        name: CONTINUITY_TEST_MESSAGE,
        correlationKey: record.id,
        variables: { dueTests: tests },
        timeToLive: deps.settings.messageTtlMs,
        messageId: `continuity-retest-${record.id}`,
      })
    }
    return job.complete({ continuityRetests: tests.map((t) => t.id) })
  },
})
