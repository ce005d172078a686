/**
 * Job commands (Zeebe's JobBatchActivateProcessor, JobCompleteProcessor, JobFailProcessor,
 * JobThrowErrorProcessor, JobUpdateRetriesProcessor, JobUpdateTimeoutProcessor). Job deadlines
 * and back-offs fire from the due-date index (timer.ts).
 */
import {
  type ActivateJobsCommand,
  type ActivatedJob,
  EngineErrorCode,
  type JobResult,
  type Variables,
} from '../api'
import { completeAdHocSubProcessJob } from '../runtime/ad-hoc-job-worker'
import { completeExecutionListenerJob, throwErrorRejection } from '../runtime/execution-listeners'
import { IncidentErrorType, type Runtime } from '../runtime/runtime'
import type { JobRecordValue } from '../state/records'
import { completeTaskListenerJob } from '../user-task/commands'
import { listenerJobVariables } from '../user-task/lifecycle'
import { checkVariables, parseKey, reject, tenantOf } from './common'

/**
 * Activates up to `maxJobsToActivate` jobs of a type for a worker, written as one JOB_BATCH
 * ACTIVATED (Zeebe's JobBatchActivateProcessor); nothing is written when no job is activatable.
 */
export function activateJobs(rt: Runtime, cmd: ActivateJobsCommand): ActivatedJob[] {
  const out: ActivatedJob[] = []
  const keys = rt.idx.activatable.get(cmd.type)
  if (!keys || cmd.maxJobsToActivate <= 0) return out
  const tenants = (cmd.tenantIds ?? []).map(tenantOf)
  const deadline = rt.clock.now() + Math.max(0, cmd.timeoutMs)
  const jobKeys: number[] = []
  const jobs: JobRecordValue[] = []
  // the jobs stay activatable until the batch is applied: each key is visited once
  for (const key of keys) {
    if (out.length >= cmd.maxJobsToActivate) break
    const job = rt.s.jobs[key]
    if (!job || job.state !== 'ACTIVATABLE') continue
    if (tenants.length > 0 && !tenants.includes(job.value.tenantId)) continue
    jobKeys.push(key)
    jobs.push({
      ...job.value,
      worker: cmd.worker,
      deadline,
      timeout: cmd.timeoutMs,
      variables: {},
    })
    const all =
      listenerJobVariables(rt, job.value) ?? rt.visibleVariables(job.value.elementInstanceKey)
    const variables =
      cmd.fetchVariable && cmd.fetchVariable.length > 0
        ? Object.fromEntries(cmd.fetchVariable.filter((n) => n in all).map((n) => [n, all[n]]))
        : all
    const v = job.value
    out.push({
      key: String(key),
      type: v.type,
      processInstanceKey: String(v.processInstanceKey),
      bpmnProcessId: v.bpmnProcessId,
      processDefinitionVersion: v.processDefinitionVersion,
      processDefinitionKey: String(v.processDefinitionKey),
      elementId: v.elementId,
      elementInstanceKey: String(v.elementInstanceKey),
      customHeaders: { ...v.customHeaders },
      worker: cmd.worker,
      retries: v.retries,
      deadline,
      variables,
      tenantId: v.tenantId,
      kind: v.jobKind || 'BPMN_ELEMENT',
      listenerEventType: v.listenerEventType || 'UNSPECIFIED',
    })
  }
  if (jobKeys.length === 0) return out
  rt.emit('JOB_BATCH', 'ACTIVATED', rt.newKey(), {
    type: cmd.type,
    worker: cmd.worker,
    timeout: cmd.timeoutMs,
    maxJobsToActivate: cmd.maxJobsToActivate,
    jobKeys,
    jobs,
    truncated: false,
    tenantIds: tenants.length > 0 ? tenants : [tenantOf(undefined)],
  })
  return out
}

function jobFor(rt: Runtime, jobKey: string, action: string, states: string[]) {
  const key = parseKey(jobKey, 'job key')
  const job = rt.s.jobs[key]
  if (!job) {
    reject(
      EngineErrorCode.NotFound,
      `Expected to ${action} job with key '${jobKey}', but no such job was found`,
    )
  }
  if (!states.includes(job.state)) {
    reject(
      EngineErrorCode.FailedPrecondition,
      `Expected to ${action} job with key '${jobKey}', but it is in state '${job.state}'`,
    )
  }
  return job
}

