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
  type EventDefinition,
  type FlowNode,
  type JobDefinition,
  type Mapping,
  type MultiInstanceDefinition,
  type ProcessModel,
  type SequenceFlow,
  type UserTaskDefinition,
} from './model'
import { parseCalledDecision } from './called-decision'
import { parseTimerText } from './timer'
import { parseExecutionListeners } from './execution-listeners'
import {
  type CamundaUserTaskDefinition,
  isCamundaUserTask,
  parseCamundaUserTask,
} from './camunda-user-task'
import { applyAdHocSubProcesses } from './ad-hoc'
import {
  applyCompensation,
  compensationEventDefinition,
  noteUnresolvedReferences,
} from './compensation'

const require = createRequire(import.meta.url)
const zeebeSchema: unknown = require('zeebe-bpmn-moddle/resources/zeebe.json')

/** A moddle element, read through guards. */
type Node = { $type: string; [key: string]: unknown }

const isNode = (v: unknown): v is Node =>
  typeof v === 'object' && v !== null && typeof (v as { $type?: unknown }).$type === 'string'

function str(n: Node | undefined, key: string): string | undefined {
  const v = n?.[key]
  return typeof v === 'string' ? v : undefined
}
function nodes(n: Node | undefined, key: string): Node[] {
  const v = n?.[key]
  return Array.isArray(v) ? v.filter(isNode) : []
}
function child(n: Node | undefined, key: string): Node | undefined {
  const v = n?.[key]
  return isNode(v) ? v : undefined
}
function extensions(n: Node, type: string): Node[] {
  return nodes(child(n, 'extensionElements'), 'values').filter((v) => v.$type === type)
}
function extension(n: Node, type: string): Node | undefined {
  return extensions(n, type)[0]
}

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

