/**
 * Ad-hoc sub-processes in the model (`bpmn:adHocSubProcess` with `zeebe:adHoc`), as Zeebe's
 * AdHocSubProcessValidator and transformer read them: `activeElementsCollection` (FEEL, a list
 * of element ids), `completionCondition`, `cancelRemainingInstances` (default true),
 * `outputCollection`/`outputElement` (both or neither); at least one activity, no start or end
 * events. The activatable elements are the inner flow nodes without incoming flows (boundary
 * events, compensation handlers and event sub-processes are not). Each activation runs in an
 * inner instance whose element is the synthetic `<id>#innerInstance`, added to the model here.
 * With a `zeebe:taskDefinition` (and `zeebe:taskHeaders`) the sub-process is implemented by a job
 * worker (Zeebe's JOB_WORKER implementation type, e.g. the AI Agent Sub-process). Not supported
 * by this engine (refused): event sub-processes inside an ad-hoc sub-process.
 */
import { adHocActivitiesMetadata } from './ad-hoc-metadata'
import { BpmnElementType, type AdHocDefinition, type FlowNode, type JobDefinition } from './model'
import { nodes, str as attr, type Node } from './moddle'

/** The suffix of an inner instance's element id (Zeebe's AD_HOC_SUB_PROCESS_INNER_INSTANCE_ID_POSTFIX). */
export const INNER_INSTANCE_SUFFIX = '#innerInstance'

type Check = (elementId: string, text: string | undefined) => void

/** Adds the ad-hoc definition and the inner-instance element of every ad-hoc sub-process. */
export function applyAdHocSubProcesses(
  proc: Node,
  elements: Map<string, FlowNode>,
  fail: (id: string, message: string) => void,
  checkExpr: Check,
  checkNonStatic: Check,
): void {
  const visit = (container: Node) => {
    for (const el of nodes(container, 'flowElements')) {
      if (el.$type === 'bpmn:AdHocSubProcess') build(el)
      if (nodes(el, 'flowElements').length > 0) visit(el)
    }
  }
  const build = (el: Node) => {
    const id = attr(el, 'id') ?? ''
    const node = elements.get(id)
    if (!node) return
    const ext = nodes(el.extensionElements as Node | undefined, 'values')
    const adHoc = ext.find((v) => v.$type === 'zeebe:AdHoc')
    const job = jobWorkerOf(
      id,
      ext.find((v) => v.$type === 'zeebe:TaskDefinition'),
      ext.find((v) => v.$type === 'zeebe:TaskHeaders'),
      fail,
      checkExpr,
    )
    const inner = nodes(el, 'flowElements').filter((f) => f.$type !== 'bpmn:SequenceFlow')
    if (inner.length === 0) fail(id, 'Must have at least one activity.')
    if (inner.some((f) => f.$type === 'bpmn:StartEvent'))
      fail(id, 'Must not contain a start event.')
    if (inner.some((f) => f.$type === 'bpmn:EndEvent')) fail(id, 'Must not contain an end event.')
    if (node.eventSubProcessIds.length > 0) {
      fail(id, 'Event sub-processes inside ad-hoc sub-processes are not supported by this engine')
    }
    const activeElementsCollection = attr(adHoc, 'activeElementsCollection')?.trim()
    const outputCollection = attr(adHoc, 'outputCollection')?.trim()
    const outputElement = attr(adHoc, 'outputElement')?.trim()
    if (!outputCollection !== !outputElement) {
      fail(
        id,
        `OutputElement and OutputCollection must both be set, or neither of them set. outputElement:${outputElement ?? 'null'} and outputCollection:${outputCollection ?? 'null'}.`,
      )
    }
    const completion = (el.completionCondition as Node | undefined)?.body
    const completionCondition = typeof completion === 'string' ? completion.trim() : undefined
    for (const text of [activeElementsCollection, outputElement, completionCondition]) {
      checkExpr(id, text)
      checkNonStatic(id, text)
    }
    const activatable = node.childIds.filter((c) => {
      const child = elements.get(c)
      return (
        child !== undefined &&
        child.incoming.length === 0 &&
        child.type !== BpmnElementType.BoundaryEvent &&
        child.type !== BpmnElementType.EventSubProcess &&
        !child.isForCompensation
      )
    })
    const innerInstanceId = id + INNER_INSTANCE_SUFFIX
    let elementsMetadata: AdHocDefinition['elementsMetadata'] = []
    try {
      elementsMetadata = adHocActivitiesMetadata(inner, activatable)
    } catch (e) {
      fail(id, (e as Error).message)
    }
    const definition: AdHocDefinition = {
      ...(activeElementsCollection ? { activeElementsCollection } : {}),
      ...(completionCondition ? { completionCondition } : {}),
      cancelRemainingInstances: el.cancelRemainingInstances !== false,
      ...(outputCollection ? { outputCollection } : {}),
      ...(outputElement ? { outputElement } : {}),
      activatable,
      innerInstanceId,
      implementation: job ? 'JOB_WORKER' : 'BPMN',
      elementsMetadata,
    }
    elements.set(id, { ...node, adHoc: definition, ...(job ? { job } : {}) })
    elements.set(innerInstanceId, {
      id: innerInstanceId,
      type: BpmnElementType.AdHocSubProcessInnerInstance,
      scopeId: id,
      incoming: [],
      outgoing: [],
      interrupting: true,
      boundaries: [],
      inputs: [],
      outputs: [],
      startEventIds: [],
      eventSubProcessIds: [],
      childIds: [],
    })
  }
  visit(proc)
}

/** The job of an ad-hoc sub-process implemented by a job worker (type, retries, headers). */
function jobWorkerOf(
  id: string,
  taskDefinition: Node | undefined,
  taskHeaders: Node | undefined,
  fail: (id: string, message: string) => void,
  checkExpr: Check,
): JobDefinition | undefined {
  if (!taskDefinition) return undefined
  const type = attr(taskDefinition, 'type') ?? ''
  if (!type.trim()) fail(id, "Attribute 'type' must be present and not empty")
  const retries = attr(taskDefinition, 'retries') ?? '3'
  checkExpr(id, type)
  checkExpr(id, retries)
  const headers: Record<string, string> = {}
  for (const h of nodes(taskHeaders, 'values')) {
    const key = attr(h, 'key')
    if (key) headers[key] = attr(h, 'value') ?? ''
  }
  return { type, retries, headers }
}
