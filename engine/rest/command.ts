/**
 * What the command routes (engine/rest/*.routes.ts that write to the engine) share: request
 * bodies checked against their JSON schema (schemas/commands.ts) with Camunda 8.8's problem
 * answers, path keys, and engine rejections turned into the problems 8.8's gateway sends for a
 * broker rejection (`Command '<intent>' rejected with code '<type>': <reason>`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { EngineError } from '../api'
import { RestProblem, type RestRequest } from './types'

const ajv = new Ajv({ allErrors: true, strict: false })

/** Compiles a request body schema once; the validator is what {@link parseBody} takes. */
export function bodyValidator<T>(schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema)
}

/**
 * 8.8 answers two kinds of bad bodies differently: a body its JSON mapper cannot read (wrong
 * types, unknown enum values, not JSON) is Spring's `Bad Request` / `Failed to read request`;
 * a readable body that misses something is the gateway's own `INVALID_ARGUMENT` with one
 * sentence per violation (`No <name> provided.`).
 */
function problemOf(errors: ErrorObject[]): RestProblem {
  const missing = errors.filter((e) => e.keyword === 'required')
  if (missing.length === errors.length) {
    const names = missing.map((e) =>
      String((e.params as { missingProperty: string }).missingProperty),
    )
    return invalidArgument(names.map((n) => `No ${n} provided`))
  }
  return new RestProblem(400, 'Bad Request', 'Failed to read request')
}

/** An `INVALID_ARGUMENT` problem from violation sentences, joined as 8.8's RequestValidator. */
export function invalidArgument(violations: string[]): RestProblem {
  return new RestProblem(400, 'INVALID_ARGUMENT', `${violations.join('. ')}.`)
}

/**
 * The request's JSON body checked against `validate`; an absent body is `{}` when
 * `optional` (8.8 makes the body of e.g. a job completion optional), else a problem.
 */
export function parseBody<T>(req: RestRequest, validate: ValidateFunction<T>, optional = false): T {
  let body = req.body
  if (body === undefined || body === null) {
    if (req.rawBody.length > 0 && !req.contentType.startsWith('application/json')) {
      throw new RestProblem(
        415,
        'Unsupported Media Type',
        `Content-Type '${req.contentType}' is not supported.`,
      )
    }
    if (!optional) throw new RestProblem(400, 'Bad Request', 'Required request body is missing')
    body = {}
  }
  if (!validate(body)) throw problemOf(validate.errors ?? [])
  return body
}

/**
 * A key from the path: an int64 as decimal text (8.8's path keys are longs; anything else is
 * Spring's conversion failure).
 */
export function pathKey(req: RestRequest, name: string): string {
  const value = req.params[name] ?? ''
  if (!/^-?\d{1,19}$/.test(value)) {
    throw new RestProblem(400, 'Bad Request', `Failed to convert '${name}' with value: '${value}'`)
  }
  return value
}

/** A key from a body (8.8 takes keys as strings, and numbers too). */
export const keyText = (key: string | number | undefined | null): string | undefined =>
  key === undefined || key === null ? undefined : String(key)

/** Zeebe's rejection type for each engine error code (the gRPC status the engine names). */
const REJECTION_OF_CODE: Record<string, { type: string; status: number }> = {
  INVALID_ARGUMENT: { type: 'INVALID_ARGUMENT', status: 400 },
  NOT_FOUND: { type: 'NOT_FOUND', status: 404 },
  ALREADY_EXISTS: { type: 'ALREADY_EXISTS', status: 409 },
  FAILED_PRECONDITION: { type: 'INVALID_STATE', status: 409 },
}

/**
 * Runs an engine command; a rejection becomes the problem 8.8's gateway writes for that broker
 * rejection (title the rejection type, `INVALID_STATE` where the engine says
 * FAILED_PRECONDITION). Other engine errors (UNAVAILABLE, RESOURCE_EXHAUSTED…) keep the
 * server's mapping.
 */
export async function command<T>(intent: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (err instanceof EngineError) {
      const rejection = REJECTION_OF_CODE[err.code]
      if (rejection) {
        throw new RestProblem(
          rejection.status,
          rejection.type,
          `Command '${intent}' rejected with code '${rejection.type}': ${err.message}`,
        )
      }
    }
    throw err
  }
}

/** JSON schema of an int64 key in a body: decimal text or a JSON number. */
export const keySchema = {
  anyOf: [{ type: 'string', pattern: '^-?[0-9]+$', maxLength: 25 }, { type: 'integer' }],
} as const

/** JSON schema of a variables document. */
export const variablesSchema = { type: 'object' } as const
