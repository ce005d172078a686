/**
 * The v2 read side of definitions, user tasks and jobs, and the secondary storage catching up
 * from the log after a restart.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Engine } from '../engine'
import { PGlitePool, startEngine, type RunningEngine } from '../index'
import { bpmn, chain, completedPath } from '../test-support'
import { camundaUserTask } from '../user-task/test-support'
import { get, post, searchLanes } from './test-lanes'

const FORM = JSON.stringify({
  id: 'triage-form',
  type: 'default',
  components: [{ type: 'textfield', key: 'note' }],
})
const TRIAGE = bpmn(
  'triage',
  `<bpmn:startEvent id="Start_Triage"><bpmn:extensionElements><zeebe:formDefinition formId="triage-form" /></bpmn:extensionElements></bpmn:startEvent>
   ${camundaUserTask('Task_Triage', '<zeebe:formDefinition formId="triage-form" /><zeebe:assignmentDefinition candidateGroups="service-desk, l2" /><zeebe:priorityDefinition priority="80" />').replace('id="Task_Triage"', 'id="Task_Triage" name="Triage the incident"')}
   <bpmn:endEvent id="End_Triage" />
   ${chain('Start_Triage', 'Task_Triage', 'End_Triage')}`,
)
const DMN = readFileSync(join(import.meta.dirname, '../dmn/fixtures/discount.dmn'))

describe.each(searchLanes())('v2 definition and task searches on $kind', (lane) => {
  let running: RunningEngine
  let base: string
  let close: () => Promise<void>
  let engine: Engine
  const tasks: string[] = []
  const instances: string[] = []

  beforeAll(async () => {
    ;({ running, base, close } = await lane.start())
    engine = running.engine as Engine
    await engine.deployResources([
      { name: 'triage-form.form', content: Buffer.from(FORM) },
      { name: 'triage.bpmn', content: TRIAGE },
      { name: 'discount.dmn', content: DMN },
    ])
    for (const note of ['first', 'second', 'third']) {
      const pi = await engine.createProcessInstance({
        bpmnProcessId: 'triage',
        variables: { note },
      })
      instances.push(pi.processInstanceKey)
    }
    for (const t of engine.listUserTasks()) tasks.push(t.userTaskKey)
    await engine.assignUserTask(tasks[0]!, { assignee: 'alice' })
    await engine.completeUserTask(tasks[1]!, { variables: { decision: 'ok' } })
    await running.search!.projection.sync()
    expect(await completedPath(engine, instances[1]!)).toEqual([
      'Start_Triage',
      'Task_Triage',
      'End_Triage',
      'triage',
    ])
  })
  afterAll(async () => {
    await close()
  })

  test('process definitions: search, get, XML and start form', async () => {
    const res = await post(`${base}/process-definitions/search`, {
      filter: { isLatestVersion: true, name: { $like: '*' } },
    })
    expect(res.body.items).toEqual([])
    const all = await post(`${base}/process-definitions/search`, {
      filter: { processDefinitionId: 'triage' },
    })
    expect(all.body.items).toEqual([
      {
        resourceName: 'triage.bpmn',
        version: 1,
        processDefinitionId: 'triage',
        tenantId: '<default>',
        processDefinitionKey: expect.stringMatching(/^\d+$/),
        hasStartForm: true,
      },
    ])
    const key = String(all.body.items![0]!.processDefinitionKey)
    expect((await get(`${base}/process-definitions/${key}`)).body).toEqual(all.body.items![0])
    const xml = await get(`${base}/process-definitions/${key}/xml`)
    expect(xml.type).toContain('text/xml')
    expect(xml.text).toBe(TRIAGE.toString())
    const form = await get(`${base}/process-definitions/${key}/form`)
    expect(form.body).toMatchObject({ formId: 'triage-form', version: 1, schema: JSON.parse(FORM) })
    expect((await get(`${base}/process-definitions/123/xml`)).status).toBe(404)
  })

  test('process definition statistics count element instances by state', async () => {
    const all = await post(`${base}/process-definitions/search`, {})
    const key = String(
      all.body.items!.find((d) => d.processDefinitionId === 'triage')!.processDefinitionKey,
    )
    const stats = await post(`${base}/process-definitions/${key}/statistics/element-instances`, {
      filter: { state: 'ACTIVE' },
    })
    expect(stats.body).toEqual({
      items: [
        { elementId: 'Start_Triage', active: 0, canceled: 0, incidents: 0, completed: 2 },
        { elementId: 'Task_Triage', active: 2, canceled: 0, incidents: 0, completed: 0 },
      ],
    })
  })

  test('decision definitions and requirements: search, get, XML', async () => {
    const dd = await post(`${base}/decision-definitions/search`, {})
    expect(dd.body.items).toHaveLength(1)
    const d = dd.body.items![0]!
    expect(d).toMatchObject({ version: 1, tenantId: '<default>' })
    expect(
      (await get(`${base}/decision-definitions/${String(d.decisionDefinitionKey)}`)).body,
    ).toEqual(d)
    const xml = await get(`${base}/decision-definitions/${String(d.decisionDefinitionKey)}/xml`)
    expect(xml.text).toBe(DMN.toString())
    const drg = await post(`${base}/decision-requirements/search`, {
      filter: { decisionRequirementsKey: d.decisionRequirementsKey },
    })
    expect(drg.body.items![0]).toMatchObject({ resourceName: 'discount.dmn', version: 1 })
    expect(
      (await get(`${base}/decision-requirements/${String(d.decisionRequirementsKey)}/xml`)).text,
    ).toBe(DMN.toString())
  })

  test('user tasks: the fields of 8.8 UserTaskResult', async () => {
    const one = await get(`${base}/user-tasks/${tasks[0]}`)
    expect(one.body).toEqual({
      name: 'Triage the incident',
      state: 'CREATED',
      assignee: 'alice',
      elementId: 'Task_Triage',
      candidateGroups: ['service-desk', 'l2'],
      candidateUsers: [],
      processDefinitionId: 'triage',
      creationDate: expect.stringMatching(/Z$/),
      tenantId: '<default>',
      processDefinitionVersion: 1,
      customHeaders: {},
      priority: 80,
      userTaskKey: tasks[0],
      elementInstanceKey: expect.stringMatching(/^\d+$/),
      processName: 'triage',
      processDefinitionKey: expect.stringMatching(/^\d+$/),
      processInstanceKey: instances[0],
      formKey: expect.stringMatching(/^\d+$/),
    })
    expect((await get(`${base}/user-tasks/1`)).status).toBe(404)
  })

  test.each([
    ['state', { state: 'COMPLETED' }, [1]],
    ['state $neq', { state: { $neq: 'COMPLETED' } }, [0, 2]],
    ['assignee $exists', { assignee: { $exists: true } }, [0]],
    ['assignee $like', { assignee: { $like: 'al*' } }, [0]],
    ['candidateGroup', { candidateGroup: 'l2' }, [0, 1, 2]],
    ['candidateGroup $in', { candidateGroup: { $in: ['nobody'] } }, []],
    ['priority $gt', { priority: { $gt: 79 } }, [0, 1, 2]],
    ['priority $lte', { priority: { $lte: 50 } }, []],
    ['completionDate $exists', { completionDate: { $exists: true } }, [1]],
    [
      'processInstanceVariables',
      { processInstanceVariables: [{ name: 'note', value: '"third"' }] },
      [2],
    ],
    ['elementId', { elementId: 'Task_Triage', processInstanceKey: '1' }, []],
  ])('user task filter %s', async (_n, filter, expected) => {
    const res = await post(`${base}/user-tasks/search`, { filter })
    expect(res.status).toBe(200)
    expect(res.body.items!.map((t) => t.userTaskKey).sort()).toEqual(
      expected.map((i) => tasks[i]).sort(),
    )
  })

  test('user tasks sort and page both ways; a sort field 8.8 does not have is a 400', async () => {
    const sort = [{ field: 'creationDate', order: 'DESC' }]
    const all = await post(`${base}/user-tasks/search`, { sort })
    const keys = all.body.items!.map((t) => t.userTaskKey)
    expect(keys).toEqual([...tasks].sort().reverse())
    const p1 = await post(`${base}/user-tasks/search`, { sort, page: { limit: 1 } })
    const p2 = await post(`${base}/user-tasks/search`, {
      sort,
      page: { limit: 2, after: (p1.body.page as { endCursor: string }).endCursor },
    })
    expect(p2.body.items!.map((t) => t.userTaskKey)).toEqual(keys.slice(1))
    const back = await post(`${base}/user-tasks/search`, {
      sort,
      page: { limit: 5, before: (p2.body.page as { startCursor: string }).startCursor },
    })
    expect(back.body.items!.map((t) => t.userTaskKey)).toEqual(keys.slice(0, 1))
    expect(
      (await post(`${base}/user-tasks/search`, { sort: [{ field: 'assignee' }] })).status,
    ).toBe(400)
  })

  test('user task form and variables', async () => {
    const form = await get(`${base}/user-tasks/${tasks[0]}/form`)
    expect(form.body).toMatchObject({ formId: 'triage-form', schema: JSON.parse(FORM) })
    const vars = await post(`${base}/user-tasks/${tasks[1]}/variables/search`, {
      filter: { name: { $in: ['note', 'decision'] } },
      sort: [{ field: 'name' }],
    })
    expect(vars.body.items!.map((v) => [v.name, v.value])).toEqual([
      ['decision', '"ok"'],
      ['note', '"second"'],
    ])
    expect(
      (await post(`${base}/user-tasks/${tasks[1]}/variables/search`, { filter: { value: '1' } }))
        .status,
    ).toBe(400)
  })

  test('jobs search', async () => {
    const none = await post(`${base}/jobs/search`, { filter: { type: { $like: 'no-*' } } })
    expect(none.body).toEqual({ items: [], page: { totalItems: 0 } })
    expect((await post(`${base}/jobs/search`, { filter: { state: 'ACTIVATED' } })).status).toBe(400)
  })
})

describe('secondary storage after a restart', () => {
  test('catches up from its stored position: records written while it was away appear once', async () => {
    // given an engine whose projection stopped at some position
    const pool = new PGlitePool(await PGlite.create())
    const process = bpmn(
      'p',
      `<bpmn:startEvent id="S" /><bpmn:endEvent id="E" />${chain('S', 'E')}`,
    )
    let running = await startEngine({ sql: pool.sqlClient(), port: 0, restPort: 0 })
    await running.engine.deployResources([{ name: 'p.bpmn', content: process }])
    await running.engine.createProcessInstance({ bpmnProcessId: 'p' })
    await running.search!.projection.sync()
    const before = running.search!.projection.position
    await running.stop()
    // records written without the projection (engine alone, as after a crash of the reader)
    const { createEngine } = await import('../engine')
    const bare = await createEngine({ sql: pool.sqlClient() })
    await bare.createProcessInstance({ bpmnProcessId: 'p' })
    await bare.createProcessInstance({ bpmnProcessId: 'p' })
    await bare.close()
    // when it starts again
    running = await startEngine({ sql: pool.sqlClient(), port: 0, restPort: 0 })
    try {
      // then start-up caught up before serving: every instance is there once, completed
      expect(running.search!.projection.position).toBeGreaterThan(before)
      const res = await post(`${running.restUrl}/v2/process-instances/search`, {})
      expect(res.body.items!.map((i) => i.state)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED'])
      const flows = await post(`${running.restUrl}/v2/element-instances/search`, {
        filter: { elementId: 'S' },
      })
      expect((flows.body.page as { totalItems: number }).totalItems).toBe(3)
    } finally {
      await running.stop()
      await pool.end()
    }
  })
})
