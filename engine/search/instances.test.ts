/**
 * The v2 read side of process instances, element instances, variables and incidents, answered
 * from the secondary storage after instances ran through the engine.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { RunningEngine } from '../index'
import { bpmn, chain, completedPath, serviceTask } from '../test-support'
import type { Engine } from '../engine'
import { get, post, searchLanes } from './test-lanes'

const ORDER = bpmn(
  'order',
  `<bpmn:startEvent id="Start_Order" name="Order received" />
   ${serviceTask('Task_Ship', 'ship')}
   <bpmn:endEvent id="End_Order" name="Order done" />
   ${chain('Start_Order', 'Task_Ship', 'End_Order')}`,
)
  .toString()
  .replace('<bpmn:process id="order"', '<bpmn:process id="order" name="Order process"')

const CALLER = bpmn(
  'caller',
  `<bpmn:startEvent id="Start_Caller" />
   <bpmn:callActivity id="Call_Order"><bpmn:extensionElements><zeebe:calledElement processId="order" propagateAllChildVariables="false" /></bpmn:extensionElements></bpmn:callActivity>
   <bpmn:endEvent id="End_Caller" />
   ${chain('Start_Caller', 'Call_Order', 'End_Caller')}`,
)

describe.each(searchLanes())('v2 instance searches on $kind', (lane) => {
  let running: RunningEngine
  let base: string
  let close: () => Promise<void>
  let engine: Engine
  const keys: Record<string, string> = {}

  beforeAll(async () => {
    ;({ running, base, close } = await lane.start())
    engine = running.engine as Engine
    await engine.deployResources([
      { name: 'order.bpmn', content: Buffer.from(ORDER) },
      { name: 'caller.bpmn', content: CALLER },
    ])
    // given: one completed, one canceled, one failed (incident) and one called instance
    for (const [name, amount] of [
      ['done', 10],
      ['canceled', 20],
      ['failing', 30],
    ] as const) {
      const pi = await engine.createProcessInstance({
        bpmnProcessId: 'order',
        variables: { amount, customer: `c-${name}` },
      })
      keys[name] = pi.processInstanceKey
    }
    const [job] = await engine.activateJobs({
      type: 'ship',
      worker: 'w',
      timeoutMs: 60_000,
      maxJobsToActivate: 1,
    })
    expect(job!.processInstanceKey).toBe(keys.done)
    await engine.completeJob(job!.key, { shipped: true })
    await engine.cancelProcessInstance(keys.canceled!)
    const jobs = await engine.activateJobs({
      type: 'ship',
      worker: 'w',
      timeoutMs: 60_000,
      maxJobsToActivate: 5,
    })
    const failing = jobs.find((j) => j.processInstanceKey === keys.failing)!
    await engine.failJob(failing.key, 0, 'no truck available')
    const caller = await engine.createProcessInstance({ bpmnProcessId: 'caller' })
    keys.caller = caller.processInstanceKey
    await running.search!.projection.sync()
    const child = await post(`${base}/process-instances/search`, {
      filter: { parentProcessInstanceKey: keys.caller },
    })
    keys.child = String(child.body.items![0]!.processInstanceKey)
    expect(await completedPath(engine, keys.done!)).toEqual([
      'Start_Order',
      'Task_Ship',
      'End_Order',
      'order',
    ])
  })
  afterAll(async () => {
    await close()
  })

  test('a process instance has the fields of 8.8 ProcessInstanceResult', async () => {
    // when
    const res = await get(`${base}/process-instances/${keys.done}`)
    // then
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      processDefinitionId: 'order',
      processDefinitionName: 'Order process',
      processDefinitionVersion: 1,
      startDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      endDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      state: 'COMPLETED',
      hasIncident: false,
      tenantId: '<default>',
      processInstanceKey: keys.done,
      processDefinitionKey: expect.stringMatching(/^\d+$/),
    })
  })

  test.each([
    ['a plain value', { state: 'ACTIVE' }, ['failing', 'caller', 'child']],
    ['$eq', { state: { $eq: 'TERMINATED' } }, ['canceled']],
    ['$neq', { state: { $neq: 'ACTIVE' } }, ['done', 'canceled']],
    ['$in', { state: { $in: ['COMPLETED', 'TERMINATED'] } }, ['done', 'canceled']],
    ['$like on a state', { state: { $like: 'TERM*' } }, ['canceled']],
    ['$exists false', { endDate: { $exists: false } }, ['failing', 'caller', 'child']],
    ['$exists true', { endDate: { $exists: true } }, ['done', 'canceled']],
    [
      '$like with ?',
      { processDefinitionId: { $like: 'ord?r' } },
      ['done', 'canceled', 'failing', 'child'],
    ],
    ['$notIn', { processDefinitionId: { $notIn: ['order'] } }, ['caller']],
    ['hasIncident', { hasIncident: true }, ['failing']],
    [
      'an int $gte',
      { processDefinitionVersion: { $gte: 1 }, processDefinitionId: 'caller' },
      ['caller'],
    ],
    ['an int $lt', { processDefinitionVersion: { $lt: 1 } }, []],
    ['a variable', { variables: [{ name: 'customer', value: '"c-canceled"' }] }, ['canceled']],
    [
      'a variable $like',
      { variables: [{ name: 'customer', value: { $like: '"c-d*' } }] },
      ['done'],
    ],
    ['errorMessage of an incident', { errorMessage: 'no truck available' }, ['failing']],
    ['elementId of an element instance', { elementId: 'Call_Order' }, ['caller']],
    ['$or groups', { $or: [{ state: 'COMPLETED' }, { hasIncident: true }] }, ['done', 'failing']],
  ])('filter with %s', async (_name, filter, expected) => {
    // when
    const res = await post(`${base}/process-instances/search`, {
      filter,
      sort: [{ field: 'processInstanceKey', order: 'ASC' }],
    })
    // then
    expect(res.status).toBe(200)
    const want = expected.map((n) => keys[n]).sort()
    expect(res.body.items!.map((i) => i.processInstanceKey).sort()).toEqual(want)
    expect((res.body.page as { totalItems: number }).totalItems).toBe(want.length)
  })

  test('date filters compare instants', async () => {
    const all = await post(`${base}/process-instances/search`, { sort: [{ field: 'startDate' }] })
    const first = String(all.body.items![0]!.startDate)
    const after = await post(`${base}/process-instances/search`, {
      filter: { startDate: { $gt: new Date(Date.parse(first) + 3_600_000).toISOString() } },
    })
    expect(after.body.items).toEqual([])
    const since = await post(`${base}/process-instances/search`, {
      filter: { startDate: { $gte: first, $lte: new Date().toISOString() } },
    })
    expect(since.body.items).toHaveLength(5)
  })

  test('sorts descending and pages by offset and by cursor both ways', async () => {
    const sort = [
      { field: 'processDefinitionId', order: 'DESC' },
      { field: 'processInstanceKey', order: 'ASC' },
    ]
    const all = await post(`${base}/process-instances/search`, { sort })
    const order = all.body.items!.map((i) => i.processInstanceKey)
    expect(all.body.items!.map((i) => i.processDefinitionId)).toEqual([
      'order',
      'order',
      'order',
      'order',
      'caller',
    ])
    // offset
    const second = await post(`${base}/process-instances/search`, {
      sort,
      page: { from: 2, limit: 2 },
    })
    expect(second.body.items!.map((i) => i.processInstanceKey)).toEqual(order.slice(2, 4))
    // forward with endCursor
    const p1 = await post(`${base}/process-instances/search`, { sort, page: { limit: 2 } })
    const page1 = p1.body.page as { totalItems: number; startCursor: string; endCursor: string }
    expect(page1.totalItems).toBe(5)
    const p2 = await post(`${base}/process-instances/search`, {
      sort,
      page: { limit: 2, after: page1.endCursor },
    })
    expect(p2.body.items!.map((i) => i.processInstanceKey)).toEqual(order.slice(2, 4))
    const p3 = await post(`${base}/process-instances/search`, {
      sort,
      page: { limit: 2, after: (p2.body.page as { endCursor: string }).endCursor },
    })
    expect(p3.body.items!.map((i) => i.processInstanceKey)).toEqual(order.slice(4))
    // backward with startCursor
    const back = await post(`${base}/process-instances/search`, {
      sort,
      page: { limit: 2, before: (p3.body.page as { startCursor: string }).startCursor },
    })
    expect(back.body.items!.map((i) => i.processInstanceKey)).toEqual(order.slice(2, 4))
  })

  test.each([
    ['an unknown filter field', { filter: { nope: 1 } }, 'filter.nope'],
    [
      'an operator the type does not have',
      { filter: { state: { $gt: 'ACTIVE' } } },
      'filter.state',
    ],
    ['a state 8.8 does not know', { filter: { state: 'RUNNING' } }, 'filter.state'],
    ['an unknown sort field', { sort: [{ field: 'nope' }] }, 'sort.0.field'],
    [
      'a key that is no number',
      { filter: { processInstanceKey: 'abc' } },
      'filter.processInstanceKey',
    ],
    ['a bad cursor', { page: { after: 'xyz' } }, 'cursor'],
    ['after and before together', { page: { after: 'a', before: 'b' } }, 'after and before'],
  ])('%s is a 400 INVALID_ARGUMENT problem', async (_name, body, mentions) => {
    const res = await post(`${base}/process-instances/search`, body)
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ type: 'about:blank', title: 'INVALID_ARGUMENT', status: 400 })
    expect(String(res.body.detail)).toContain(mentions)
  })

  test('an unknown key is a 404 problem, a key that is no number a 400', async () => {
    const missing = await get(`${base}/process-instances/2251799813999999`)
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({
      title: 'NOT_FOUND',
      status: 404,
      detail: "Process Instance with key '2251799813999999' not found",
      instance: '/v2/process-instances/2251799813999999',
    })
    expect((await get(`${base}/process-instances/abc`)).status).toBe(400)
  })

  test('call hierarchy lists the callers, root first', async () => {
    const res = await get(`${base}/process-instances/${keys.child}/call-hierarchy`)
    expect(res.status).toBe(200)
    expect(
      (res.body as { processInstanceKey: string; processDefinitionName: string }[]).map((e) => [
        e.processInstanceKey,
        e.processDefinitionName,
      ]),
    ).toEqual([
      [keys.caller, 'caller'],
      [keys.child, 'Order process'],
    ])
  })

  test('sequence flows and element statistics of an instance', async () => {
    const flows = await get(`${base}/process-instances/${keys.done}/sequence-flows`)
    expect(
      (flows.body as { items: { sequenceFlowId: string }[] }).items.map((f) => f.sequenceFlowId),
    ).toEqual(['f_Start_Order_Task_Ship', 'f_Task_Ship_End_Order'])
    const stats = await get(
      `${base}/process-instances/${keys.failing}/statistics/element-instances`,
    )
    expect(stats.body).toEqual({
      items: [
        { elementId: 'Start_Order', active: 0, canceled: 0, incidents: 0, completed: 1 },
        { elementId: 'Task_Ship', active: 0, canceled: 0, incidents: 1, completed: 0 },
      ],
    })
  })

  test('element instances: search by instance and type, get one', async () => {
    const res = await post(`${base}/element-instances/search`, {
      filter: { processInstanceKey: keys.canceled },
      sort: [{ field: 'elementInstanceKey' }],
    })
    expect(res.body.items!.map((e) => [e.elementId, e.elementName, e.type, e.state])).toEqual([
      ['Start_Order', 'Order received', 'START_EVENT', 'COMPLETED'],
      ['Task_Ship', 'Task_Ship', 'SERVICE_TASK', 'TERMINATED'],
    ])
    const failing = await post(`${base}/element-instances/search`, {
      filter: { processInstanceKey: keys.failing, hasIncident: true },
    })
    const task = failing.body.items![0]!
    expect(task).toMatchObject({ elementId: 'Task_Ship', state: 'ACTIVE', hasIncident: true })
    const one = await get(`${base}/element-instances/${String(task.elementInstanceKey)}`)
    expect(one.body).toEqual(task)
    expect((await get(`${base}/element-instances/1`)).status).toBe(404)
  })

  test('variables: search with operators, truncation, get one', async () => {
    const res = await post(`${base}/variables/search`, {
      filter: { name: { $in: ['amount', 'shipped'] }, processInstanceKey: keys.done },
      sort: [{ field: 'name', order: 'ASC' }],
    })
    expect(res.body.items!.map((v) => [v.name, v.value, v.isTruncated])).toEqual([
      ['amount', '10', false],
      ['shipped', 'true', false],
    ])
    const one = await get(`${base}/variables/${String(res.body.items![0]!.variableKey)}`)
    expect(one.body).toEqual({
      name: 'amount',
      value: '10',
      tenantId: '<default>',
      variableKey: res.body.items![0]!.variableKey,
      scopeKey: keys.done,
      processInstanceKey: keys.done,
    })
  })

  test('incidents: search, get, and per instance', async () => {
    const res = await post(`${base}/incidents/search`, { filter: { errorType: 'JOB_NO_RETRIES' } })
    expect(res.body.items).toEqual([
      expect.objectContaining({
        processDefinitionId: 'order',
        errorType: 'JOB_NO_RETRIES',
        errorMessage: 'no truck available',
        elementId: 'Task_Ship',
        state: 'ACTIVE',
        processInstanceKey: keys.failing,
        jobKey: expect.stringMatching(/^\d+$/),
      }),
    ])
    const key = String(res.body.items![0]!.incidentKey)
    expect((await get(`${base}/incidents/${key}`)).body).toEqual(res.body.items![0])
    const perInstance = await post(`${base}/process-instances/${keys.failing}/incidents/search`, {})
    expect(perInstance.body.items!.map((i) => i.incidentKey)).toEqual([key])
    expect((await get(`${base}/incidents/42`)).status).toBe(404)
  })
})
