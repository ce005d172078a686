import { describe, expect, test } from 'vitest'
import {
  activitiesOf,
  openIncidentsAt,
  pathAt,
  positionOf,
  startActivity,
  stepIndexAt,
  stepsInOrder,
  variablesAt,
  type ActivityNode,
  type Step,
} from './history'

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

// given a start event, a flow and a task that is still running
const steps = [
  step(1, 'ELEMENT_ACTIVATED', 'proc', 'PROCESS'),
  step(2, 'ELEMENT_ACTIVATED', 'Start', 'START_EVENT'),
  step(3, 'ELEMENT_COMPLETED', 'Start', 'START_EVENT'),
  step(4, 'SEQUENCE_FLOW_TAKEN', 'Flow_1', 'SEQUENCE_FLOW'),
  step(5, 'ELEMENT_ACTIVATED', 'Task_A'),
]

describe('replay highlight (4.3.3 evidence of the path taken)', () => {
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

const node = (
  key: string,
  elementId: string,
  fields: Partial<ActivityNode> = {},
  children: ActivityNode[] = [],
): ActivityNode => ({
  key,
  elementId,
  elementName: elementId,
  elementType: 'SUB_PROCESS',
  scopeKey: null,
  state: 'completed',
  iteration: null,
  startedAt: '',
  endedAt: null,
  startPosition: Number(key),
  endPosition: Number(key) + 50,
  who: null,
  incidents: [],
  variables: [],
  children,
  ...fields,
})

describe('the element-instance tree of a replay (4.3.3)', () => {
  // given a process holding a multi-instance body with two iterations, each with its own item
  const tree = node(
    '1',
    'proc',
    { variables: [{ name: 'items', value: ['a', 'b'], position: 0 }] },
    [
      node('2', 'Task_Classify', { elementType: 'USER_TASK', state: 'completed' }),
      node('3', 'SubProcess_PerItem', { elementType: 'MULTI_INSTANCE_BODY' }, [
        node('4', 'SubProcess_PerItem', {
          iteration: 1,
          variables: [{ name: 'item', value: 'a', position: 3 }],
        }),
        node('5', 'SubProcess_PerItem', {
          iteration: 2,
          variables: [
            { name: 'item', value: 'b', position: 4 },
            { name: 'items', value: 'shadowed', position: 4 },
          ],
        }),
      ]),
    ],
  )
  const activities = activitiesOf(tree)
  const byKey = new Map(activities.map((a) => [a.key, a]))

  test('lists every element instance depth first with its depth and enclosing scopes', () => {
    expect(activities.map((a) => [a.key, a.depth, a.scopes])).toEqual([
      ['1', 0, []],
      ['2', 1, ['1']],
      ['3', 1, ['1']],
      ['4', 2, ['3', '1']],
      ['5', 2, ['3', '1']],
    ])
  })

  test("shows a scope's own variables first, then the enclosing ones it does not shadow", () => {
    const second = byKey.get('5')!
    expect(variablesAt(second, byKey, 100).map((v) => [v.scope.key, v.name, v.value])).toEqual([
      ['5', 'item', 'b'],
      ['5', 'items', 'shadowed'],
    ])
    const first = byKey.get('4')!
    expect(variablesAt(first, byKey, 100).map((v) => [v.scope.key, v.name, v.value])).toEqual([
      ['4', 'item', 'a'],
      ['1', 'items', ['a', 'b']],
    ])
    // nothing set after the selected position
    expect(variablesAt(first, byKey, 2).map((v) => v.name)).toEqual(['items'])
  })

  test('opens on the last completed instance of an element a compliance link names #4.3.3-3', () => {
    const ordered = stepsInOrder(activities)
    expect(startActivity(ordered, 'Task_Classify')).toBe(1)
    expect(startActivity(ordered, 'Task_Unknown')).toBe(4)
    expect(startActivity(ordered)).toBe(4)
  })

  test('places the diagram at the end of a step, or at its start while it runs', () => {
    expect(positionOf(node('7', 'x'), 99)).toBe(57)
    expect(positionOf(node('7', 'x', { state: 'active', endPosition: null }), 99)).toBe(99)
    expect(stepIndexAt(steps, 4)).toBe(3)
    expect(stepIndexAt(steps, 100)).toBe(steps.length - 1)
  })
})
