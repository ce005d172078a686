import { sql } from 'kysely'
import { finalStatuses } from '../cases'
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
  trendIncidentCount: number
  trendProblemId: string | null
}

/**
 * 8.2 a: automatic problem identification. When at least `trendThreshold` incidents on the
 * same CI (or, without a CI, the same service) were recorded within `trendPeriodHours`, a
 * problem is opened (once: an open trend problem for that CI/service is reused) and the
 * incident is linked to it.
 */
export const detectIncidentTrend = defineWorker<In, Out>({
  type: 'detect-incident-trend',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    const column = record.ciId ? 'ci_id' : record.serviceId ? 'service_id' : undefined
    const value = record.ciId ?? record.serviceId
    if (!column || !value) return job.complete({ trendIncidentCount: 0, trendProblemId: null })
    const since = new Date(deps.now().getTime() - deps.settings.trendPeriodHours * 3600_000)
    const { count } = await deps.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('kind', '=', 'incident')
      .where(column, '=', value)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow()
    const incidents = Number(count)
    if (incidents < deps.settings.trendThreshold) {
      return job.complete({ trendIncidentCount: incidents, trendProblemId: null })
    }
    const actor = actorFor(job.type)
    const open = await deps.db
      .selectFrom('cases')
      .select('id')
      .where('kind', '=', 'problem')
      .where(column, '=', value)
      .where('status', 'not in', [...finalStatuses])
      .where(sql<string>`data->>'detectedBy'`, '=', 'incident-trend')
      .orderBy('created_at')
      .executeTakeFirst()
    const problemId =
      open?.id ??
      (
        await deps.cases.create(
          'problem',
          {
            title: `Recurring incidents on ${record.ciId ? 'CI' : 'service'} ${value}`,
            ...(record.ciId ? { ciId: record.ciId } : {}),
            ...(record.serviceId ? { serviceId: record.serviceId } : {}),
            data: {
              detectedBy: 'incident-trend',
              description: `${incidents} incidents within ${deps.settings.trendPeriodHours} hours (threshold ${deps.settings.trendThreshold}).`,
            },
          },
          actor,
        )
      ).id
    await deps.cases.link(
      { kind: 'incident', id: record.id },
      { kind: 'problem', id: problemId },
      'caused-by',
      actor,
    )
    return job.complete({ trendIncidentCount: incidents, trendProblemId: problemId })
  },
})
