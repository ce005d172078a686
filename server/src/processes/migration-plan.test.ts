/**
 * The migration plan from two versions' elements (ISO/IEC 20000-1 4.3.2): what is proposed,
 * which mappings are refused before the engine is asked, and what an instance's active
 * elements become.
 */
import { describe, expect, it } from 'vitest'
import type { BpmnElementInfo } from './bpmn'
import { mappingProblems, planActiveElements, proposeMapping } from './migration-plan'

const el = (id: string, type: string, name = id, extra: Partial<BpmnElementInfo> = {}) => ({
  [id]: { id, type, name, ...extra },
})
const v1: Record<string, BpmnElementInfo> = {
  ...el('Start', 'StartEvent'),
  ...el('Flow_1', 'SequenceFlow'),
  ...el('Task_Review', 'UserTask', 'Review', { formId: 'review' }),
  ...el('Task_Notify', 'ServiceTask'),
  ...el('Task_Old', 'UserTask'),
  ...el('End', 'EndEvent'),
}
const v2: Record<string, BpmnElementInfo> = {
  ...el('Start', 'StartEvent'),
  ...el('Task_Review', 'UserTask', 'Review the change', { formId: 'review' }),
  ...el('Task_Notify', 'UserTask'),
  ...el('Task_New', 'UserTask'),
  ...el('End', 'EndEvent'),
}

describe('migration plan', () => {
  it('proposes same id and type, flags changed, type-changed and removed elements, skips flows', () => {
    // when
    const plan = proposeMapping(v1, v2)
    // then
    expect(plan.map((m) => [m.source.id, m.targetElementId, m.status])).toEqual([
      ['Start', 'Start', 'mapped'],
      ['Task_Review', 'Task_Review', 'changed'],
      ['Task_Notify', null, 'type-changed'],
      ['Task_Old', null, 'removed'],
      ['End', 'End', 'mapped'],
    ])
  })

  it.each([
    [[{ sourceElementId: 'Task_Old', targetElementId: 'Task_New' }], []],
    [
      [{ sourceElementId: 'Task_Gone', targetElementId: 'Task_New' }],
      ['no element Task_Gone in the source version'],
    ],
    [
      [{ sourceElementId: 'Task_Notify', targetElementId: 'Task_Notify' }],
      [
        'Task_Notify (ServiceTask) cannot map to Task_Notify (UserTask): elements must be mapped to elements of the same type',
      ],
    ],
    [
      [
        { sourceElementId: 'Task_Old', targetElementId: 'Task_New' },
        { sourceElementId: 'Task_Old', targetElementId: 'Task_Review' },
      ],
      ['source element Task_Old is mapped twice'],
    ],
  ])('checks the mapping %j', (instructions, problems) => {
    expect(mappingProblems(instructions, v1, v2).map((p) => p.message)).toEqual(problems)
  })

  it('blocks an instance whose active element has no target, and names the target otherwise', () => {
    // given
    const active = [
      { elementInstanceKey: '1', elementId: 'Task_Old', type: 'USER_TASK' },
      { elementInstanceKey: '2', elementId: 'Task_Review', type: 'USER_TASK' },
    ]
    // when
    const planned = planActiveElements(
      active,
      [{ sourceElementId: 'Task_Review', targetElementId: 'Task_Review' }],
      v1,
      v2,
    )
    // then
    expect(planned.map((p) => [p.elementId, p.targetName, p.problem])).toEqual([
      [
        'Task_Old',
        null,
        'active element Task_Old has no target: elements cannot be migrated without a mapping',
      ],
      ['Task_Review', 'Review the change', null],
    ])
  })
})
