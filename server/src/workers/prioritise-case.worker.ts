import { defineWorker } from './define-worker'
import type { WorkerDeps } from './deps'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  /** 1 high … 3 low. */
  impact: number
  /** 1 high … 3 low. */
  urgency: number
  securityIncident?: boolean | null
  majorIncidentCandidate?: boolean | null
}
interface Out {
  priority: number
  priorityMatrixVersion: number
  isMajorIncident: boolean
}

/** The impact × urgency matrix in force: the highest version of `priority_matrices`. */
export async function currentPriorityMatrix(
  deps: Pick<WorkerDeps, 'db'>,
): Promise<{ version: number; cells: Record<string, Record<string, number>> }> {
  const row = await deps.db
    .selectFrom('priority_matrices')
    .select(['version', 'cells'])
    .orderBy('version', 'desc')
    .executeTakeFirstOrThrow()
  return { version: row.version, cells: row.cells as Record<string, Record<string, number>> }
}

/**
 * 8.1 b, 8.2 c, 4.5.5: priority from impact × urgency using the versioned matrix the process
 * owner maintains. 6.6.3: an information security incident gets at least priority 2. 8.1: a
 * major incident per the agreed definition: flagged by the classifier, or priority 1 with high
 * impact.
 */
export const prioritiseCase = defineWorker<In, Out>({
  type: 'prioritise-case',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      impact: { type: 'integer', minimum: 1, maximum: 3 },
      urgency: { type: 'integer', minimum: 1, maximum: 3 },
      securityIncident: { type: ['boolean', 'null'] },
      majorIncidentCandidate: { type: ['boolean', 'null'] },
    },
    required: ['caseKind', 'caseId', 'impact', 'urgency'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { impact, urgency, securityIncident, majorIncidentCandidate } = job.variables
    const matrix = await currentPriorityMatrix(deps)
    let priority = matrix.cells[String(impact)]?.[String(urgency)] ?? 4
    if (securityIncident === true) priority = Math.min(priority, 2)
    const isMajorIncident =
      found.kind === 'incident' &&
      (majorIncidentCandidate === true || (priority === 1 && impact === 1))
    await deps.cases.updateFields(
      found.kind,
      job.variables.caseId,
      {
        priority,
        data: {
          impact,
          urgency,
          priorityMatrixVersion: matrix.version,
          ...(found.kind === 'incident'
            ? { securityIncident: securityIncident === true, major: isMajorIncident }
            : {}),
        },
      },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({ priority, priorityMatrixVersion: matrix.version, isMajorIncident })
  },
})
