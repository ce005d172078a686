/**
 * The executable model of one BPMN process: plain, immutable data the runtime walks. Built
 * once per deployed process definition by {@link parseDeploymentResource} (parse.ts).
 */
import type { AdHocActivityMetadata } from './ad-hoc-metadata'
import type { CamundaUserTaskDefinition } from './camunda-user-task'

/** Zeebe's `bpmnElementType` names. */
export const BpmnElementType = {
  Process: 'PROCESS',
  StartEvent: 'START_EVENT',
  EndEvent: 'END_EVENT',
  ServiceTask: 'SERVICE_TASK',
  SendTask: 'SEND_TASK',
  BusinessRuleTask: 'BUSINESS_RULE_TASK',
  ScriptTask: 'SCRIPT_TASK',
  UserTask: 'USER_TASK',
  ReceiveTask: 'RECEIVE_TASK',
  ManualTask: 'MANUAL_TASK',
  Task: 'TASK',
  ExclusiveGateway: 'EXCLUSIVE_GATEWAY',
  ParallelGateway: 'PARALLEL_GATEWAY',
  InclusiveGateway: 'INCLUSIVE_GATEWAY',
  EventBasedGateway: 'EVENT_BASED_GATEWAY',
  IntermediateCatchEvent: 'INTERMEDIATE_CATCH_EVENT',
  IntermediateThrowEvent: 'INTERMEDIATE_THROW_EVENT',
  BoundaryEvent: 'BOUNDARY_EVENT',
  SubProcess: 'SUB_PROCESS',
  EventSubProcess: 'EVENT_SUB_PROCESS',
  CallActivity: 'CALL_ACTIVITY',
  MultiInstanceBody: 'MULTI_INSTANCE_BODY',
  AdHocSubProcess: 'AD_HOC_SUB_PROCESS',
  AdHocSubProcessInnerInstance: 'AD_HOC_SUB_PROCESS_INNER_INSTANCE',
  SequenceFlow: 'SEQUENCE_FLOW',
} as const
export type BpmnElementType = (typeof BpmnElementType)[keyof typeof BpmnElementType]

export type TimerDefinition = { kind: 'duration' | 'date' | 'cycle'; expression: string }

/** The event definition of an event element. */
export type EventDefinition =
  | { kind: 'none' }
  | { kind: 'timer'; timer: TimerDefinition }
  | { kind: 'message'; messageName: string; correlationKey: string }
  | { kind: 'error'; errorCode: string | null }
  | { kind: 'signal'; signalName: string }
  | { kind: 'terminate' }
  | { kind: 'escalation'; escalationCode: string | null }
  | { kind: 'link'; linkName: string }
  /** Compensation throw/end events (`activityRef`: the one activity to compensate) and boundaries. */
  | { kind: 'compensation'; activityRef?: string }

export interface Mapping {
  source: string
  target: string
}

export interface JobDefinition {
  /** Static type or `=`FEEL. */
  type: string
  /** Static number text or `=`FEEL. */
  retries: string
  headers: Record<string, string>
}

export interface MultiInstanceDefinition {
  sequential: boolean
  inputCollection: string
  inputElement?: string
  outputCollection?: string
  outputElement?: string
  completionCondition?: string
}

/** An ad-hoc sub-process's `zeebe:adHoc`, completion condition and activatable elements. */
export interface AdHocDefinition {
  activeElementsCollection?: string
  completionCondition?: string
  cancelRemainingInstances: boolean
  outputCollection?: string
  outputElement?: string
  /** Inner elements that may be activated: flow nodes without incoming flows (no boundaries). */
  activatable: readonly string[]
  /** Id of the synthetic element of its inner instances (`<id>#innerInstance`). */
  innerInstanceId: string
  /** BPMN (the engine decides) or JOB_WORKER (`zeebe:taskDefinition`: a job's result decides). */
  implementation: 'BPMN' | 'JOB_WORKER'
  /** The `adHocSubProcessElements` variable's value (ad-hoc-metadata.ts). */
  elementsMetadata: readonly AdHocActivityMetadata[]
}

export interface UserTaskDefinition {
  assignee?: string
  candidateGroups?: string
  candidateUsers?: string
  dueDate?: string
  followUpDate?: string
  priority?: string
  /** `zeebe:formDefinition formKey` (custom) */
  formKey?: string
  /** `zeebe:formDefinition formId` (linked form deployed separately) */
  formId?: string
  /** `zeebe:formDefinition bindingType`: `latest` (default), `deployment` or `versionTag`. */
  formBindingType?: string
  /** `zeebe:formDefinition versionTag`, for `bindingType="versionTag"`. */
  formVersionTag?: string
}

