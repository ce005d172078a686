import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  source: string
  sourceId: string
  opportunity: string
}
interface Out {
  improvementId: string
}

const SOURCES = [
  'audit-finding',
  'management-review',
  'service-report',
  'problem-trend',
  'complaint',
  'supplier-review',
  'staff',
  'customer',
] as const

/**
 * 4.5.5, 7.2: an opportunity for improvement found elsewhere (here: a supplier review) is
 * recorded as an improvement case, which starts the improvement procedure.
 */
export const startImprovement = defineWorker<In, Out>({
  type: 'start-improvement',
  inputSchema: {
    type: 'object',
    properties: {
      source: { enum: [...SOURCES] },
      sourceId: { type: 'string', minLength: 1 },
      opportunity: { type: 'string', minLength: 1 },
    },
    required: ['source', 'sourceId', 'opportunity'],
  },
  async handler(job, deps) {
    const { source, sourceId, opportunity } = job.variables
    const actor = actorFor(job.type)
    const created = await deps.cases.create(
      'improvement',
      {
        title: `Improvement from ${source} ${sourceId}`.slice(0, 300),
        ...(source === 'supplier-review' ? { supplierId: sourceId } : {}),
        data: { source, description: opportunity },
      },
      actor,
    )
    return job.complete({ improvementId: created.id })
  },
})
