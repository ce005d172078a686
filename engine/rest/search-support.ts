/** Helpers the read/search route modules share: the store, path keys, 404s. */
import type { SearchStore } from '../search/store'
import { badRequest, notFound, RestProblem, type RestContext, type RestRequest } from './types'

/** The secondary storage, or a 503 when the engine serves no searches. */
export function storeOf(ctx: RestContext): SearchStore {
  if (!ctx.search)
    throw new RestProblem(503, 'UNAVAILABLE', 'The secondary storage is not configured')
  return ctx.search
}

/** A key path parameter: digits, else 400 as Camunda answers an unparsable key. */
export function pathKey(req: RestRequest, name: string): string {
  const value = req.params[name] ?? ''
  if (!/^[0-9]{1,19}$/.test(value))
    throw badRequest(
      `The provided ${name} '${value}' is not a valid key. Expected a numerical value.`,
    )
  return value
}

/** The value or a NOT_FOUND problem naming the entity and key. */
export function found<T>(value: T | undefined, entity: string, key: string): T {
  if (value === undefined) throw notFound(`${entity} with key '${key}' not found`)
  return value
}

/** `?truncateValues=false` turns truncation of variable values off (default on). */
export function truncateValues(req: RestRequest): boolean {
  const v = req.query.get('truncateValues')
  if (v === null || v === 'true') return true
  if (v === 'false') return false
  throw badRequest(`The query parameter truncateValues must be true or false, not '${v}'`)
}