/** The job type of a job-worker user task (Zeebe's constant). */
export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask'

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
    const mappings = (key: string): Mapping[] =>
      nodes(io, key).map((p) => ({
        source: str(p, 'source') ?? '',
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
    let job: JobDefinition | undefined
    let userTask: UserTaskDefinition | undefined
    let script: FlowNode['script']
    const headers: Record<string, string> = {}
    for (const h of nodes(extension(el, 'zeebe:TaskHeaders'), 'values')) {
      const key = str(h, 'key')
      if (key) headers[key] = str(h, 'value') ?? ''
    }
    const taskDefinition = extension(el, 'zeebe:TaskDefinition')
    const needsJob =
      type === BpmnElementType.ServiceTask ||
      type === BpmnElementType.SendTask ||
      (type === BpmnElementType.BusinessRuleTask &&
        extensions(el, 'zeebe:CalledDecision').length === 0) ||
      (type === BpmnElementType.IntermediateThrowEvent && event?.kind === 'message') ||
      (type === BpmnElementType.EndEvent && event?.kind === 'message')
    if (type === BpmnElementType.ScriptTask) {
      const s = extension(el, 'zeebe:Script')
      if (s) {
        const expression = str(s, 'expression') ?? ''
        const resultVariable = str(s, 'resultVariable')
        if (!isExpression(expression)) fail(id, "Attribute 'expression' must be a FEEL expression")
        checkExpr(id, expression)
        if (!resultVariable) fail(id, "Attribute 'resultVariable' must be present and not empty")
        script = { expression, ...(resultVariable ? { resultVariable } : {}) }
      } else if (!taskDefinition) {
        fail(id, "Must have exactly one 'zeebe:taskDefinition' or 'zeebe:script' extension element")
      }
    }
    if (needsJob || (type === BpmnElementType.ScriptTask && !script)) {
      if (!taskDefinition) {
        fail(id, "Must have exactly one 'zeebe:taskDefinition' extension element")
      } else {
        const jobType = str(taskDefinition, 'type') ?? ''
        if (!jobType.trim()) fail(id, "Attribute 'type' must be present and not empty")
        const retries = str(taskDefinition, 'retries') ?? '3'
        checkExpr(id, jobType)
        checkExpr(id, retries)
        if (!retries.trim().startsWith('=') && !/^\d+$/.test(retries.trim())) {
          fail(id, `Attribute 'retries' must be a number or an expression, but was '${retries}'`)
        }
        job = { type: jobType, retries, headers }
      }
    }
    let camundaUserTask: CamundaUserTaskDefinition | undefined
    if (type === BpmnElementType.UserTask && isCamundaUserTask(el)) {
      camundaUserTask = parseCamundaUserTask(el, (message) => fail(id, message))
    } else if (type === BpmnElementType.UserTask) {
      const assignment = extension(el, 'zeebe:AssignmentDefinition')
      const schedule = extension(el, 'zeebe:TaskSchedule')
      const form = extension(el, 'zeebe:FormDefinition')
      const priority = extension(el, 'zeebe:PriorityDefinition')
      userTask = {
        assignee: str(assignment, 'assignee'),
        candidateGroups: str(assignment, 'candidateGroups'),
        candidateUsers: str(assignment, 'candidateUsers'),
        dueDate: str(schedule, 'dueDate'),
        followUpDate: str(schedule, 'followUpDate'),
        priority: str(priority, 'priority'),
        formKey: str(form, 'formKey'),
        formId: str(form, 'formId'),
        formBindingType: str(form, 'bindingType'),
        formVersionTag: str(form, 'versionTag'),
      }
      for (const v of Object.values(userTask)) checkExpr(id, v)
      job = { type: USER_TASK_JOB_TYPE, retries: '1', headers }
    }
    let calledElement: FlowNode['calledElement']
    if (type === BpmnElementType.CallActivity) {
      const ce = extension(el, 'zeebe:CalledElement')
      const processId = str(ce, 'processId') ?? ''
      if (!ce || !processId.trim()) {
        fail(id, "Must have exactly one 'zeebe:calledElement' extension element with a 'processId'")
      }
      checkExpr(id, processId)
      // zeebe-bpmn-moddle defaults bindingType to 'latest'; Zeebe's default is 'latest' too.
      const bindingType = str(ce, 'bindingType') ?? 'latest'
      const versionTag = str(ce, 'versionTag')
      if (!['latest', 'deployment', 'versionTag'].includes(bindingType)) {
        fail(id, "Attribute 'bindingType' must be one of: latest, deployment, versionTag")
      }
      if (bindingType === 'versionTag' && !versionTag?.trim()) {
        fail(id, "Attribute 'versionTag' must be present and not empty")
      }
      calledElement = {
        processId,
        propagateAllChildVariables: ce?.propagateAllChildVariables !== false,
        propagateAllParentVariables: ce?.propagateAllParentVariables !== false,
        bindingType,
        ...(versionTag ? { versionTag } : {}),
      }
    }
    let multiInstance: MultiInstanceDefinition | undefined
    const loop = child(el, 'loopCharacteristics')
    if (loop?.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
      const zl = extension(loop, 'zeebe:LoopCharacteristics')
      const inputCollection = str(zl, 'inputCollection') ?? ''
      if (!inputCollection) fail(id, "Attribute 'inputCollection' must be present and not empty")
      const completionCondition = str(child(loop, 'completionCondition'), 'body')?.trim()
      multiInstance = {
        sequential: loop.isSequential === true,
        inputCollection,
        inputElement: str(zl, 'inputElement'),
        outputCollection: str(zl, 'outputCollection'),
        outputElement: str(zl, 'outputElement'),
        ...(completionCondition ? { completionCondition } : {}),
      }
      checkExpr(id, inputCollection)
      checkExpr(id, multiInstance.outputElement)
      checkNonStatic(id, inputCollection)
      checkNonStatic(id, multiInstance.outputElement)
      checkExpr(id, completionCondition)
    } else if (loop) {
      fail(id, 'Standard loop characteristics are currently not supported')
    }
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
      ...(job ? { job } : {}),
      inputs,
      outputs,
      ...(userTask ? { userTask } : {}),
      ...(camundaUserTask ? { camundaUserTask } : {}),
      ...(calledElement ? { calledElement } : {}),
      ...(script ? { script } : {}),
      ...(calledDecision ? { calledDecision } : {}),
      ...(multiInstance ? { multiInstance } : {}),
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

function eventDefinitionOf(
  el: Node,
  type: BpmnElementType,
  id: string,
  fail: (id: string, message: string) => void,
  checkExpr: (id: string, text: string | undefined) => void,
  checkNonStatic: (id: string, text: string | undefined) => void,
): EventDefinition | undefined {
  const isEvent =
    type === BpmnElementType.StartEvent ||
    type === BpmnElementType.EndEvent ||
    type === BpmnElementType.IntermediateCatchEvent ||
    type === BpmnElementType.IntermediateThrowEvent ||
    type === BpmnElementType.BoundaryEvent ||
    type === BpmnElementType.ReceiveTask
  if (!isEvent) return undefined
  if (type === BpmnElementType.ReceiveTask) {
    return messageDefinition(child(el, 'messageRef'), type, id, fail, checkExpr, checkNonStatic)
  }
  const defs = nodes(el, 'eventDefinitions')
  if (defs.length === 0) {
    if (type === BpmnElementType.IntermediateCatchEvent)
      fail(id, 'Must have exactly one event definition')
    return type === BpmnElementType.BoundaryEvent ? undefined : { kind: 'none' }
  }
  if (defs.length > 1) fail(id, 'Must have exactly one event definition')
  const def = defs[0]!
  switch (def.$type) {
    case 'bpmn:TimerEventDefinition': {
      const pick = (['timeDuration', 'timeDate', 'timeCycle'] as const).find((k) => child(def, k))
      if (!pick) {
        fail(id, 'Must have either one time duration, time date or time cycle')
        return { kind: 'timer', timer: { kind: 'duration', expression: 'PT0S' } }
      }
      const expression = (str(child(def, pick), 'body') ?? '').trim()
      const kind = pick === 'timeDuration' ? 'duration' : pick === 'timeDate' ? 'date' : 'cycle'
      if (isExpression(expression)) checkExpr(id, expression)
      else {
        const err = parseTimerText(kind, expression, 0)
        if (typeof err === 'string') fail(id, err)
      }
      return { kind: 'timer', timer: { kind, expression } }
    }
    case 'bpmn:MessageEventDefinition':
      return messageDefinition(child(def, 'messageRef'), type, id, fail, checkExpr, checkNonStatic)
    case 'bpmn:ErrorEventDefinition': {
      const errorRef = child(def, 'errorRef')
      const code = str(errorRef, 'errorCode')
      if (type === BpmnElementType.EndEvent && !code) {
        fail(id, "Must reference an error with a non-empty 'errorCode'")
      }
      checkExpr(id, code)
      return { kind: 'error', errorCode: code ?? null }
    }
    case 'bpmn:SignalEventDefinition': {
      const name = str(child(def, 'signalRef'), 'name')
      if (!name) fail(id, 'Must reference a signal with a non-empty name')
      checkExpr(id, name)
      return { kind: 'signal', signalName: name ?? '' }
    }
    case 'bpmn:TerminateEventDefinition':
      return { kind: 'terminate' }
    case 'bpmn:EscalationEventDefinition': {
      const code = str(child(def, 'escalationRef'), 'escalationCode')
      const isThrow =
        type === BpmnElementType.EndEvent || type === BpmnElementType.IntermediateThrowEvent
      if (isThrow && !code)
        fail(id, "Must reference an escalation with a non-empty 'escalationCode'")
      checkExpr(id, code)
      return { kind: 'escalation', escalationCode: code ?? null }
    }
    case 'bpmn:LinkEventDefinition':
      return { kind: 'link', linkName: str(def, 'name') ?? '' }
    case 'bpmn:CompensateEventDefinition':
      return compensationEventDefinition(def, type, id, fail)
    default:
      fail(id, `Event definition of type '${def.$type.replace('bpmn:', '')}' is not supported`)
      return { kind: 'none' }
  }
}

function messageDefinition(
  message: Node | undefined,
  type: BpmnElementType,
  id: string,
  fail: (id: string, message: string) => void,
  checkExpr: (id: string, text: string | undefined) => void,
  checkNonStatic: (id: string, text: string | undefined) => void,
): EventDefinition {
  const name = str(message, 'name') ?? ''
  const isThrow =
    type === BpmnElementType.IntermediateThrowEvent || type === BpmnElementType.EndEvent
  // Zeebe's MessageEventDefinitionValidator skips throw events: a message throw or end event
  // is a job (its zeebe:taskDefinition is checked elsewhere) and needs no message reference.
  if (!isThrow && (!message || !name.trim())) {
    fail(id, 'Must reference a message with a non-empty name')
  }
  const subscription = message ? extension(message, 'zeebe:Subscription') : undefined
  const correlationKey = str(subscription, 'correlationKey') ?? ''
  if (type !== BpmnElementType.StartEvent && !isThrow && !correlationKey.trim()) {
    fail(id, "Must have a 'zeebe:subscription' with a non-empty 'correlationKey'")
  }
  checkExpr(id, name)
  checkExpr(id, correlationKey)
  checkNonStatic(id, correlationKey)
  return { kind: 'message', messageName: name, correlationKey }
}
