import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  rootCause: string
  workaround: string
}
interface Out {
  knownErrorId: string
}

/**
 * 8.2: a root cause with a workaround is recorded as a known error, published to the known-error
 * base that incident staff search (8.1), and linked to its problem.
 */
export const publishKnownError = defineWorker<In, Out>({
  type: 'publish-known-error',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      rootCause: { type: 'string', minLength: 1 },
      workaround: { type: 'string', minLength: 1 },
    },
    required: ['caseKind', 'caseId', 'rootCause', 'workaround'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    const actor = actorFor(job.type)
    const knownError = await deps.cases.create(
      'known-error',
      {
        title: `Known error: ${record.title}`.slice(0, 300),
        ...(record.ciId ? { ciId: record.ciId } : {}),
        ...(record.serviceId ? { serviceId: record.serviceId } : {}),
        data: {
          problemId: record.id,
          rootCause: job.variables.rootCause,
          workaround: job.variables.workaround,
          published: true,
        },
      },
      actor,
    )
    await deps.cases.link(
      { kind: 'problem', id: record.id },
      { kind: 'known-error', id: knownError.id },
      'documented-as',
      actor,
    )
    return job.complete({ knownErrorId: knownError.id })
  },
})
