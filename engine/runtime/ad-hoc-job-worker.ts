/**
 * Ad-hoc sub-processes implemented by a job worker (`zeebe:taskDefinition` on the sub-process,
 * e.g. Camunda's AI Agent Sub-process), as Zeebe 8.8's AdHocSubProcessProcessor
 * (JobWorkerBehavior), JobCompleteProcessor and the AD_HOC_SUB_PROCESS_INSTRUCTION processors
 * run them.
 *
 * - Activation: `adHocSubProcessElements` (local, as for every ad-hoc sub-process), the output
 *   collection, then the job type and retries are evaluated, the sub-process is ACTIVATED and
 *   one job of kind AD_HOC_SUB_PROCESS is created. Nothing is activated by the engine itself.
 * - The job's completion (`result`, type `adHocSubProcess`): its variables are merged from the
 *   sub-process's scope (propagation); each `activateElements` entry gets an inner instance whose
 *   locals are the entry's variables, written before an AD_HOC_SUB_PROCESS_INSTRUCTION
 *   ACTIVATED, then the elements activate; `isCompletionConditionFulfilled` writes
 *   AD_HOC_SUB_PROCESS_INSTRUCTION COMPLETED (the flag is kept on the instance) and completes the
 *   sub-process, terminating what is still active when `isCancelRemainingInstances`, else once
 *   nothing is active. Rejected as Zeebe does: the sub-process not active, unknown elements, or
 *   elements to activate together with a fulfilled completion condition.
 * - An inner instance completing (its output element appended to the output collection): the
 *   sub-process's open job, if any, is canceled; if the completion condition was fulfilled the
 *   sub-process completes (as above), else a new job is created for the worker to decide again.
 */
import { EngineErrorCode, type JobResult, type Variables } from '../api'
import { elementOf, type FlowNode } from '../model/model'
import { reject } from '../processing/common'
import type { JobState } from '../state/state'
import type { ElementInstanceState } from '../state/state'
import { createInnerInstance } from './ad-hoc-sub-process'
import type { Runtime } from './runtime'

/** The local variable listing the activatable elements (Zeebe's name). */
export const ELEMENTS_VARIABLE = 'adHocSubProcessElements'

/** Activation of a job-worker ad-hoc sub-process: ACTIVATED, then its job. */
export function activateJobWorker(rt: Runtime, ei: ElementInstanceState, node: FlowNode): void {
  const prepared = rt.prepareJob(ei, node)
  if (!prepared) return
  if (!rt.activated(ei, node)) return
  rt.createJob(ei, node, prepared, {}, 'AD_HOC_SUB_PROCESS')
}

/** The completion condition holds: complete now, after terminating the rest, or when idle. */
export function completionConditionFulfilled(
  rt: Runtime,
  adHoc: ElementInstanceState,
  cancelRemainingInstances: boolean,
): void {
  if (adHoc.children === 0) rt.complete(adHoc)
  else if (cancelRemainingInstances) {
    rt.terminateAll(rt.childrenOf(adHoc.key), () => rt.complete(adHoc))
  }
}

/** An inner instance of a job-worker ad-hoc sub-process completed. */
export function jobWorkerPathCompleted(
  rt: Runtime,
  adHoc: ElementInstanceState,
  node: FlowNode,
): void {
  // one job at a time: an open job is canceled before the next one is created
  for (const k of [...(rt.idx.boundTo.get(adHoc.key) ?? [])]) {
    const job = rt.s.jobs[k]
    if (job) rt.emit('JOB', 'CANCELED', k, job.value, job.value.processInstanceKey)
  }
  if (adHoc.completionConditionFulfilled) {
    completionConditionFulfilled(rt, adHoc, node.adHoc?.cancelRemainingInstances ?? true)
    return
  }
  const prepared = rt.prepareJob(adHoc, node)
  if (prepared) rt.createJob(adHoc, node, prepared, {}, 'AD_HOC_SUB_PROCESS')
}

/** CompleteJob for a job of kind AD_HOC_SUB_PROCESS (its checks, records and follow-ups). */
export function completeAdHocSubProcessJob(
  rt: Runtime,
  job: JobState,
  variables: Variables,
  result: JobResult | undefined,
): void {
  const ei = rt.s.elementInstances[job.value.elementInstanceKey]
  const activate = result?.activateElements ?? []
  const fulfilled = result?.isCompletionConditionFulfilled === true
  const cancel = result?.isCancelRemainingInstances === true
  const node = ei ? rt.nodeOf(ei) : undefined
  const known = new Set(node?.adHoc?.activatable ?? [])
  const missing = activate.map((a) => a.elementId).filter((id) => !known.has(id))
  if (ei && missing.length > 0) {
    reject(
      EngineErrorCode.NotFound,
      `Expected to activate activities for ad-hoc sub-process with key '${ei.key}', but the given elements [${missing.join(', ')}] do not exist.`,
    )
  }
  if (ei && ei.state !== 'ACTIVATED') {
    reject(
      EngineErrorCode.FailedPrecondition,
      `Expected to complete ad-hoc sub-process job, but the ad-hoc sub-process instance is not active (job key '${job.key}', type '${job.value.type}', processInstanceKey '${job.value.processInstanceKey}')`,
    )
  }
  if (activate.length > 0 && fulfilled) {
    reject(
      EngineErrorCode.InvalidArgument,
      `Expected to complete ad-hoc sub-process job, but the job result contains elements to be activated while the completion condition is fulfilled (job key '${job.value.elementInstanceKey}'). When the completion condition is fulfilled, no further element activations are allowed. Either remove the elements to be activated from the job result, or set the completion condition to not fulfilled.`,
    )
  }
  const instruction = {
    adHocSubProcessInstanceKey: String(job.value.elementInstanceKey),
    activateElements: activate.map((a) => ({
      elementId: a.elementId,
      variables: a.variables ?? {},
    })),
    cancelRemainingInstances: cancel,
    completionConditionFulfilled: fulfilled,
    tenantId: job.value.tenantId,
  }
  rt.emit(
    'JOB',
    'COMPLETED',
    job.key,
    {
      ...job.value,
      variables,
      result: {
        type: 'AD_HOC_SUB_PROCESS',
        denied: false,
        deniedReason: '',
        corrections: {},
        correctedAttributes: [],
        activateElements: instruction.activateElements,
        completionConditionFulfilled: fulfilled,
        cancelRemainingInstances: cancel,
      },
    },
    job.value.processInstanceKey,
  )
  if (!ei || !node) return
  if (Object.keys(variables).length > 0) rt.mergeDocument(ei.key, variables)
  if (activate.length > 0) {
    const inners = activate.map((a) => createInnerInstance(rt, ei, node, a.variables ?? {}))
    rt.emit('AD_HOC_SUB_PROCESS_INSTRUCTION', 'ACTIVATED', rt.newKey(), instruction, ei.piKey)
    const model = rt.models(ei.defKey)
    activate.forEach((a, i) => {
      const inner = inners[i]
      if (inner) rt.activate(elementOf(model, a.elementId), inner)
    })
  }
  if (fulfilled) {
    rt.emit('AD_HOC_SUB_PROCESS_INSTRUCTION', 'COMPLETED', rt.newKey(), instruction, ei.piKey)
    completionConditionFulfilled(rt, ei, cancel)
  }
}
