/**
 * The timeline rebuilt from v2's search results: record-stream order within one millisecond,
 * loops (a flow taken on each pass though v2 lists it once), an interrupting boundary event.
 */
import { describe, expect, test } from 'vitest'
import type { ElementInstance } from '../camunda/camunda-rest'
import { buildTimeline, type TimelineInput } from './timeline'

const T0 = Date.parse('2026-01-01T00:00:00.000Z')
const at = (ms: number) => new Date(T0 + ms).toISOString()
const PI = '100'

function element(
  key: number,
  elementId: string,
  type: string,
  start: number,
  end?: number,
  state: ElementInstance['state'] = end === undefined ? 'ACTIVE' : 'COMPLETED',
  flowScopeKey = PI,
): TimelineInput['elements'][number] {
  return {
    elementInstanceKey: String(key),
    processInstanceKey: PI,
    processDefinitionKey: '1',
    elementId,
    elementName: elementId,
    type,
    state,
    startDate: at(start),
    ...(end !== undefined ? { endDate: at(end) } : {}),
    flowScopeKey,
  }
}

const input = (
  elements: TimelineInput['elements'],
  flowsTaken: string[],
  flows: TimelineInput['flows'],
  end?: number,
): TimelineInput => ({
  instance: {
    processInstanceKey: PI,
    processDefinitionKey: '1',
    processDefinitionId: 'p',
    processDefinitionVersion: 1,
    startDate: at(0),
    ...(end !== undefined ? { endDate: at(end) } : {}),
    state: end === undefined ? 'ACTIVE' : 'COMPLETED',
  },
  elements,
  flowsTaken,
  flows,
  incidents: [],
  variables: [],
  names: {},
})

const path = (t: ReturnType<typeof buildTimeline>) =>
  t.steps.map((s) => `${s.intent.replace('ELEMENT_', '').toLowerCase()} ${s.elementId}`)

describe('the v2 timeline', () => {
  test('orders one command by cause and shows each pass of a loop with its flows', () => {
    // given Start → Task → Gateway, back to Task once, then End; v2 lists each flow once
    const flows = {
      F1: { source: 'Start', target: 'Task' },
      F2: { source: 'Task', target: 'Gw' },
      Back: { source: 'Gw', target: 'Task' },
      Out: { source: 'Gw', target: 'End' },
    }
    const elements = [
      element(101, 'Start', 'START_EVENT', 0, 0),
      element(102, 'Task', 'SERVICE_TASK', 0, 10),
      element(103, 'Gw', 'EXCLUSIVE_GATEWAY', 10, 10),
      element(104, 'Task', 'SERVICE_TASK', 10, 20),
      element(105, 'Gw', 'EXCLUSIVE_GATEWAY', 20, 20),
      element(106, 'End', 'END_EVENT', 20, 20),
    ]
    // when
    const t = buildTimeline(input(elements, ['Back', 'F1', 'F2', 'Out'], flows, 20))
    // then
    expect(path(t)).toEqual([
      'activated p',
      'activated Start',
      'completed Start',
      'sequence_flow_taken F1',
      'activated Task',
      'completed Task',
      'sequence_flow_taken F2',
      'activated Gw',
      'completed Gw',
      'sequence_flow_taken Back',
      'activated Task',
      'completed Task',
      'sequence_flow_taken F2',
      'activated Gw',
      'completed Gw',
      'sequence_flow_taken Out',
      'activated End',
      'completed End',
      'completed p',
    ])
    expect(t.steps.map((s) => s.position)).toEqual(t.steps.map((_, n) => n + 1))
  })

  test('terminates an interrupted task before its boundary event activates', () => {
    const flows = {
      F1: { source: 'Start', target: 'Task' },
      F2: { source: 'Timer', target: 'End' },
    }
    const elements = [
      element(101, 'Start', 'START_EVENT', 0, 0),
      element(102, 'Task', 'USER_TASK', 0, 50, 'TERMINATED'),
      element(103, 'Timer', 'BOUNDARY_EVENT', 50, 50),
      element(104, 'End', 'END_EVENT', 50, 50),
    ]
    const t = buildTimeline(input(elements, ['F1', 'F2'], flows, 50))
    expect(path(t).slice(5)).toEqual([
      'terminated Task',
      'activated Timer',
      'completed Timer',
      'sequence_flow_taken F2',
      'activated End',
      'completed End',
      'completed p',
    ])
  })

  test('ends a sub-process after its inner steps of the same moment', () => {
    const flows = { In: { source: 'InnerStart', target: 'InnerEnd' } }
    const elements = [
      element(101, 'Sub', 'SUB_PROCESS', 0, 0),
      element(102, 'InnerStart', 'START_EVENT', 0, 0, 'COMPLETED', '101'),
      element(103, 'InnerEnd', 'END_EVENT', 0, 0, 'COMPLETED', '101'),
    ]
    const t = buildTimeline(input(elements, ['In'], flows))
    expect(path(t)).toEqual([
      'activated p',
      'activated Sub',
      'activated InnerStart',
      'completed InnerStart',
      'sequence_flow_taken In',
      'activated InnerEnd',
      'completed InnerEnd',
      'completed Sub',
    ])
    expect(t.steps.find((s) => s.elementId === 'In')?.flowScopeKey).toBe('101')
  })
})
