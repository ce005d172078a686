import { describe, expect, test } from 'vitest'
import { openIncidentsAt, pathAt, startIndex, type Step } from './history'

const step = (
  position: number,
  intent: string,
  elementId: string,
  elementType = 'SERVICE_TASK',
): Step => ({
  position,
  timestamp: '2026-11-25T10:00:00.000Z',
  intent,
  elementId,
  elementName: null,
  elementType,
  elementInstanceKey: String(position),
  flowScopeKey: '1',
})

describe('replay highlight (4.3.3 evidence of the path taken)', () => {
  // given a start event, a flow and a task that is still running
  const steps = [
    step(1, 'ELEMENT_ACTIVATED', 'proc', 'PROCESS'),
    step(2, 'ELEMENT_ACTIVATED', 'Start', 'START_EVENT'),
    step(3, 'ELEMENT_COMPLETED', 'Start', 'START_EVENT'),
    step(4, 'SEQUENCE_FLOW_TAKEN', 'Flow_1', 'SEQUENCE_FLOW'),
    step(5, 'ELEMENT_ACTIVATED', 'Task_A'),
  ]

  test('marks completed elements, taken flows and active tokens up to the chosen step', () => {
    // when
    const all = pathAt(steps, steps.length - 1)
    const early = pathAt(steps, 1)
    // then
    expect([...all.completed]).toEqual(['Start'])
    expect([...all.taken]).toEqual(['Flow_1'])
    expect([...all.active]).toEqual(['Task_A'])
    expect([...early.active]).toEqual(['Start'])
    expect(early.taken.size).toBe(0)
  })

  test('shows an incident from its creation until it is resolved', () => {
    // given
    const incidents = [
      { key: '9', intent: 'CREATED', elementId: 'Task_A', position: 6 },
      { key: '9', intent: 'RESOLVED', elementId: 'Task_A', position: 8 },
    ]
    // then
    expect(openIncidentsAt(incidents, 5)).toEqual([])
    expect(openIncidentsAt(incidents, 7).map((i) => i.elementId)).toEqual(['Task_A'])
    expect(openIncidentsAt(incidents, 8)).toEqual([])
  })
})

describe('the step a replay opens on', () => {
  const at = (position: number, elementId: string, intent: string): Step => ({
    position,
    timestamp: '',
    intent,
    elementId,
    elementName: null,
    elementType: 'USER_TASK',
    elementInstanceKey: String(position),
    flowScopeKey: null,
  })
  const steps = [
    at(1, 'Task_ClassifyIncident', 'ELEMENT_ACTIVATED'),
    at(2, 'Task_ClassifyIncident', 'ELEMENT_COMPLETED'),
    at(3, 'Task_Resolve', 'ELEMENT_COMPLETED'),
  ]
  test('is the last completion of the element a compliance link names #4.3.3-3', () => {
    expect(startIndex(steps, 'Task_ClassifyIncident')).toBe(1)
    expect(startIndex(steps, 'Task_Unknown')).toBe(2)
    expect(startIndex(steps)).toBe(2)
  })
})
