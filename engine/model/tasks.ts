/**
 * What a task element runs: its job definition (service, send, script, business rule task
 * without a called decision, message throw events, job-worker user tasks), script, Camunda
 * user task, called element and multi-instance loop, with Zeebe's deployment validation.
 */
import { isExpression } from '../feel/feel'
import {
  BpmnElementType,
  type EventDefinition,
  type FlowNode,
  type JobDefinition,
  type MultiInstanceDefinition,
  type UserTaskDefinition,
} from './model'
import {
  type CamundaUserTaskDefinition,
  isCamundaUserTask,
  parseCamundaUserTask,
} from './camunda-user-task'
import { child, extension, extensions, nodes, str, type Node } from './moddle'

/** The job type of a job-worker user task (Zeebe's constant). */
export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask'

/** The parts of a flow node {@link parseTaskParts} reads. */
export interface TaskParts {
  job?: JobDefinition
  userTask?: UserTaskDefinition
  camundaUserTask?: CamundaUserTaskDefinition
  script?: FlowNode['script']
  calledElement?: FlowNode['calledElement']
  multiInstance?: MultiInstanceDefinition
}

/** Validation callbacks of the element being parsed. */
export interface ElementChecks {
  fail: (elementId: string, message: string) => void
  checkExpr: (elementId: string, text: string | undefined) => void
  checkNonStatic: (elementId: string, text: string | undefined) => void
}

/** Reads the task parts of element `el` (id `id`, type `type`, event definition `event`). */
export function parseTaskParts(
  el: Node,
  type: BpmnElementType,
  id: string,
  event: EventDefinition | undefined,
  { fail, checkExpr, checkNonStatic }: ElementChecks,
): TaskParts {
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
  return {
    ...(job ? { job } : {}),
    ...(userTask ? { userTask } : {}),
    ...(camundaUserTask ? { camundaUserTask } : {}),
    ...(script ? { script } : {}),
    ...(calledElement ? { calledElement } : {}),
    ...(multiInstance ? { multiInstance } : {}),
  }
}
