/**
 * Camunda's own typed client for the Orchestration Cluster REST API (8.8) reads from our
 * engine: its requests, its response validation and its eventual-consistency polling.
 */
import { createCamundaClient } from '@camunda8/orchestration-cluster-api'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Engine } from '../engine'
import type { RunningEngine } from '../index'
import { bpmn, chain, completedPath } from '../test-support'
import { camundaUserTask } from '../user-task/test-support'
import { searchLanes } from './test-lanes'

const PROCESS = bpmn(
  'client-check',
  `<bpmn:startEvent id="Start" />${camundaUserTask('Task', '<zeebe:assignmentDefinition assignee="bob" />')}<bpmn:endEvent id="End" />${chain('Start', 'Task', 'End')}`,
)
const consistency = { consistency: { waitUpToMs: 5000, pollIntervalMs: 50 } }

describe('@camunda8/orchestration-cluster-api against the engine', () => {
  let running: RunningEngine
  let close: () => Promise<void>
  let client: ReturnType<typeof createCamundaClient>
  let processInstanceKey: string

  beforeAll(async () => {
    ;({ running, close } = await searchLanes()[0]!.start())
    client = createCamundaClient({
      config: { CAMUNDA_REST_ADDRESS: `${running.restUrl!}/v2`, CAMUNDA_AUTH_STRATEGY: 'NONE' },
    })
    const engine = running.engine as Engine
    await engine.deployResources([{ name: 'client-check.bpmn', content: PROCESS }])
    processInstanceKey = (
      await engine.createProcessInstance({ bpmnProcessId: 'client-check', variables: { x: 1 } })
    ).processInstanceKey
    const done = await engine.createProcessInstance({ bpmnProcessId: 'client-check' })
    const task = engine
      .listUserTasks()
      .find((t) => t.processInstanceKey === done.processInstanceKey)!
    await engine.completeUserTask(task.userTaskKey)
    expect(await completedPath(engine, done.processInstanceKey)).toEqual([
      'Start',
      'Task',
      'End',
      'client-check',
    ])
  })
  afterAll(async () => {
    await close()
  })

  test('searches process instances and gets one', async () => {
    const found = await client.searchProcessInstances(
      {
        filter: { processDefinitionId: 'client-check', state: 'ACTIVE' },
        sort: [{ field: 'startDate', order: 'DESC' }],
      },
      { consistency: { ...consistency.consistency, predicate: (r) => r.items.length === 1 } },
    )
    expect(found.items.map((i) => i.processInstanceKey)).toEqual([processInstanceKey])
    expect(found.page.totalItems).toBe(1)
    const one = await client.getProcessInstance(
      { processInstanceKey: found.items[0]!.processInstanceKey },
      consistency,
    )
    expect(one).toMatchObject({
      processDefinitionId: 'client-check',
      state: 'ACTIVE',
      hasIncident: false,
    })
  })

  test('searches user tasks, their variables, element instances and definitions', async () => {
    const tasks = await client.searchUserTasks(
      { filter: { assignee: 'bob' }, sort: [{ field: 'creationDate' }], page: { limit: 10 } },
      { consistency: { ...consistency.consistency, predicate: (r) => r.items.length === 2 } },
    )
    expect(tasks.items.map((t) => t.state).sort()).toEqual(['COMPLETED', 'CREATED'])
    const open = tasks.items.find((t) => t.state === 'CREATED')!
    const task = await client.getUserTask({ userTaskKey: open.userTaskKey }, consistency)
    expect(task.processInstanceKey).toBe(processInstanceKey)
    const vars = await client.searchUserTaskVariables(
      { userTaskKey: open.userTaskKey },
      consistency,
    )
    expect(vars.items.map((v) => [v.name, v.value])).toEqual([['x', '1']])
    const elements = await client.searchElementInstances(
      { filter: { processInstanceKey: open.processInstanceKey! } },
      consistency,
    )
    expect(elements.items!.map((e) => e.elementId).sort()).toEqual(['Start', 'Task'])
    const defs = await client.searchProcessDefinitions(
      { filter: { processDefinitionId: 'client-check' } },
      consistency,
    )
    expect(defs.items).toHaveLength(1)
    const variables = await client.searchVariables({ filter: { name: 'x' } }, consistency)
    expect(variables.items[0]).toMatchObject({ name: 'x', value: '1', isTruncated: false })
  })

  test('a missing process instance rejects with the 404 problem', async () => {
    await expect(
      client.getProcessInstance(
        { processInstanceKey: '2251799813999999' as never },
        { consistency: { waitUpToMs: 0 } },
      ),
    ).rejects.toMatchObject({ status: 404 })
  })
})
