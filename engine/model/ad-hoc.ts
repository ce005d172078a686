/**
 * Ad-hoc sub-processes in the model (`bpmn:adHocSubProcess` with `zeebe:adHoc`), as Zeebe's
 * AdHocSubProcessValidator and transformer read them: `activeElementsCollection` (FEEL, a list
 * of element ids), `completionCondition`, `cancelRemainingInstances` (default true),
 * `outputCollection`/`outputElement` (both or neither); at least one activity, no start or end
 * events. The activatable elements are the inner flow nodes without incoming flows (boundary
 * events, compensation handlers and event sub-processes are not). Each activation runs in an
 * inner instance whose element is the synthetic `<id>#innerInstance`, added to the model here.
 * Not supported by this engine (refused): the job worker implementation (`zeebe:taskDefinition`)
 * and event sub-processes inside an ad-hoc sub-process.
 */
import { BpmnElementType, type AdHocDefinition, type FlowNode } from './model'
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
    if (ext.some((v) => v.$type === 'zeebe:TaskDefinition')) {
      fail(
        id,
        "Ad-hoc sub-processes implemented by a job worker ('zeebe:taskDefinition') are not supported by this engine",
      )
    }
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
    const definition: AdHocDefinition = {
      ...(activeElementsCollection ? { activeElementsCollection } : {}),
      ...(completionCondition ? { completionCondition } : {}),
      cancelRemainingInstances: el.cancelRemainingInstances !== false,
      ...(outputCollection ? { outputCollection } : {}),
      ...(outputElement ? { outputElement } : {}),
      activatable,
      innerInstanceId,
    }
    elements.set(id, { ...node, adHoc: definition })
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
