/**
 * Helpers for the engine's own tests: BPMN documents from a process body, and a small driver
 * around an in-process engine with a {@link TestClock}. Test code only.
 */
import { type EngineRecord, fieldsOf } from './state/records'
import type { Engine } from './engine'

/** Wraps flow elements (and optional root elements such as messages) into a BPMN document. */
export function bpmn(processId: string, body: string, rootElements = ''): Buffer {
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="Definitions_${processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" isExecutable="true">
${body}
  </bpmn:process>
${rootElements}
</bpmn:definitions>`)
}

/** A service task with a job type. */
export function serviceTask(id: string, type: string, extra = ''): string {
  return `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" />${extra}</bpmn:extensionElements></bpmn:serviceTask>`
}

/** A sequence flow, optionally with a FEEL condition. */
export function flow(id: string, source: string, target: string, condition?: string): string {
  const cond = condition
    ? `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</bpmn:conditionExpression>`
    : ''
  return `<bpmn:sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}">${cond}</bpmn:sequenceFlow>`
}

/** Chains elements with flows named f1, f2, … */
export function chain(...ids: string[]): string {
  return ids
    .slice(1)
    .map((id, i) => flow(`f_${ids[i]}_${id}`, ids[i]!, id))
    .join('\n')
}

/** The PROCESS_INSTANCE records of an instance as `elementId:intent` strings. */
export async function trail(engine: Engine, processInstanceKey: string): Promise<string[]> {
  const records = await engine.readRecords({ processInstanceKey, valueTypes: ['PROCESS_INSTANCE'] })
  return records.map((r: EngineRecord) => `${String(fieldsOf(r).elementId)}:${r.intent}`)
}

/**
 * The path an instance took, as Zeebe's record stream shows it: the element ids of its
 * ELEMENT_COMPLETED records in order (the process itself last when it completed). A
 * multi-instance body completes under the same element id as its inner instances, after them.
 * With `flows`, the ids of SEQUENCE_FLOW_TAKEN records are included where they were taken.
 * Records of called instances are not included (they have their own processInstanceKey).
 */
export async function completedPath(
  engine: Pick<Engine, 'readRecords'>,
  processInstanceKey: string,
  options: { flows?: boolean } = {},
): Promise<string[]> {
  const records = await engine.readRecords({ processInstanceKey, valueTypes: ['PROCESS_INSTANCE'] })
  return records
    .filter(
      (r) =>
        r.intent === 'ELEMENT_COMPLETED' ||
        (options.flows === true && r.intent === 'SEQUENCE_FLOW_TAKEN'),
    )
    .map((r) => String(fieldsOf(r).elementId))
}

/** Activates and completes one job of `type`; fails the test when none is there. */
export async function completeOne(
  engine: Engine,
  type: string,
  variables: Record<string, unknown> = {},
): Promise<string> {
  const [job] = await engine.activateJobs({
    type,
    worker: 'test',
    timeoutMs: 60_000,
    maxJobsToActivate: 1,
  })
  if (!job) throw new Error(`no job of type ${type}`)
  await engine.completeJob(job.key, variables)
  return job.key
}

/** Drops the engine's tables and starts a fresh engine on them (each test starts from nothing). */
export async function freshEngine(
  sql: import('./state/sql').SqlClient,
  clock: import('./api').Clock,
): Promise<Engine> {
  await sql.query('drop table if exists engine_records, engine_snapshots')
  const { createEngine } = await import('./engine')
  return createEngine({ sql, clock })
}

/** Records of an instance with one value type, as `elementId|intent` or a projection. */
export async function valuesOf(
  engine: Engine,
  processInstanceKey: string,
  valueType: string,
): Promise<EngineRecord[]> {
  return engine.readRecords({ processInstanceKey, valueTypes: [valueType] })
}

/** A message definition with a `zeebe:subscription` correlation key. */
export function message(id: string, name: string, correlationKey = ''): string {
  return `<bpmn:message id="${id}" name="${name}">${
    correlationKey
      ? `<bpmn:extensionElements><zeebe:subscription correlationKey="${correlationKey}" /></bpmn:extensionElements>`
      : ''
  }</bpmn:message>`
}

/** The variables of an instance's root scope as the engine holds them now. */
export function rootVariables(engine: Engine, processInstanceKey: string): Record<string, unknown> {
  const vars = engine.state.variables[processInstanceKey] ?? {}
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.value]))
}

/** The root scope's variables from the VARIABLE records (also after the instance ended). */
export async function finalVariables(
  engine: Engine,
  processInstanceKey: string,
): Promise<Record<string, unknown>> {
  const records = await engine.readRecords({ processInstanceKey, valueTypes: ['VARIABLE'] })
  const out: Record<string, unknown> = {}
  for (const r of records) {
    if (String(fieldsOf(r).scopeKey) !== processInstanceKey) continue
    out[String(fieldsOf(r).name)] = JSON.parse(String(fieldsOf(r).value)) as unknown
  }
  return out
}

/** True while the process instance is active. */
export function isActive(engine: Engine, processInstanceKey: string): boolean {
  return engine.state.elementInstances[processInstanceKey] !== undefined
}

/**
 * The event-sourcing invariant: an engine rebuilt from the log alone (no snapshot) has exactly
 * the live engine's state. Call after a test's commands, before closing the engine.
 */
export async function expectReplayMatches(
  engine: Engine,
  sql: import('./state/sql').SqlClient,
): Promise<void> {
  const { createEngine } = await import('./engine')
  const { TestClock } = await import('./clock')
  const live = canonical(engine.state)
  await sql.query('delete from engine_snapshots')
  const replayed = await createEngine({ sql, clock: new TestClock(engine.clock.now()) })
  const again = canonical(replayed.state)
  if (again !== live) {
    let at = 0
    while (at < live.length && live[at] === again[at]) at++
    throw new Error(
      `replayed state differs from the live state at ${at}:\nlive:     …${live.slice(Math.max(0, at - 300), at + 300)}\nreplayed: …${again.slice(Math.max(0, at - 300), at + 300)}`,
    )
  }
}

/** JSON with object keys sorted, so equal values give equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  )
}