export function completeJob(
  rt: Runtime,
  jobKey: string,
  variables?: Variables,
  result?: JobResult,
): void {
  const vars = checkVariables(variables)
  const job = jobFor(rt, jobKey, 'complete', ['ACTIVATABLE', 'ACTIVATED'])
  if (job.value.jobKind === 'TASK_LISTENER') {
    completeTaskListenerJob(rt, job, vars, result)
    return
  }
  if (job.value.jobKind === 'EXECUTION_LISTENER') {
    completeExecutionListenerJob(rt, job, vars)
    return
  }
  if (job.value.jobKind === 'AD_HOC_SUB_PROCESS') {
    completeAdHocSubProcessJob(rt, job, vars, result)
    return
  }
  rt.emit(
    'JOB',
    'COMPLETED',
    job.key,
    { ...job.value, variables: vars },
    job.value.processInstanceKey,
  )
  const ei = rt.s.elementInstances[job.value.elementInstanceKey]
  if (!ei) return
  rt.applyResultVariables(ei, rt.nodeOf(ei), vars)
  rt.complete(ei)
}

export function failJob(
  rt: Runtime,
  jobKey: string,
  retries: number,
  errorMessage?: string,
  retryBackOffMs?: number,
  variables?: Variables,
): void {
  const vars = checkVariables(variables)
  const job = jobFor(rt, jobKey, 'fail', ['ACTIVATABLE', 'ACTIVATED'])
  const backoff = retries > 0 ? Math.max(0, retryBackOffMs ?? 0) : 0
  rt.emit(
    'JOB',
    'FAILED',
    job.key,
    {
      ...job.value,
      retries,
      errorMessage: errorMessage ?? '',
      retryBackoff: backoff,
      recurringTime: backoff > 0 ? rt.clock.now() + backoff : -1,
      worker: '',
      deadline: -1,
      variables: {},
    },
    job.value.processInstanceKey,
  )
  const ei = rt.s.elementInstances[job.value.elementInstanceKey]
  if (!ei) return
  if (Object.keys(vars).length > 0) rt.setLocalVariables(ei.key, vars)
  if (retries <= 0) {
    rt.raiseIncident(
      ei,
      IncidentErrorType.JobNoRetries,
      errorMessage && errorMessage.length > 0 ? errorMessage : 'No more retries left.',
      job.key,
    )
  }
}

export function throwError(
  rt: Runtime,
  jobKey: string,
  errorCode: string,
  errorMessage?: string,
  variables?: Variables,
): void {
  const vars = checkVariables(variables)
  const job = jobFor(rt, jobKey, 'throw an error for', ['ACTIVATABLE', 'ACTIVATED'])
  const notSupported = throwErrorRejection(job)
  if (notSupported) reject(EngineErrorCode.FailedPrecondition, notSupported)
  rt.emit(
    'JOB',
    'ERROR_THROWN',
    job.key,
    { ...job.value, errorCode, errorMessage: errorMessage ?? '', variables: vars },
    job.value.processInstanceKey,
  )
  const ei = rt.s.elementInstances[job.value.elementInstanceKey]
  if (!ei) return
  if (!rt.throwError(ei, errorCode, vars)) {
    rt.raiseIncident(
      ei,
      IncidentErrorType.UnhandledErrorEvent,
      `Expected to throw an error event with the code '${errorCode}' with message '${errorMessage ?? ''}', but it was not caught. No error events are available in the scope.`,
      job.key,
    )
  }
}

export function updateJobRetries(rt: Runtime, jobKey: string, retries: number): void {
  const job = jobFor(rt, jobKey, 'update retries of', [
    'ACTIVATABLE',
    'ACTIVATED',
    'FAILED',
    'ERROR_THROWN',
  ])
  if (retries < 1) {
    reject(
      EngineErrorCode.InvalidArgument,
      `Expected to update retries for job with key '${jobKey}' with a positive amount of retries, but the amount given was '${retries}'`,
    )
  }
  rt.emit(
    'JOB',
    'RETRIES_UPDATED',
    job.key,
    { ...job.value, retries, variables: {} },
    job.value.processInstanceKey,
  )
}

export function updateJobTimeout(rt: Runtime, jobKey: string, timeoutMs: number): void {
  const key = parseKey(jobKey, 'job key')
  const job = rt.s.jobs[key]
  if (!job) {
    reject(
      EngineErrorCode.NotFound,
      `Expected to update job timeout with key '${jobKey}', but no such job was found`,
    )
  }
  if (job.state !== 'ACTIVATED') {
    reject(
      EngineErrorCode.FailedPrecondition,
      `Expected to update the timeout of job with key '${jobKey}', but it is not active`,
    )
  }
  rt.emit(
    'JOB',
    'TIMEOUT_UPDATED',
    key,
    { ...job.value, deadline: rt.clock.now() + timeoutMs, timeout: timeoutMs, variables: {} },
    job.value.processInstanceKey,
  )
}
