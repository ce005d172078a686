/**
 * Parses deployment resources into executable models: BPMN with `bpmn-moddle` and the Zeebe
 * extensions of `zeebe-bpmn-moddle`. Validation errors are collected per element and reported
 * the way Zeebe reports them (resource name, element id, reason), as one INVALID_ARGUMENT.
 */
import { createRequire } from 'node:module'
import { BpmnModdle } from 'bpmn-moddle'
import { isExpression, syntaxError } from '../feel/feel'
import {
  BpmnElementType,
  type FlowNode,
  type Mapping,
  type ProcessModel,
  type SequenceFlow,
} from './model'
import { parseCalledDecision } from './called-decision'
import { eventDefinitionOf } from './events'
import { parseTaskParts } from './tasks'
import { child, extension, extensions, isNode, nodes, str, type Node } from './moddle'
import { parseExecutionListeners } from './execution-listeners'
import { isCamundaUserTask } from './camunda-user-task'
import { applyAdHocSubProcesses } from './ad-hoc'
import { applyCompensation, noteUnresolvedReferences } from './compensation'

const require = createRequire(import.meta.url)
const zeebeSchema: unknown = require('zeebe-bpmn-moddle/resources/zeebe.json')

/** One element-level validation failure. */
export interface ValidationError {
  elementId: string
  message: string
}

/** Executable processes of a BPMN document and its validation errors. */
export type ParsedBpmn = { processes: ProcessModel[]; errors: ValidationError[] }

const taskTypes: Record<string, BpmnElementType> = {
  'bpmn:ServiceTask': BpmnElementType.ServiceTask,
  'bpmn:SendTask': BpmnElementType.SendTask,
  'bpmn:BusinessRuleTask': BpmnElementType.BusinessRuleTask,
  'bpmn:ScriptTask': BpmnElementType.ScriptTask,
  'bpmn:UserTask': BpmnElementType.UserTask,
  'bpmn:ReceiveTask': BpmnElementType.ReceiveTask,
  'bpmn:ManualTask': BpmnElementType.ManualTask,
  'bpmn:Task': BpmnElementType.Task,
  'bpmn:ExclusiveGateway': BpmnElementType.ExclusiveGateway,
  'bpmn:ParallelGateway': BpmnElementType.ParallelGateway,
  'bpmn:InclusiveGateway': BpmnElementType.InclusiveGateway,
  'bpmn:EventBasedGateway': BpmnElementType.EventBasedGateway,
  'bpmn:StartEvent': BpmnElementType.StartEvent,
  'bpmn:EndEvent': BpmnElementType.EndEvent,
  'bpmn:IntermediateCatchEvent': BpmnElementType.IntermediateCatchEvent,
  'bpmn:IntermediateThrowEvent': BpmnElementType.IntermediateThrowEvent,
  'bpmn:BoundaryEvent': BpmnElementType.BoundaryEvent,
  'bpmn:SubProcess': BpmnElementType.SubProcess,
  'bpmn:AdHocSubProcess': BpmnElementType.AdHocSubProcess,
  'bpmn:CallActivity': BpmnElementType.CallActivity,
}

export { USER_TASK_JOB_TYPE } from './tasks'

/** Parses BPMN XML. Malformed XML throws an Error with the parser's message. */
export async function parseBpmn(xml: string): Promise<ParsedBpmn> {
  const moddle = new BpmnModdle({ zeebe: zeebeSchema as object })
  const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions')
  const definitions = rootElement as unknown as Node
  const fatal = warnings.find((w) =>
    /unparsable content|unexpected|missing/i.test(String(w.message)),
  )
  if (!isNode(definitions) || definitions.$type !== 'bpmn:Definitions') {
    throw new Error(fatal ? String(fatal.message) : 'not a BPMN definitions document')
  }
  const errors: ValidationError[] = []
  const processes: ProcessModel[] = []
  noteUnresolvedReferences(warnings)
  for (const root of nodes(definitions, 'rootElements')) {
    if (root.$type !== 'bpmn:Process') continue
    if (root.isExecutable === false) continue
    processes.push(buildProcess(root, errors))
  }
  if (processes.length === 0 && errors.length === 0) {
    errors.push({
      elementId: str(definitions, 'id') ?? 'definitions',
      message: 'Must contain at least one executable process',
    })
  }
  return { processes, errors }
}

