/**
 * The error hierarchy handlers throw; one express middleware turns them into problem JSON
 * `{ status, title, detail, errors? }` (RFC 9457).
 */
import { STATUS_CODES } from 'node:http'

/** A field-level problem, e.g. from ajv validation of a form submission. */
export interface FieldError {
  /** JSON pointer of the field, e.g. `/impact`. */
  path: string
  message: string
}

/** A 4xx caused by the request; `detail` is shown to the user. */
export class UserError extends Error {
  readonly status: number = 400
  readonly title: string = 'Bad Request'
  constructor(
    message: string,
    readonly errors?: FieldError[],
    /** Members the problem JSON carries besides these (RFC 9457 extensions), e.g. `draftId`. */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message)
    this.name = new.target.name
  }
}

export class UnauthorizedError extends UserError {
  override readonly status = 401
  override readonly title = 'Unauthorized'
}

export class ForbiddenError extends UserError {
  override readonly status = 403
  override readonly title = 'Forbidden'
}

export class NotFoundError extends UserError {
  override readonly status = 404
  override readonly title = 'Not Found'
}

/** A stale write or a state that no longer allows the action. */
export class ConflictError extends UserError {
  override readonly status = 409
  override readonly title = 'Conflict'
}

export class TooManyRequestsError extends UserError {
  override readonly status = 429
  override readonly title = 'Too Many Requests'
}

/** A request body that is not JSON (the API reads nothing else). */
export class UnsupportedMediaTypeError extends UserError {
  override readonly status = 415
  override readonly title = 'Unsupported Media Type'
}

/**
 * A dependency (the database, the process engine) does not answer right now: 503, and the
 * request may be retried later. Its message is shown (it says what is unavailable).
 */
export class ServiceUnavailableError extends Error {
  readonly status = 503
  readonly title = 'Service Unavailable'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ServiceUnavailableError'
  }
}

/**
 * SQLSTATEs and socket errors of a database that is not there: connection exceptions (class
 * 08), the server shutting down or starting (57P01-57P03), a refused or broken connection.
 */
const DATABASE_DOWN_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
])
const DATABASE_DOWN_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'the database system is',
]

/** True when `err` says the database cannot be reached (not that a statement was wrong). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const code = 'code' in err && typeof err.code === 'string' ? err.code : ''
  if (DATABASE_DOWN_CODES.has(code) || code.startsWith('08')) return true
  const message = err instanceof Error ? err.message : ''
  if (DATABASE_DOWN_MESSAGES.some((m) => message.includes(m))) return true
  // an AggregateError of every address that refused (node's happy eyeballs)
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable)
  return false
}

/** A failure of ours or of a dependency; its message is logged, not shown. */
export class UnexpectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'UnexpectedError'
  }
}

/** Problem JSON body. */
export interface Problem {
  status: number
  title: string
  detail: string
  errors?: FieldError[]
  /** RFC 9457 extension members (`draftId`, `deployedVersion`, …). */
  [extension: string]: unknown
}

/**
 * A write that a unique constraint refused (PostgreSQL and PGlite: SQLSTATE 23505), e.g. a
 * second supplier of one name sent at the same moment as the first: 409, naming the field from
 * the constraint (`suppliers_name_key` → name), never the row's value.
 */
function uniqueViolation(err: unknown): Problem | undefined {
  if (!err || typeof err !== 'object' || !('code' in err) || err.code !== '23505') return undefined
  const constraint =
    'constraint' in err && typeof err.constraint === 'string' ? err.constraint : undefined
  const field = /^[a-z_]+?_([a-z_]+)_key$/.exec(constraint ?? '')?.[1]?.replace(/_/g, ' ')
  return {
    status: 409,
    title: 'Conflict',
    detail: `Another record has ${field ? `this ${field}` : 'these values'} already; nothing was changed.`,
  }
}

export function toProblem(err: unknown): Problem {
  if (err instanceof ServiceUnavailableError)
    return { status: 503, title: err.title, detail: err.message }
  if (isDatabaseUnavailable(err)) {
    return {
      status: 503,
      title: 'Service Unavailable',
      detail: 'The database is unavailable; nothing was changed. Please try again shortly.',
    }
  }
  const unique = uniqueViolation(err)
  if (unique) return unique
  if (err instanceof UserError) {
    return {
      ...err.extensions,
      status: err.status,
      title: err.title,
      detail: err.message,
      ...(err.errors ? { errors: err.errors } : {}),
    }
  }
  // body-parser and friends set `status`/`type` on their errors (malformed JSON 400, too large
  // 413, unsupported charset or encoding 415): the title is the status's own reason phrase.
  if (
    err &&
    typeof err === 'object' &&
    'status' in err &&
    typeof err.status === 'number' &&
    Number.isInteger(err.status) &&
    err.status >= 400 &&
    err.status < 500
  ) {
    const title = STATUS_CODES[err.status] ?? 'Bad Request'
    const message = 'message' in err && typeof err.message === 'string' ? err.message : title
    return { status: err.status, title, detail: message }
  }
  return { status: 500, title: 'Internal Server Error', detail: 'An unexpected error occurred.' }
}
