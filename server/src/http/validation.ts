/**
 * Validation at the edge of the HTTP API: one shared ajv instance for request bodies, one for
 * query strings and path parameters (strings coerced to the schema's types), one compiled
 * validator per schema, the bounds every numeric parameter is held to, and the checks every
 * request passes before a route sees it (a JSON body, no NUL character, bounded nesting).
 */
import type { RequestHandler } from 'express'
import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import { UnsupportedMediaTypeError, UserError, type FieldError } from '../errors'
import { FORM_DATETIME_PATTERN } from '../forms/form-schema'

export const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true })
addFormats.default(ajv)

/** Largest value of a PostgreSQL `integer`/`serial` column (ids, versions, priorities). */
export const INT4_MAX = 2_147_483_647
/**
 * Largest value a `bigint` column is compared with from the API: JavaScript numbers are exact up
 * to 2^53 - 1, and the evidence trail's sequence numbers will not get there.
 */
export const BIGINT_API_MAX = Number.MAX_SAFE_INTEGER

/** Any value of an `integer` column (a filter on one). */
export const int4Schema = { type: 'integer', minimum: -INT4_MAX - 1, maximum: INT4_MAX } as const
/** A row id in an `integer`/`serial` column: 1 … 2147483647. */
export const int4IdSchema = { type: 'integer', minimum: 1, maximum: INT4_MAX } as const
/** A version number (process, form, record): 1 … 2147483647. */
export const versionSchema = { type: 'integer', minimum: 1, maximum: INT4_MAX } as const
/** How many rows a page may skip: 0 … 2147483647. */
export const offsetSchema = { type: 'integer', minimum: 0, maximum: INT4_MAX } as const
/** How many rows a page holds: 1 … `max`. */
export const limitSchema = (max: number) => ({ type: 'integer', minimum: 1, maximum: max }) as const

/**
 * What a person reads for a failed keyword where ajv's own words say little: a date where a
 * date and a time are expected is refused, never dropped or read as midnight, and says so.
 */
function messageOf(e: ErrorObject): string {
  if (e.keyword === 'pattern' && e.params.pattern === FORM_DATETIME_PATTERN) {
    return 'must be a date and a time, e.g. 2026-12-10T09:30 (a date alone is not accepted here)'
  }
  if (e.keyword === 'format' && e.params.format === 'date-time') {
    return 'must be a date and a time with an offset, e.g. 2026-12-10T09:30:00Z (a date alone is not accepted here)'
  }
  if (e.keyword === 'format' && e.params.format === 'date') {
    return 'must be a date, e.g. 2026-12-10'
  }
  return e.message ?? 'is invalid'
}

export function fieldErrors(errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? `/${String(e.params.missingProperty)}` : ''
    const extra =
      e.keyword === 'additionalProperties' ? `/${String(e.params.additionalProperty)}` : ''
    return {
      path: `${e.instancePath}${missing}${extra}` || '/',
      message: messageOf(e),
    }
  })
}

/** Compiles `schema` once; the returned function returns the typed body or throws a 400. */
export function bodyValidator<T>(schema: JSONSchemaType<T> | object): (body: unknown) => T {
  const validate = ajv.compile(schema) as ValidateFunction<T>
  return (body: unknown) => {
    if (!validate(body)) {
      throw new UserError('The request body is invalid.', fieldErrors(validate.errors))
    }
    return body
  }
}

/**
 * ajv for query strings and path parameters: they arrive as strings and are coerced to the
 * schema's types (`?limit=50` → 50), so `abc`, `1.5`, `-1` or `99999999999` fail the schema.
 */
export const paramAjv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true })
addFormats.default(paramAjv)

function paramChecker<T>(
  kind: 'query parameter' | 'path parameter',
  schema: Record<string, unknown>,
): (input: unknown) => T {
  const validate = paramAjv.compile(schema)
  return (input: unknown) => {
    const copy = { ...(input as Record<string, unknown>) }
    const valid = validate(copy)
    // ajv coerces `1e400` and `Infinity` to Infinity and then skips minimum and maximum
    const infinite = Object.entries(copy)
      .filter(([, v]) => typeof v === 'number' && !Number.isFinite(v))
      .map(([name]) => ({ path: `/${name}`, message: 'must be a finite number' }))
    if (!valid || infinite.length) {
      const errors = [...fieldErrors(validate.errors), ...infinite]
      const names = [...new Set(errors.map((e) => e.path.split('/')[1] || '?'))]
      throw new UserError(
        `Invalid ${kind}${names.length > 1 ? 's' : ''}: ${names.join(', ')}.`,
        errors,
      )
    }
    return copy as T
  }
}

/**
 * Compiles a query-string schema (an object schema of the parameters); the function returns the
 * typed, coerced query or throws a 400 naming each bad parameter.
 */
export const queryValidator = <T>(schema: Record<string, unknown>) =>
  paramChecker<T>('query parameter', schema)

/**
 * Compiles a schema of a route's path parameters (`req.params`); the function returns them
 * typed and coerced or throws a 400 naming each bad parameter.
 */
export const paramsValidator = <T>(schema: Record<string, unknown>) =>
  paramChecker<T>('path parameter', schema)

/**
 * Refuses a request body that is not JSON with 415: the API reads JSON only, and a body that
 * no route reads must not pass for an empty one.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const length = req.headers['content-length']
  const hasBody = req.headers['transfer-encoding'] !== undefined || (!!length && length !== '0')
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    throw new UnsupportedMediaTypeError(
      `The API reads JSON bodies only (Content-Type: application/json), not ${req.headers['content-type'] ?? 'an untyped body'}.`,
    )
  }
  next()
}

/** Deepest nesting of arrays and objects a request body may have. */
export const MAX_BODY_DEPTH = 100

/**
 * The first problem of a JSON value: a string or key holding NUL (`\u0000`, which PostgreSQL
 * refuses in text and jsonb) or nesting deeper than {@link MAX_BODY_DEPTH}. Iterative, so no
 * body can exhaust the stack.
 */
export function unsafeJsonProblem(value: unknown): FieldError | undefined {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }]
  while (stack.length) {
    const { v, path, depth } = stack.pop()!
    if (typeof v === 'string') {
      if (v.includes('\0')) return { path: path || '/', message: 'must not contain NUL (\\u0000)' }
    } else if (v && typeof v === 'object') {
      if (depth >= MAX_BODY_DEPTH) {
        return { path: path || '/', message: `nests deeper than ${MAX_BODY_DEPTH} levels` }
      }
      for (const [k, child] of Object.entries(v)) {
        const here = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`
        if (k.includes('\0')) return { path: here, message: 'key must not contain NUL (\\u0000)' }
        stack.push({ v: child, path: here, depth: depth + 1 })
      }
    }
  }
  return undefined
}

/**
 * Refuses with 400 a request whose path, query or body carries NUL, or whose body nests too
 * deeply: caught here once instead of as a database error in whichever route it reaches. A URL
 * can carry NUL only percent-encoded; `%2500` is a literal `%00`, not NUL.
 */
export const refuseUnsafeInput: RequestHandler = (req, _res, next) => {
  const url = req.originalUrl
  const q = url.indexOf('?')
  const parts = { path: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1) }
  const withNul = Object.entries(parts).filter(([, text]) => /%00/i.test(text))
  if (withNul.length) {
    throw new UserError(
      'The request URL must not contain NUL (%00).',
      withNul.map(([where]) => ({ path: where, message: 'must not contain NUL (%00)' })),
    )
  }
  const problem = unsafeJsonProblem(req.body)
  if (problem) throw new UserError('The request body is invalid.', [problem])
  next()
}
