/** Helpers for the user task tests: models and record paths. Test code only. */
import type { Engine } from '../engine'
import { bpmn, chain } from '../test-support'
import { fieldsOf } from '../state/records'

/** A Camunda user task element: `zeebe:userTask` plus the given extension elements. */
export function camundaUserTask(id: string, extensions = '', extra = ''): string {
  return `<bpmn:userTask id="${id}"><bpmn:extensionElements><zeebe:userTask />${extensions}</bpmn:extensionElements>${extra}</bpmn:userTask>`
}

/** start → task → end, as a deployable resource. */
export function taskProcess(processId: string, task: string, more = ''): Buffer {
  return bpmn(
    processId,
    `<bpmn:startEvent id="start" />${task}<bpmn:endEvent id="end" />${chain('start', 'Task', 'end')}${more}`,
  )
}

/** `zeebe:taskListeners` with `[eventType, type]` pairs. */
export function listeners(...pairs: [string, string][]): string {
  return `<zeebe:taskListeners>${pairs
    .map(([eventType, type]) => `<zeebe:taskListener eventType="${eventType}" type="${type}" />`)
    .join('')}</zeebe:taskListeners>`
}

/**
 * The records about the element `elementId` of an instance, in log order, as
 * `VALUE_TYPE:INTENT` (USER_TASK, PROCESS_INSTANCE of the element, and JOB of its listeners).
 */
export async function taskPath(
  engine: Engine,
  processInstanceKey: string,
  elementId = 'Task',
): Promise<string[]> {
  const records = await engine.readRecords({
    processInstanceKey,
    valueTypes: ['USER_TASK', 'PROCESS_INSTANCE', 'JOB'],
  })
  return records
    .filter((r) => fieldsOf(r).elementId === elementId)
    .map((r) =>
      r.valueType === 'JOB'
        ? `JOB:${r.intent}:${String(r.value.listenerEventType)}`
        : `${r.valueType === 'USER_TASK' ? 'USER_TASK' : 'PI'}:${r.intent}`,
    )
}

/** The USER_TASK records of an instance. */
export async function userTaskRecords(engine: Engine, processInstanceKey: string) {
  return engine.readRecords({ processInstanceKey, valueTypes: ['USER_TASK'] })
}

/** The one open user task of an instance (fails the test when there is none). */
export function openTask(engine: Engine, processInstanceKey: string) {
  const [task] = engine.listUserTasks({ processInstanceKey })
  if (!task) throw new Error(`no open user task in instance ${processInstanceKey}`)
  return task
}

/** The rejection of a promise (fails when it resolves). */
export async function rejectionOf(
  p: Promise<unknown>,
): Promise<{ code?: string; message: string }> {
  try {
    await p
  } catch (err) {
    const code =
      err && typeof err === 'object' && 'code' in err
        ? String((err as { code: unknown }).code)
        : undefined
    return { code, message: err instanceof Error ? err.message : String(err) }
  }
  throw new Error('expected a rejection')
}