function buildProcess(proc: Node, errors: ValidationError[]): ProcessModel {
  const elements = new Map<string, FlowNode>()
  const flows = new Map<string, SequenceFlow>()
  const forms = new Map<string, string>()
  const processId = str(proc, 'id') ?? ''
  const fail = (elementId: string, message: string) => errors.push({ elementId, message })
  for (const form of extensions(proc, 'zeebe:UserTaskForm')) {
    const id = str(form, 'id')
    if (id) forms.set(id, str(form, 'body') ?? '')
  }
  const checkExpr = (elementId: string, text: string | undefined) => {
    if (!isExpression(text)) return
    const err = syntaxError(text)
    if (err) fail(elementId, `failed to parse expression '${text.trim().slice(1)}': ${err}`)
  }
  /** Where Zeebe accepts only an expression, a static value is a deployment error. */
  const checkNonStatic = (elementId: string, text: string | undefined) => {
    if (text === undefined || text === '' || isExpression(text)) return
    fail(
      elementId,
      `Expected expression but found static value '${text}'. An expression must start with '=' (e.g. '=${text}').`,
    )
  }

  const walk = (container: Node, containerId: string, isProcess: boolean): FlowNode => {
    const childIds: string[] = []
    const startEventIds: string[] = []
    const eventSubProcessIds: string[] = []
    let noneStartEventId: string | undefined
    const boundaryOf = new Map<string, string[]>()
    for (const el of nodes(container, 'flowElements')) {
      if (el.$type === 'bpmn:BoundaryEvent') {
        const host = str(child(el, 'attachedToRef'), 'id')
        if (host) boundaryOf.set(host, [...(boundaryOf.get(host) ?? []), str(el, 'id') ?? ''])
      }
    }
    for (const el of nodes(container, 'flowElements')) {
      const id = str(el, 'id') ?? ''
      if (el.$type === 'bpmn:SequenceFlow') {
        const condition = str(child(el, 'conditionExpression'), 'body')?.trim()
        checkExpr(id, condition)
        checkNonStatic(id, condition)
        flows.set(id, {
          id,
          source: str(child(el, 'sourceRef'), 'id') ?? '',
          target: str(child(el, 'targetRef'), 'id') ?? '',
          ...(condition ? { condition } : {}),
        })
        continue
      }
      if (
        el.$type === 'bpmn:DataObjectReference' ||
        el.$type === 'bpmn:DataStoreReference' ||
        el.$type === 'bpmn:DataObject'
      ) {
        continue
      }
      let type = taskTypes[el.$type]
      if (el.$type === 'bpmn:SubProcess' && el.triggeredByEvent === true) {
        type = BpmnElementType.EventSubProcess
      }
      if (!type) {
        const local = el.$type.replace('bpmn:', '')
        fail(
          id,
          `Elements of type '${local.charAt(0).toLowerCase()}${local.slice(1)}' are currently not supported`,
        )
        continue
      }
      childIds.push(id)
      const node = buildNode(el, type, containerId, boundaryOf.get(id) ?? [])
      elements.set(id, node)
      if (type === BpmnElementType.EventSubProcess) eventSubProcessIds.push(id)
      if (type === BpmnElementType.StartEvent) {
        startEventIds.push(id)
        if (node.event?.kind === 'none') noneStartEventId = id
      }
      if (
        type === BpmnElementType.SubProcess ||
        type === BpmnElementType.EventSubProcess ||
        type === BpmnElementType.AdHocSubProcess
      ) {
        walk(el, id, false)
      }
    }
    const containerType = isProcess
      ? BpmnElementType.Process
      : container.triggeredByEvent === true
        ? BpmnElementType.EventSubProcess
        : BpmnElementType.SubProcess
    if (isProcess && startEventIds.length === 0) {
      fail(containerId, 'Must have at least one start event')
    }
    const isAdHoc = container.$type === 'bpmn:AdHocSubProcess' // validated in ad-hoc.ts
    if (!isProcess && containerType === BpmnElementType.SubProcess && !isAdHoc) {
      if (startEventIds.length !== 1 || !noneStartEventId) {
        fail(containerId, 'Must have exactly one none start event')
      }
    }
    if (containerType === BpmnElementType.EventSubProcess && startEventIds.length !== 1) {
      fail(containerId, 'Must have exactly one start event')
    }
    if (containerType === BpmnElementType.EventSubProcess && noneStartEventId) {
      fail(
        noneStartEventId,
        'Start events of event sub-processes must be of type message, timer, signal, error or escalation',
      )
    }
    const noneStarts = startEventIds.filter((sid) => elements.get(sid)?.event?.kind === 'none')
    if (isProcess && noneStarts.length > 1) {
      fail(containerId, 'Multiple none start events are not allowed')
    }
    const existing = elements.get(containerId)
    const containerNode: FlowNode = {
      ...(existing ?? {
        id: containerId,
        name: str(container, 'name'),
        type: containerType,
        scopeId: '',
        incoming: [],
        outgoing: [],
        interrupting: true,
        boundaries: [],
        inputs: [],
        outputs: [],
      }),
      noneStartEventId,
      startEventIds,
      eventSubProcessIds,
      childIds,
    }
    elements.set(containerId, containerNode)
    return containerNode
  }

  const buildNode = (
    el: Node,
    type: BpmnElementType,
    scopeId: string,
    boundaries: string[],
  ): FlowNode => {
    const id = str(el, 'id') ?? ''
    const io = extension(el, 'zeebe:IoMapping')
    // An input without `source` sets its target to null (Zeebe 8.8; the AI agent template's
    // `agentContext` input is one); a missing output source stays empty and is refused below.
    const mappings = (key: string): Mapping[] =>
      nodes(io, key).map((p) => ({
        source: str(p, 'source') ?? (key === 'inputParameters' ? '=null' : ''),
        target: str(p, 'target') ?? '',
      }))
    const inputs = mappings('inputParameters')
    const outputs = mappings('outputParameters')
    for (const m of [...inputs, ...outputs]) {
      checkExpr(id, m.source)
      if (!m.target) fail(id, "Attribute 'target' must be present and not empty")
    }
    // Input sources may be static values (strings); output sources must be expressions.
    for (const m of outputs) checkNonStatic(id, m.source)
    if (
      !isCamundaUserTask(el) &&
      nodes(extension(el, 'zeebe:TaskListeners'), 'listeners').length > 0
    ) {
      fail(id, `'zeebe:taskListeners' are not supported by this engine`)
    }
    const calledDecision =
      type === BpmnElementType.BusinessRuleTask
        ? parseCalledDecision(
            id,
            extensions(el, 'zeebe:CalledDecision'),
            extension(el, 'zeebe:TaskDefinition') !== undefined,
            fail,
            checkExpr,
          )
        : undefined
    const event = eventDefinitionOf(el, type, id, fail, checkExpr, checkNonStatic)
    const executionListeners = parseExecutionListeners(
      extension(el, 'zeebe:ExecutionListeners'),
      type,
      event,
      (message) => fail(id, message),
      (text) => checkExpr(id, text),
    )
    const parts = parseTaskParts(el, type, id, event, { fail, checkExpr, checkNonStatic })
    const outgoing = nodes(el, 'outgoing').map((f) => str(f, 'id') ?? '')
    const defaultFlow = str(child(el, 'default'), 'id')
    if (type === BpmnElementType.BoundaryEvent && !event) {
      fail(id, 'Must have exactly one event definition')
    }
    return {
      id,
      name: str(el, 'name'),
      type,
      scopeId,
      incoming: nodes(el, 'incoming').map((f) => str(f, 'id') ?? ''),
      outgoing,
      ...(defaultFlow ? { defaultFlow } : {}),
      ...(event ? { event } : {}),
      interrupting:
        type === BpmnElementType.BoundaryEvent
          ? el.cancelActivity !== false
          : el.isInterrupting !== false,
      ...(str(child(el, 'attachedToRef'), 'id')
        ? { attachedTo: str(child(el, 'attachedToRef'), 'id') }
        : {}),
      boundaries,
      ...parts,
      inputs,
      outputs,
      ...(calledDecision ? { calledDecision } : {}),
      ...(executionListeners ? { executionListeners } : {}),
      startEventIds: [],
      eventSubProcessIds: [],
      childIds: [],
    }
  }

  walk(proc, processId, true)
  const processListeners = parseExecutionListeners(
    extension(proc, 'zeebe:ExecutionListeners'),
    BpmnElementType.Process,
    undefined,
    (message) => fail(processId, message),
    (text) => checkExpr(processId, text),
  )
  const root = elements.get(processId)
  if (root && processListeners)
    elements.set(processId, { ...root, executionListeners: processListeners })
  const versionTag = str(extension(proc, 'zeebe:VersionTag'), 'value')
  // Incoming and outgoing flows come from the sequence flows (the XML may omit the refs).
  const incoming = new Map<string, string[]>()
  const outgoing = new Map<string, string[]>()
  for (const f of flows.values()) {
    outgoing.set(f.source, [...(outgoing.get(f.source) ?? []), f.id])
    incoming.set(f.target, [...(incoming.get(f.target) ?? []), f.id])
  }
  for (const [id, node] of elements) {
    const out = outgoing.get(id) ?? []
    elements.set(id, { ...node, incoming: incoming.get(id) ?? [], outgoing: out })
    if (
      node.type === BpmnElementType.ExclusiveGateway ||
      node.type === BpmnElementType.InclusiveGateway
    ) {
      if (out.length > 1) {
        for (const fid of out) {
          if (fid !== node.defaultFlow && !flows.get(fid)?.condition) {
            fail(fid, 'Must have a condition expression or be the default flow')
          }
        }
      }
    }
    if (node.type === BpmnElementType.IntermediateThrowEvent && node.event?.kind === 'link') {
      const name = node.event.linkName
      const catches = [...elements.values()].filter(
        (n) =>
          n.scopeId === node.scopeId &&
          n.event?.kind === 'link' &&
          n.type === BpmnElementType.IntermediateCatchEvent &&
          n.event.linkName === name,
      )
      if (catches.length !== 1) fail(id, `Can't find a catch link event with the name '${name}'.`)
    }
    if (node.type === BpmnElementType.EventBasedGateway && out.length < 2) {
      fail(id, 'Event-based gateway must have at least 2 outgoing sequence flows')
    }
  }
  applyCompensation(proc, elements, fail)
  applyAdHocSubProcesses(proc, elements, fail, checkExpr, checkNonStatic)
  return {
    bpmnProcessId: processId,
    name: str(proc, 'name'),
    ...(versionTag ? { versionTag } : {}),
    elements,
    flows,
    userTaskForms: forms,
  }
}
