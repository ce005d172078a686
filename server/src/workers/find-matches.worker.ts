import { sql } from 'kysely'
import { defineWorker } from './define-worker'
import { caseRefProperties, isOutcome, loadCase, type CaseRefInput } from './worker-helpers'

type In = CaseRefInput

interface Option {
  label: string
  value: string
}
interface Out {
  matches: {
    knownErrors: { id: string; title: string; workaround: string }[]
    problems: { id: string; title: string; resolution: string }[]
    cis: { id: string; name: string; status: string }[]
  }
  knownErrorOptions: Option[]
}

/**
 * 8.1: staff handling an incident see the known errors, resolved problems and CMDB records that
 * concern it: published known errors and resolved/closed problems on the same CI or service
 * (or whose title shares a word with the incident's), and the incident's CI with everything
 * related to it (9.1).
 */
export const findMatches = defineWorker<In, Out>({
  type: 'find-matches',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    const words = record.title
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => w.length > 3)
      .slice(0, 5)
    const related = (kind: string, statuses: string[]) =>
      deps.db
        .selectFrom('cases')
        .select(['id', 'title', 'data'])
        .where('kind', '=', kind)
        .where('status', 'in', statuses)
        .where((eb) =>
          eb.or([
            ...(record.ciId ? [eb('ci_id', '=', record.ciId)] : []),
            ...(record.serviceId ? [eb('service_id', '=', record.serviceId)] : []),
            ...words.map((w) => eb(sql<string>`lower(title)`, 'like', `%${w}%`)),
            eb.val(false),
          ]),
        )
        .orderBy('created_at', 'desc')
        .limit(10)
        .execute()
    const text = (data: unknown, key: string) => {
      const v = (data as Record<string, unknown> | null)?.[key]
      return typeof v === 'string' ? v : ''
    }
    const knownErrors = (await related('known-error', ['open', 'published', 'new', 'active'])).map(
      (r) => ({ id: r.id, title: r.title, workaround: text(r.data, 'workaround') }),
    )
    const problems = (await related('problem', ['resolved', 'closed'])).map((r) => ({
      id: r.id,
      title: r.title,
      resolution: text(r.data, 'resolution'),
    }))
    const impact = record.ciId ? await deps.cmdb.impact([record.ciId], 2) : { cis: [] }
    const cis = impact.cis.map((c) => ({ id: c.id, name: c.name, status: c.status }))
    return job.complete({
      matches: { knownErrors, problems, cis },
      knownErrorOptions: knownErrors.map((k) => ({ label: `${k.id} ${k.title}`, value: k.id })),
    })
  },
})
