/**
 * The job-worker framework: a worker is a job type, the JSON schema of the variables it needs
 * and a handler. {@link runJob} validates the input with ajv, runs the handler once per job key
 * (a re-delivered job repeats the stored outcome instead of its effects), turns business
 * outcomes into BPMN errors and technical failures into `fail` with back-off.
 */
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { WorkerDeps } from './deps'

/** BPMN error codes the workers throw; the diagrams catch them with error boundary events. */
export const ErrorCode = {
  /** The case the job names does not exist. */
  CASE_NOT_FOUND: 'CASE_NOT_FOUND',
  /** 7.2: the supplier has no contract with service targets to review against. */
  NO_CONTRACT_TARGETS: 'NO_CONTRACT_TARGETS',
  /** 4.5.4.2: a nonconformity of the audit has no corrective action with owner and due date. */
  CORRECTIVE_ACTION_MISSING: 'CORRECTIVE_ACTION_MISSING',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** What the handler decided. */
export type JobOutcome<Out> =
  | { outcome: 'complete'; variables: Out }
  | {
      outcome: 'error'
      errorCode: ErrorCode
      errorMessage: string
      variables: Record<string, unknown>
    }

/** What the framework tells the engine. */
export type JobResult<Out> =
  JobOutcome<Out> | { outcome: 'fail'; errorMessage: string; retries: number; retryBackOff: number }

/** An activated job as the framework reads it (from the Zeebe client or a test). */
export interface JobData {
  key: string
  type: string
  processInstanceKey: string
  bpmnProcessId: string
  /** The process version the job belongs to (a business rule task's decision is bound to it). */
  processDefinitionKey?: string
  elementId: string
  retries: number
  variables: Record<string, unknown>
  customHeaders: Record<string, string>
}

/** The job a handler sees: typed input plus the outcome constructors. */
export interface WorkerJob<In, Out> extends Omit<JobData, 'variables'> {
  readonly variables: In
  complete(variables: Out): JobOutcome<Out>
  error(e: {
    errorCode: ErrorCode
    errorMessage: string
    variables?: Record<string, unknown>
  }): JobOutcome<Out>
}

/** A worker definition. */
export interface WorkerDefinition<In, Out> {
  /** The job type; equals the worker's file stem and the BPMN `zeebe:taskDefinition type`. */
  type: string
  /** JSON schema (object) of the variables the handler reads; only these are fetched. */
  inputSchema: { type: 'object'; properties: Record<string, object>; required?: string[] }
  /** Message names the worker publishes (the static checks match them to BPMN messages). */
  publishes?: readonly string[]
  /** Job lock time in ms; default 30 s. */
  timeoutMs?: number
  handler(job: WorkerJob<In, Out>, deps: WorkerDeps): Promise<JobOutcome<Out>>
}

/** A registered worker, its type parameters erased. */
export interface AnyWorker {
  readonly type: string
  readonly inputSchema: WorkerDefinition<unknown, unknown>['inputSchema']
  readonly publishes: readonly string[]
  readonly timeoutMs: number
  run(job: JobData, deps: WorkerDeps): Promise<JobResult<unknown>>
}

const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false })
addFormats.default(ajv)

/** Back-off before the next attempt after a technical failure: 5 s, 10 s, 20 s … ≤ 5 min. */
export function backOffMs(retriesLeft: number, maxRetries = 3): number {
  const attempt = Math.max(0, maxRetries - retriesLeft)
  return Math.min(5_000 * 2 ** attempt, 300_000)
}

/** Invalid input will not fix itself quickly: wait a minute between the remaining attempts. */
const INVALID_INPUT_BACKOFF_MS = 60_000

function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((e) => {
      const at =
        e.keyword === 'required' ? `/${String(e.params.missingProperty)}` : e.instancePath || '/'
      return `${at} ${e.keyword === 'required' ? 'is missing' : (e.message ?? 'is invalid')}`
    })
    .join('; ')
}

/** Defines a worker: the style of server/src/workers/*.worker.ts. */
export function defineWorker<In, Out>(def: WorkerDefinition<In, Out>): AnyWorker {
  const validate = ajv.compile(def.inputSchema)
  return {
    type: def.type,
    inputSchema: def.inputSchema,
    publishes: def.publishes ?? [],
    timeoutMs: def.timeoutMs ?? 30_000,
    async run(data: JobData, deps: WorkerDeps): Promise<JobResult<unknown>> {
      const stored = await deps.db
        .selectFrom('worker_jobs')
        .select(['outcome', 'result'])
        .where('job_key', '=', data.key)
        .executeTakeFirst()
      if (stored) {
        deps.log.info(`${def.type}: job ${data.key} was done before; repeating its outcome`)
        return stored.result as JobOutcome<unknown>
      }
      const variables = { ...data.variables }
      if (!validate(variables)) {
        return {
          outcome: 'fail',
          errorMessage: `Invalid input for ${def.type} at ${data.elementId}: ${describeErrors(validate)}`,
          retries: Math.max(0, data.retries - 1),
          retryBackOff: INVALID_INPUT_BACKOFF_MS,
        }
      }
      const job: WorkerJob<In, Out> = {
        ...data,
        variables: variables as In,
        complete: (vars) => ({ outcome: 'complete', variables: vars }),
        error: (e) => ({ outcome: 'error', variables: {}, ...e }),
      }
      let result: JobOutcome<Out>
      try {
        result = await def.handler(job, deps)
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        deps.log.warn(`${def.type}: job ${data.key} failed: ${message}`)
        return {
          outcome: 'fail',
          errorMessage: `${def.type} failed: ${message}`,
          retries: Math.max(0, data.retries - 1),
          retryBackOff: backOffMs(data.retries),
        }
      }
      await deps.db
        .insertInto('worker_jobs')
        .values({
          job_key: data.key,
          job_type: def.type,
          process_instance_key: data.processInstanceKey,
          element_id: data.elementId,
          outcome: result.outcome,
          result: JSON.stringify(result),
        })
        .onConflict((oc) => oc.column('job_key').doNothing())
        .execute()
      return result
    },
  }
}

/** Whether a value is a non-empty string. */
export const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== ''