/** `zeebe:calledDecision` of a business rule task (parsed in called-decision.ts). */
export interface CalledDecisionDefinition {
  /** Static id or `=`FEEL. */
  decisionId: string
  resultVariable: string
  bindingType: 'latest' | 'deployment' | 'versionTag'
  /** With `bindingType="versionTag"`: static or `=`FEEL. */
  versionTag?: string
}

export interface FlowNode {
  readonly id: string
  readonly name?: string
  readonly type: BpmnElementType
  /** Id of the enclosing process, sub-process or event sub-process. */
  readonly scopeId: string
  readonly incoming: readonly string[]
  readonly outgoing: readonly string[]
  readonly defaultFlow?: string
  readonly event?: EventDefinition
  /** Boundary events: cancelActivity; event sub-process start events: isInterrupting. */
  readonly interrupting: boolean
  readonly attachedTo?: string
  readonly boundaries: readonly string[]
  readonly job?: JobDefinition
  readonly inputs: readonly Mapping[]
  readonly outputs: readonly Mapping[]
  readonly userTask?: UserTaskDefinition
  /** Camunda user task (`zeebe:userTask`); such a task has no `job`. */
  readonly camundaUserTask?: CamundaUserTaskDefinition
  readonly calledElement?: {
    processId: string
    propagateAllChildVariables: boolean
    propagateAllParentVariables: boolean
    /** `latest` (default), `deployment` or `versionTag` (see call-activity.ts). */
    bindingType?: string
    versionTag?: string
  }
  /** `zeebe:executionListeners`, in document order (see runtime/execution-listeners.ts). */
  readonly executionListeners?: readonly ExecutionListenerDefinition[]
  readonly script?: { expression: string; resultVariable?: string }
  readonly calledDecision?: CalledDecisionDefinition
  readonly multiInstance?: MultiInstanceDefinition
  /** A compensation handler (`isForCompensation="true"`). */
  readonly isForCompensation?: boolean
  /** A compensation boundary event: the handler its association points to. */
  readonly compensationHandler?: string
  /** Ad-hoc sub-processes (model/ad-hoc.ts). */
  readonly adHoc?: AdHocDefinition
  /** Containers (process, sub-processes): the none start event and child ids. */
  readonly noneStartEventId?: string
  readonly startEventIds: readonly string[]
  readonly eventSubProcessIds: readonly string[]
  readonly childIds: readonly string[]
}

export interface SequenceFlow {
  readonly id: string
  readonly source: string
  readonly target: string
  readonly condition?: string
}

/** A `zeebe:executionListener`: a job of `type` that runs when the element starts or ends. */
export interface ExecutionListenerDefinition {
  readonly eventType: 'start' | 'end'
  /** Static type or `=`FEEL. */
  readonly type: string
  /** Static number text or `=`FEEL. */
  readonly retries: string
}

/** One executable process of a deployment. */
export interface ProcessModel {
  readonly bpmnProcessId: string
  readonly name?: string
  /** `zeebe:versionTag` of the process, if any. */
  readonly versionTag?: string
  readonly elements: ReadonlyMap<string, FlowNode>
  readonly flows: ReadonlyMap<string, SequenceFlow>
  /** Embedded forms (`zeebe:userTaskForm`) by id. */
  readonly userTaskForms: ReadonlyMap<string, string>
}

/** The process element of a model (id = bpmnProcessId). */
export function processNode(model: ProcessModel): FlowNode {
  const node = model.elements.get(model.bpmnProcessId)
  if (!node) throw new Error(`process ${model.bpmnProcessId} has no root element`)
  return node
}

/** Looks an element up; throws when the model has no such element (an engine bug). */
export function elementOf(model: ProcessModel, id: string): FlowNode {
  const node = model.elements.get(id)
  if (!node) throw new Error(`process ${model.bpmnProcessId} has no element ${id}`)
  return node
}

/** Looks a sequence flow up; throws when the model has none (an engine bug). */
export function flowOf(model: ProcessModel, id: string): SequenceFlow {
  const flow = model.flows.get(id)
  if (!flow) throw new Error(`process ${model.bpmnProcessId} has no sequence flow ${id}`)
  return flow
}

/** Element types whose behaviour is a job (job worker). */
export function isJobElement(node: FlowNode): boolean {
  return node.job !== undefined
}

/** Containers: elements with child elements and their own none start event. */
export function isContainer(type: BpmnElementType): boolean {
  return (
    type === BpmnElementType.Process ||
    type === BpmnElementType.SubProcess ||
    type === BpmnElementType.EventSubProcess
  )
}
