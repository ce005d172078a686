/**
 * The job RPCs of Zeebe's gateway: ActivateJobs (long poll), StreamActivatedJobs, CompleteJob,
 * FailJob, ThrowError, UpdateJobRetries, UpdateJobTimeout.
 */
import * as grpc from '@grpc/grpc-js'
import type { ActivatedJob, EngineApi, JobResult, UserTaskChanges } from '../api'
import {
  GatewayError,
  int64Of,
  parseVariables,
  requireKey,
  tenantsOf,
  toProtoJob,
  toServiceError,
} from './convert'
import type { JobDispatcher } from './job-dispatcher'
import { type Handlers, sendHeaders, str, stringList, unary } from './unary'

export function jobRpcs(
  engine: EngineApi,
  dispatcher: JobDispatcher,
  longPollDefault: number,
): Handlers {
  const handlers: Handlers = {}

  handlers.ActivateJobs = (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => {
    const req = call.request ?? {}
    const rpc = 'ActivateJobs'
    let command
    try {
      command = {
        type: str(req.type),
        worker: str(req.worker),
        timeoutMs: int64Of(req.timeout, 0),
        maxJobsToActivate: int64Of(req.maxJobsToActivate, 0),
        fetchVariable: stringList(req.fetchVariable),
        tenantIds: tenantsOf(req.tenantIds, rpc),
      }
      if (!command.type)
        throw new GatewayError(
          grpc.status.INVALID_ARGUMENT,
          `Expected ${rpc} to have a non-empty type`,
        )
      if (command.maxJobsToActivate < 1) {
        throw new GatewayError(
          grpc.status.INVALID_ARGUMENT,
          `Expected ${rpc} maxJobsToActivate to be greater than zero, but got ${command.maxJobsToActivate}`,
        )
      }
      if (command.timeoutMs < 1) {
        throw new GatewayError(
          grpc.status.INVALID_ARGUMENT,
          `Expected ${rpc} timeout to be greater than zero, but got ${command.timeoutMs}`,
        )
      }
    } catch (err) {
      call.emit('error', toServiceError(err))
      return
    }
    const requestTimeout = int64Of(req.requestTimeout, 0)
    let ended = false
    const end = () => {
      if (ended) return
      ended = true
      if (!call.cancelled && !call.destroyed) call.end()
    }
    const cancel = dispatcher.poll(
      {
        command,
        noWait: requestTimeout < 0,
        deliver: (jobs: ActivatedJob[]) => {
          if (ended || call.cancelled || call.destroyed) return false
          sendHeaders(call)
          call.write({ jobs: jobs.map(toProtoJob) })
          end()
          return true
        },
        finish: end,
      },
      requestTimeout === 0 ? longPollDefault : requestTimeout,
    )
    call.on('cancelled', () => {
      ended = true
      cancel()
    })
  }

  handlers.StreamActivatedJobs = (
    call: grpc.ServerWritableStream<Record<string, unknown>, unknown>,
  ) => {
    const req = call.request ?? {}
    const rpc = 'StreamActivatedJobs'
    let command
    try {
      command = {
        type: str(req.type),
        worker: str(req.worker),
        timeoutMs: int64Of(req.timeout, 0),
        fetchVariable: stringList(req.fetchVariable),
        tenantIds: tenantsOf(req.tenantIds, rpc),
      }
      if (!command.type)
        throw new GatewayError(
          grpc.status.INVALID_ARGUMENT,
          `Expected ${rpc} to have a non-empty type`,
        )
    } catch (err) {
      call.emit('error', toServiceError(err))
      return
    }
    let open = true
    const close = dispatcher.openStream({
      command,
      push: (job) => {
        if (!open || call.cancelled || call.destroyed || call.writableEnded) return false
        sendHeaders(call)
        call.write(toProtoJob(job))
        return true
      },
      end: () => {
        open = false
        if (!call.cancelled && !call.destroyed) call.end()
      },
    })
    const gone = () => {
      open = false
      close()
    }
    call.on('cancelled', gone)
    call.on('close', gone)
    call.on('error', gone)
  }

  handlers.CompleteJob = unary(async (req) => {
    const rpc = 'CompleteJob'
    await engine.completeJob(
      requireKey(req.jobKey, rpc, 'jobKey'),
      parseVariables(req.variables, rpc),
      jobResultOf(req.result, rpc),
    )
    return {}
  })

  handlers.FailJob = unary(async (req) => {
    const rpc = 'FailJob'
    await engine.failJob(
      requireKey(req.jobKey, rpc, 'jobKey'),
      int64Of(req.retries, 0),
      str(req.errorMessage),
      int64Of(req.retryBackOff, 0),
      parseVariables(req.variables, rpc),
    )
    return {}
  })

  handlers.ThrowError = unary(async (req) => {
    const rpc = 'ThrowError'
    const errorCode = str(req.errorCode)
    if (!errorCode) {
      throw new GatewayError(
        grpc.status.INVALID_ARGUMENT,
        `Expected ${rpc} to have a non-empty errorCode`,
      )
    }
    await engine.throwError(
      requireKey(req.jobKey, rpc, 'jobKey'),
      errorCode,
      str(req.errorMessage),
      parseVariables(req.variables, rpc),
    )
    return {}
  })

  handlers.UpdateJobRetries = unary(async (req) => {
    const rpc = 'UpdateJobRetries'
    const retries = int64Of(req.retries, 0)
    if (retries < 1) {
      throw new GatewayError(
        grpc.status.INVALID_ARGUMENT,
        `Expected ${rpc} retries to be greater than zero, but got ${retries}`,
      )
    }
    await engine.updateJobRetries(requireKey(req.jobKey, rpc, 'jobKey'), retries)
    return {}
  })

  handlers.UpdateJobTimeout = unary(async (req) => {
    const rpc = 'UpdateJobTimeout'
    await engine.updateJobTimeout(requireKey(req.jobKey, rpc, 'jobKey'), int64Of(req.timeout, 0))
    return {}
  })

  return handlers
}

/** 8.8's JobResult message (complete-job-8.8.proto) as the engine's JobResult. */
function jobResultOf(result: unknown, rpc: string): JobResult | undefined {
  if (typeof result !== 'object' || result === null) return undefined
  const r = result as Record<string, unknown>
  if (r.type === 'adHocSubProcess') {
    const elements = Array.isArray(r.activateElements) ? (r.activateElements as unknown[]) : []
    return {
      type: 'adHocSubProcess',
      activateElements: elements.map((e, i) => {
        const el = (e ?? {}) as Record<string, unknown>
        return {
          elementId: str(el.elementId) ?? '',
          variables: parseVariables(el.variables, rpc, `result.activateElements[${i}].variables`),
        }
      }),
      isCompletionConditionFulfilled: r.isCompletionConditionFulfilled === true,
      isCancelRemainingInstances: r.isCancelRemainingInstances === true,
    }
  }
  const c = (r.corrections ?? {}) as Record<string, unknown>
  const list = (v: unknown) =>
    typeof v === 'object' && v !== null && Array.isArray((v as { values?: unknown }).values)
      ? ((v as { values: unknown[] }).values.filter((x) => typeof x === 'string') as string[])
      : undefined
  const corrections: UserTaskChanges = {
    ...(typeof c.assignee === 'string' ? { assignee: c.assignee } : {}),
    ...(typeof c.dueDate === 'string' ? { dueDate: c.dueDate } : {}),
    ...(typeof c.followUpDate === 'string' ? { followUpDate: c.followUpDate } : {}),
    ...(list(c.candidateUsers) ? { candidateUsers: list(c.candidateUsers) } : {}),
    ...(list(c.candidateGroups) ? { candidateGroups: list(c.candidateGroups) } : {}),
    ...(typeof c.priority === 'number' ? { priority: c.priority } : {}),
  }
  return {
    ...(r.denied === true ? { denied: true } : {}),
    ...(typeof r.deniedReason === 'string' && r.deniedReason
      ? { deniedReason: r.deniedReason }
      : {}),
    ...(Object.keys(corrections).length > 0 ? { corrections } : {}),
  }
}
