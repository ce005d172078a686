/**
 * Job commands of Camunda 8.8's v2 API: activation with long polling (`requestTimeout` as
 * 8.8: 0 = the gateway's default, < 0 = answer at once), completion (with a task listener's
 * result), failure, BPMN error, update (retries, timeout).
 */
import type { ActivatedJob, EngineApi, JobResult, UserTaskChanges } from '../api'
import { JobDispatcher } from '../gateway/job-dispatcher'
import { bodyValidator, command, invalidArgument, parseBody, pathKey } from './command'
import {
  jobActivation,
  jobCompletion,
  jobError,
  jobFail,
  jobUpdate,
  type JobActivationBody,
  type JobCompletionBody,
  type JobErrorBody,
  type JobFailBody,
  type JobUpdateBody,
} from './schemas/commands'
import type { RestRoute } from './types'

/** Long-poll time of an activation whose requestTimeout is 0 or absent (Zeebe's 10 s). */
export const DEFAULT_LONG_POLL_MS = 10_000

const validateActivation = bodyValidator<JobActivationBody>(jobActivation)
const validateCompletion = bodyValidator<JobCompletionBody>(jobCompletion)
const validateFail = bodyValidator<JobFailBody>(jobFail)
const validateError = bodyValidator<JobErrorBody>(jobError)
const validateUpdate = bodyValidator<JobUpdateBody>(jobUpdate)

/** One dispatcher per engine, shared by every REST activation (polls queue in arrival order). */
const dispatchers = new WeakMap<EngineApi, JobDispatcher>()
function dispatcherOf(engine: EngineApi): JobDispatcher {
  let d = dispatchers.get(engine)
  if (!d) {
    d = new JobDispatcher(engine)
    dispatchers.set(engine, d)
  }
  return d
}

/** A job as 8.8's ActivatedJobResult. */
function activatedJobOf(job: ActivatedJob) {
  return {
    type: job.type,
    processDefinitionId: job.bpmnProcessId,
    processDefinitionVersion: job.processDefinitionVersion,
    elementId: job.elementId,
    customHeaders: job.customHeaders,
    worker: job.worker,
    retries: job.retries,
    deadline: job.deadline,
    variables: job.variables,
    tenantId: job.tenantId,
    jobKey: job.key,
    processInstanceKey: job.processInstanceKey,
    processDefinitionKey: job.processDefinitionKey,
    elementInstanceKey: job.elementInstanceKey,
    kind: job.kind ?? 'BPMN_ELEMENT',
    listenerEventType: job.listenerEventType ?? 'UNSPECIFIED',
  }
}

function greaterThanZero(name: string, value: number): string[] {
  return value < 1 ? [`The value for ${name} is '${value}' but must be greater than 0`] : []
}

/**
 * A job's result: a task listener denies and/or corrects the task (null = keep, as in 8.8); an
 * ad-hoc sub-process's job activates elements or fulfils its completion condition.
 */
function jobResultOf(result: JobCompletionBody['result']): JobResult | undefined {
  if (!result) return undefined
  if (result.type === 'adHocSubProcess') {
    return {
      type: 'adHocSubProcess',
      activateElements: (result.activateElements ?? []).map((a) => ({
        elementId: a.elementId ?? '',
        variables: a.variables ?? {},
      })),
      isCompletionConditionFulfilled: result.isCompletionConditionFulfilled === true,
      isCancelRemainingInstances: result.isCancelRemainingInstances === true,
    }
  }
  const corrections: UserTaskChanges = {}
  for (const [name, value] of Object.entries(result.corrections ?? {})) {
    if (value !== null && value !== undefined) Object.assign(corrections, { [name]: value })
  }
  return {
    ...(result.denied ? { denied: true } : {}),
    ...(result.deniedReason ? { deniedReason: result.deniedReason } : {}),
    ...(Object.keys(corrections).length > 0 ? { corrections } : {}),
  }
}

export const jobRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/v2/jobs/activation',
    operationId: 'activateJobs',
    handler: async (req, ctx) => {
      const body = parseBody(req, validateActivation)
      const violations = [
        ...(body.type.trim() === '' ? ['No type provided'] : []),
        ...greaterThanZero('timeout', body.timeout),
        ...greaterThanZero('maxJobsToActivate', body.maxJobsToActivate),
      ]
      if (violations.length > 0) throw invalidArgument(violations)
      const requestTimeout = body.requestTimeout ?? 0
      const jobs = await new Promise<ActivatedJob[]>((resolve) => {
        let done = false
        const cancel = dispatcherOf(ctx.engine).poll(
          {
            command: {
              type: body.type,
              worker: body.worker ?? '',
              timeoutMs: body.timeout,
              maxJobsToActivate: body.maxJobsToActivate,
              ...(body.fetchVariable ? { fetchVariable: body.fetchVariable } : {}),
              ...(body.tenantIds ? { tenantIds: body.tenantIds } : {}),
            },
            noWait: requestTimeout < 0,
            // false when the client went away: the dispatcher hands the jobs back
            deliver: (activated) => {
              if (done || req.signal.aborted) return false
              done = true
              resolve(activated)
              return true
            },
            finish: () => {
              if (done) return
              done = true
              resolve([])
            },
          },
          requestTimeout === 0 ? DEFAULT_LONG_POLL_MS : requestTimeout,
        )
        req.signal.addEventListener('abort', () => {
          done = true
          cancel()
          resolve([])
        })
      })
      return { status: 200, body: { jobs: jobs.map(activatedJobOf) } }
    },
  },
  {
    method: 'POST',
    path: '/v2/jobs/:jobKey/completion',
    operationId: 'completeJob',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'jobKey')
      const body = parseBody(req, validateCompletion, true) ?? {}
      const result = jobResultOf(body.result)
      await command('COMPLETE', () => ctx.engine.completeJob(key, body.variables ?? {}, result))
      return { status: 204 }
    },
  },
  {
    method: 'POST',
    path: '/v2/jobs/:jobKey/failure',
    operationId: 'failJob',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'jobKey')
      const body = parseBody(req, validateFail, true) ?? {}
      await command('FAIL', () =>
        ctx.engine.failJob(
          key,
          body.retries ?? 0,
          body.errorMessage ?? '',
          body.retryBackOff ?? 0,
          body.variables ?? {},
        ),
      )
      return { status: 204 }
    },
  },
  {
    method: 'POST',
    path: '/v2/jobs/:jobKey/error',
    operationId: 'throwJobError',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'jobKey')
      const body = parseBody(req, validateError)
      if (body.errorCode.trim() === '') throw invalidArgument(['No errorCode provided'])
      await command('THROW_ERROR', () =>
        ctx.engine.throwError(key, body.errorCode, body.errorMessage ?? '', body.variables ?? {}),
      )
      return { status: 204 }
    },
  },
  {
    method: 'PATCH',
    path: '/v2/jobs/:jobKey',
    operationId: 'updateJob',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'jobKey')
      const { changeset } = parseBody(req, validateUpdate)
      const retries = changeset.retries ?? undefined
      const timeout = changeset.timeout ?? undefined
      if (retries === undefined && timeout === undefined) {
        throw invalidArgument(['At least one of [retries, timeout] is required'])
      }
      await command('UPDATE', async () => {
        if (retries !== undefined) await ctx.engine.updateJobRetries(key, retries)
        if (timeout !== undefined) await ctx.engine.updateJobTimeout(key, timeout)
      })
      return { status: 204 }
    },
  },
]
