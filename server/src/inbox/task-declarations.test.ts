/**
 * What user tasks declare for the inbox (`context:`, `sod:` extension properties): the lint a
 * procedure draft gets (ISO/IEC 20000-1 4.3.2), and the shipped procedures declaring what their
 * decisions need (9.2 the CAB sees the assessment, 8.1 the customer the resolution) and who may
 * not complete them (4.1.3).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { processOfKind, type CaseKind } from '../cases/kinds'
import { caseForms } from '../cases/case-forms'
import { describeBpmn } from '../processes/bpmn'
import { repoRoot } from '../paths'
import { segregationOf } from './segregation'
import { contextFieldsOf } from './task-context'
import { taskDeclarationLint } from './task-declarations'

const kindOfProcess = Object.fromEntries(
  Object.entries(processOfKind).map(([kind, processId]) => [processId, kind as CaseKind]),
)
const files = readdirSync(join(repoRoot, 'processes')).filter((f) => f.endsWith('.bpmn'))

const task = (id: string, properties: Record<string, string>, type = 'UserTask') => ({
  id,
  name: id,
  type,
  properties,
})

describe('the lint of context: and sod: declarations', () => {
  it.each([
    [
      'a field the record does not have',
      'change',
      task('Task_Cab', { 'context:riskk': '' }),
      'context:riskk: request for change records have no field "riskk"',
    ],
    [
      'context on a service task',
      'change',
      task('Task_Auto', { 'context:risk': '' }, 'ServiceTask'),
      'context: properties belong on user tasks',
    ],
    [
      'an unknown rule',
      'change',
      task('Task_Cab', { 'sod:notAuthor': 'true' }),
      'sod:notAuthor is no rule (sod:notRequester, sod:notCompleterOf)',
    ],
    [
      'a rule value that is no boolean',
      'change',
      task('Task_Cab', { 'sod:notRequester': 'yes' }),
      'sod:notRequester: "yes" is not true or false',
    ],
    [
      'a requester rule where no case is driven',
      undefined,
      task('Task_Cab', { 'sod:notRequester': 'true' }),
      'sod:notRequester: this process drives no case with a requester',
    ],
    [
      'the task naming itself',
      'change',
      task('Task_Cab', { 'sod:notCompleterOf': 'Task_Cab' }),
      'sod:notCompleterOf: "Task_Cab" is this task itself',
    ],
    [
      'an element that does not exist',
      'change',
      task('Task_Cab', { 'sod:notCompleterOf': 'Task_Nope' }),
      'sod:notCompleterOf: this process has no element "Task_Nope"',
    ],
    [
      'an element that is no user task',
      'change',
      task('Task_Cab', { 'sod:notCompleterOf': 'Task_Auto' }),
      'sod:notCompleterOf: "Task_Auto" is not a user task',
    ],
  ] as const)('reports %s', (_what, kind, element, message) => {
    // given
    const elements = { Task_Auto: task('Task_Auto', {}, 'ServiceTask'), [element.id]: element }
    // when
    const problems = taskDeclarationLint(kind as CaseKind | undefined, elements)
    // then
    expect(problems.map((p) => p.message)).toEqual([message])
    expect(problems[0]).toMatchObject({ id: element.id, category: 'error' })
  })

  it('accepts typed fields, data keys (also readonly ones) and a rule naming another user task', () => {
    const elements = {
      Task_Build: task('Task_Build', {}),
      Task_Approve: task('Task_Approve', {
        'context:serviceId': '',
        'context:status': 'Where it stands',
        'context:buildVersion': '',
        'sod:notCompleterOf': 'Task_Build',
        'sod:notRequester': 'false',
      }),
    }
    expect(taskDeclarationLint('release', elements)).toEqual([])
  })

  it('reads labels and the order of the context, and the rules, from the properties', () => {
    expect(
      contextFieldsOf({ 'record:x': 'y', 'context:risk': '', 'context:cost': ' Cost (EUR) ' }),
    ).toEqual([{ field: 'risk' }, { field: 'cost', label: 'Cost (EUR)' }])
    expect(segregationOf({ 'sod:notCompleterOf': 'Task_A, Task_B' })).toEqual({
      notRequester: false,
      notCompleterOf: ['Task_A', 'Task_B'],
    })
    expect(segregationOf({ 'context:risk': '' })).toBeUndefined()
  })
})

describe('the shipped procedures', () => {
  const elementsOf = async (file: string) => {
    const info = await describeBpmn(readFileSync(join(repoRoot, 'processes', file), 'utf8'))
    return info.processes.map((p) => ({ kind: kindOfProcess[p.id], elements: p.elements }))
  }

  it.each(files)('%s: every context: and sod: declaration lints clean', async (file) => {
    for (const { kind, elements } of await elementsOf(file)) {
      expect(taskDeclarationLint(kind, elements)).toEqual([])
    }
  })

  it('9.2: the CAB decision shows the assessment, and the requester may not decide it', async () => {
    const [change] = await elementsOf('change.bpmn')
    const cab = change!.elements.Task_CabDecision!.properties
    expect(contextFieldsOf(cab).map((f) => f.field)).toEqual(
      expect.arrayContaining([
        'risk',
        'securityRisk',
        'cost',
        'remediationPlan',
        'affectedServices',
      ]),
    )
    expect(segregationOf(cab)).toEqual({ notRequester: true, notCompleterOf: [] })
    const ecab = change!.elements.Task_EmergencyCabDecision!.properties
    expect(segregationOf(ecab)?.notRequester).toBe(true)
  })

  it('9.3: whoever built a release may not approve it', async () => {
    const [release] = await elementsOf('release.bpmn')
    expect(segregationOf(release!.elements.Task_ApproveRelease!.properties)).toEqual({
      notRequester: false,
      notCompleterOf: ['Task_BuildRelease'],
    })
  })

  it('8.1: the customer confirming the resolution sees it, and it is no staff-only field', async () => {
    const [incident] = await elementsOf('incident.bpmn')
    const fields = contextFieldsOf(incident!.elements.Task_ConfirmResolution!.properties)
    expect(fields.map((f) => f.field)).toContain('resolution')
    // what the customer's task declares is all customer-visible (nothing silently dropped)
    for (const { field } of fields) expect(caseForms.incident.staffOnly).not.toContain(field)
  })
})
