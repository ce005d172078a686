import { finalStatuses } from '../cases'
import { defineWorker } from './define-worker'

type In = Record<string, never>

/** One choice of a form select (form-js `valuesKey` options). */
interface Option {
  label: string
  value: string
}
interface Out {
  serviceOptions: Option[]
  ciOptions: Option[]
  knownErrorOptions: Option[]
  problemOptions: Option[]
  rfcOptions: Option[]
}

/** Most options offered per list. */
const LIMIT = 500

/**
 * 8.1, 9.1, 6.1: the forms' selects offer the current service catalogue, CMDB and case records
 * (services, CIs, open known errors, problems and RFCs) as process variables the forms name in
 * `valuesKey`, so people pick existing records instead of typing ids.
 */
export const loadFormOptions = defineWorker<In, Out>({
  type: 'load-form-options',
  inputSchema: { type: 'object', properties: {} },
  async handler(job, deps) {
    const open = [...finalStatuses]
    const services = await deps.db
      .selectFrom('services')
      .select(['id', 'name'])
      .where('status', 'not in', open)
      .orderBy('name')
      .limit(LIMIT)
      .execute()
    const cis = await deps.db
      .selectFrom('cis')
      .select(['id', 'name'])
      .where('status', 'not in', open)
      .orderBy('name')
      .limit(LIMIT)
      .execute()
    const cases = (kind: string) =>
      deps.db
        .selectFrom('cases')
        .select(['id', 'title as name'])
        .where('kind', '=', kind)
        .where('status', 'not in', open)
        .orderBy('created_at', 'desc')
        .limit(LIMIT)
        .execute()
    const options = (rows: { id: string; name: string }[]): Option[] =>
      rows.map((r) => ({ label: `${r.id} ${r.name}`, value: r.id }))
    return job.complete({
      serviceOptions: options(services),
      ciOptions: options(cis),
      knownErrorOptions: options(await cases('known-error')),
      problemOptions: options(await cases('problem')),
      rfcOptions: options(await cases('change')),
    })
  },
})
