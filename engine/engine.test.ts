import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../test/support/databases'
import { EngineError } from './api'
import { TestClock } from './clock'
import { createEngine, type Engine } from './engine'
import { bpmn, chain, completedPath, completeOne, flow, serviceTask, trail } from './test-support'
import { fieldsOf } from './state/records'

const simple = bpmn(
  'simple',
  `<bpmn:startEvent id="start" />
   ${serviceTask('task', 'work')}
   <bpmn:endEvent id="end" />
   ${chain('start', 'task', 'end')}`,
)

describe.each(testDatabaseTargets())('engine core on $kind', (target) => {
  let db: TestDatabase
  let engine: Engine | undefined
  const clock = new TestClock()

  beforeAll(async () => {
    db = await target.open()
  })
  afterAll(async () => {
    await db.drop()
  })

  /** A fresh engine on an empty log (each test starts from nothing). */
  async function open(): Promise<Engine> {
    await db.database.sql.query('drop table if exists engine_records, engine_snapshots')
    engine = await createEngine({ sql: db.database.sql, clock })
    return engine
  }

  afterEach(async () => {
    await engine?.close()
    engine = undefined
  })

  it('runs start → service task → end and writes Zeebe-shaped records', async () => {
    const e = await open()
    const d = await e.deployResources([{ name: 'simple.bpmn', content: simple }])
    expect(d.processes).toEqual([
      expect.objectContaining({ bpmnProcessId: 'simple', version: 1, resourceName: 'simple.bpmn' }),
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'simple', variables: { a: 1 } })
    expect(BigInt(pi.processInstanceKey)).toBeGreaterThanOrEqual(2251799813685249n)
    const jobs = await e.activateJobs({
      type: 'work',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 5,
    })
    expect(jobs).toHaveLength(1)
    expect(jobs[0]!.variables).toEqual({ a: 1 })
    expect(jobs[0]!.processInstanceKey).toBe(pi.processInstanceKey)
    await e.completeJob(jobs[0]!.key, { b: 2 })
    expect(await trail(e, pi.processInstanceKey)).toEqual([
      'simple:ELEMENT_ACTIVATING',
      'simple:ELEMENT_ACTIVATED',
      'start:ELEMENT_ACTIVATING',
      'start:ELEMENT_ACTIVATED',
      'start:ELEMENT_COMPLETING',
      'start:ELEMENT_COMPLETED',
      'f_start_task:SEQUENCE_FLOW_TAKEN',
      'task:ELEMENT_ACTIVATING',
      'task:ELEMENT_ACTIVATED',
      'task:ELEMENT_COMPLETING',
      'task:ELEMENT_COMPLETED',
      'f_task_end:SEQUENCE_FLOW_TAKEN',
      'end:ELEMENT_ACTIVATING',
      'end:ELEMENT_ACTIVATED',
      'end:ELEMENT_COMPLETING',
      'end:ELEMENT_COMPLETED',
      'simple:ELEMENT_COMPLETING',
      'simple:ELEMENT_COMPLETED',
    ])
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'task',
      'end',
      'simple',
    ])
    const records = await e.readRecords({ processInstanceKey: pi.processInstanceKey })
    const activating = records.find(
      (r) => r.intent === 'ELEMENT_ACTIVATING' && fieldsOf(r).elementId === 'task',
    )
    expect(activating?.value).toMatchObject({
      bpmnProcessId: 'simple',
      version: 1,
      processDefinitionKey: Number(pi.processDefinitionKey),
      processInstanceKey: Number(pi.processInstanceKey),
      bpmnElementType: 'SERVICE_TASK',
      flowScopeKey: Number(pi.processInstanceKey),
      parentProcessInstanceKey: -1,
      tenantId: '<default>',
    })
    const positions = records.map((r) => r.position)
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
    const vars = records
      .filter((r) => r.valueType === 'VARIABLE')
      .map((r) => [r.intent, r.value.name, r.value.value])
    expect(vars).toEqual([
      ['CREATED', 'a', '1'],
      ['CREATED', 'b', '2'],
    ])
    // every record of the log went through a counted group commit
    const all = await e.readRecords({ afterPosition: 0, limit: 10_000 })
    expect(e.commitStats.records).toBe(all.length)
    expect(e.commitStats.commits).toBeGreaterThanOrEqual(4)
    expect(e.commitStats.commits).toBeLessThanOrEqual(all.length)
  })

  it('versions deployments: identical resource keeps the version, a change makes a new one', async () => {
    const e = await open()
    const first = await e.deployResources([{ name: 'simple.bpmn', content: simple }])
    const again = await e.deployResources([{ name: 'simple.bpmn', content: simple }])
    expect(again.processes[0]!.processDefinitionKey).toBe(first.processes[0]!.processDefinitionKey)
    expect(again.processes[0]!.version).toBe(1)
    const changed = bpmn(
      'simple',
      `<bpmn:startEvent id="start" /><bpmn:endEvent id="end" />${chain('start', 'end')}`,
    )
    const second = await e.deployResources([{ name: 'simple.bpmn', content: changed }])
    expect(second.processes[0]!.version).toBe(2)
    const v1 = await e.createProcessInstance({ bpmnProcessId: 'simple', version: 1 })
    expect(v1.version).toBe(1)
    const latest = await e.createProcessInstance({ bpmnProcessId: 'simple' })
    expect(latest.version).toBe(2)
  })

  it('rejects invalid deployments naming resource, element and reason', async () => {
    const e = await open()
    await expect(
      e.deployResources([{ name: 'bad.bpmn', content: Buffer.from('<nope') }]),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    const missing = bpmn(
      'm',
      `<bpmn:startEvent id="start" /><bpmn:serviceTask id="Task_NoType" />${chain('start', 'Task_NoType')}`,
    )
    const err = await e
      .deployResources([{ name: 'missing.bpmn', content: missing }])
      .catch((x: unknown) => x)
    expect(err).toBeInstanceOf(EngineError)
    expect((err as EngineError).message).toContain("'missing.bpmn'")
    expect((err as EngineError).message).toContain('Task_NoType')
    expect((err as EngineError).message).toContain('zeebe:taskDefinition')
    const badFeel = bpmn(
      'f',
      `<bpmn:startEvent id="start" />${serviceTask('Task_Feel', '= a +* b')}${chain('start', 'Task_Feel')}`,
    )
    await expect(e.deployResources([{ name: 'feel.bpmn', content: badFeel }])).rejects.toThrow(
      /Task_Feel/,
    )
    await expect(
      e.deployResources([
        { name: 'a.bpmn', content: simple },
        { name: 'b.bpmn', content: simple },
      ]),
    ).rejects.toThrow("duplicated process id 'simple' in the resources 'a.bpmn' and 'b.bpmn'")
    const dmn = bpmn(
      'dmn',
      `<bpmn:startEvent id="start" /><bpmn:businessRuleTask id="Rule_Decide"><bpmn:extensionElements><zeebe:calledDecision decisionId="d" /></bpmn:extensionElements></bpmn:businessRuleTask>${chain('start', 'Rule_Decide')}`,
    )
    await expect(e.deployResources([{ name: 'dmn.bpmn', content: dmn }])).rejects.toThrow(
      /Rule_Decide > extensionElements > calledDecision[\s\S]*'resultVariable'/,
    )
    await expect(e.createProcessInstance({ bpmnProcessId: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('routes exclusive gateways by condition and default flow; a null condition is an EXTRACT_VALUE_ERROR incident', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'xor.bpmn',
        content: bpmn(
          'xor',
          `<bpmn:startEvent id="start" />
           <bpmn:exclusiveGateway id="gw" default="toC" />
           ${serviceTask('a', 'a')}${serviceTask('c', 'c')}
           <bpmn:endEvent id="end" />
           ${flow('s', 'start', 'gw')}
           ${flow('toA', 'gw', 'a', '= x > 5')}
           ${flow('toC', 'gw', 'c')}
           ${flow('ae', 'a', 'end')}${flow('ce', 'c', 'end')}`,
        ),
      },
    ])
    const big = await e.createProcessInstance({ bpmnProcessId: 'xor', variables: { x: 10 } })
    const small = await e.createProcessInstance({ bpmnProcessId: 'xor', variables: { x: 1 } })
    const jobsA = await e.activateJobs({
      type: 'a',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 5,
    })
    const jobsC = await e.activateJobs({
      type: 'c',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 5,
    })
    expect(jobsA.map((j) => j.processInstanceKey)).toEqual([big.processInstanceKey])
    expect(jobsC.map((j) => j.processInstanceKey)).toEqual([small.processInstanceKey])
    // x missing: condition is null → incident; setting x and resolving continues.
    const broken = await e.createProcessInstance({ bpmnProcessId: 'xor' })
    const incidents = await e.readRecords({
      processInstanceKey: broken.processInstanceKey,
      valueTypes: ['INCIDENT'],
    })
    expect(incidents).toHaveLength(1)
    expect(incidents[0]!.value).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'gw' })
    expect(String(fieldsOf(incidents[0]!).errorMessage)).toContain(
      "to be 'BOOLEAN', but was 'NULL'",
    )
    await e.setVariables(broken.processInstanceKey, { x: 7 }, false)
    await e.resolveIncident(incidents[0]!.key)
    const after = await e.activateJobs({
      type: 'a',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 5,
    })
    expect(after.map((j) => j.processInstanceKey)).toEqual([broken.processInstanceKey])
    for (const job of [...jobsA, ...jobsC, ...after]) await e.completeJob(job.key)
    const viaA = ['start', 's', 'gw', 'toA', 'a', 'ae', 'end', 'xor']
    expect(await completedPath(e, big.processInstanceKey, { flows: true })).toEqual(viaA)
    expect(await completedPath(e, small.processInstanceKey, { flows: true })).toEqual([
      'start',
      's',
      'gw',
      'toC',
      'c',
      'ce',
      'end',
      'xor',
    ])
    expect(await completedPath(e, broken.processInstanceKey, { flows: true })).toEqual(viaA)
  })

  it('forks and joins parallel gateways', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'and.bpmn',
        content: bpmn(
          'and',
          `<bpmn:startEvent id="start" />
           <bpmn:parallelGateway id="fork" /><bpmn:parallelGateway id="join" />
           ${serviceTask('a', 'pa')}${serviceTask('b', 'pb')}
           <bpmn:endEvent id="end" />
           ${flow('s', 'start', 'fork')}${flow('fa', 'fork', 'a')}${flow('fb', 'fork', 'b')}
           ${flow('aj', 'a', 'join')}${flow('bj', 'b', 'join')}${flow('je', 'join', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'and' })
    await completeOne(e, 'pa', { fromA: true })
    let t = await trail(e, pi.processInstanceKey)
    expect(t).not.toContain('join:ELEMENT_ACTIVATING')
    await completeOne(e, 'pb', { fromB: true })
    t = await trail(e, pi.processInstanceKey)
    expect(t.filter((x) => x === 'join:ELEMENT_ACTIVATING')).toHaveLength(1)
    expect(t[t.length - 1]).toBe('and:ELEMENT_COMPLETED')
    expect(await completedPath(e, pi.processInstanceKey, { flows: true })).toEqual([
      'start',
      's',
      'fork',
      'fa',
      'fb',
      'a',
      'aj',
      'b',
      'bj',
      'join',
      'je',
      'end',
      'and',
    ])
  })

  it('handles job failure, back-off, retries exhausted, incident resolution and timeouts', async () => {
    const e = await open()
    await e.deployResources([{ name: 'simple.bpmn', content: simple }])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'simple' })
    const [job] = await e.activateJobs({
      type: 'work',
      worker: 'w',
      timeoutMs: 5000,
      maxJobsToActivate: 1,
    })
    expect(job!.retries).toBe(3)
    // Timeout: activatable again after the deadline.
    expect(
      await e.activateJobs({ type: 'work', worker: 'w', timeoutMs: 5000, maxJobsToActivate: 1 }),
    ).toEqual([])
    clock.advance(5001)
    await e.tick()
    const [again] = await e.activateJobs({
      type: 'work',
      worker: 'w2',
      timeoutMs: 5000,
      maxJobsToActivate: 1,
    })
    expect(again!.key).toBe(job!.key)
    // Fail with back-off: not activatable before the back-off ends.
    await e.failJob(job!.key, 2, 'boom', 10_000)
    expect(
      await e.activateJobs({ type: 'work', worker: 'w', timeoutMs: 5000, maxJobsToActivate: 1 }),
    ).toEqual([])
    clock.advance(10_001)
    await e.tick()
    const [third] = await e.activateJobs({
      type: 'work',
      worker: 'w',
      timeoutMs: 5000,
      maxJobsToActivate: 1,
    })
    expect(third!.retries).toBe(2)
    // Retries 0: incident, not activatable; resolve needs retries first.
    await e.failJob(job!.key, 0, 'no luck')
    const [incident] = await e.readRecords({
      processInstanceKey: pi.processInstanceKey,
      valueTypes: ['INCIDENT'],
    })
    expect(incident!.value).toMatchObject({
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'no luck',
      jobKey: Number(job!.key),
    })
    await expect(e.resolveIncident(incident!.key)).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: `Expected to resolve incident with key '${incident!.key}', but job with key '${job!.key}' has no retries left. Please update the job retries and retry resolving the incident`,
    })
    // the rejected command changed nothing: the incident is still open
    expect(e.state.incidents[Number(incident!.key)]).toBeDefined()
    await expect(e.completeJob(job!.key)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' })
    await e.updateJobRetries(job!.key, 1)
    expect(
      await e.activateJobs({ type: 'work', worker: 'w', timeoutMs: 5000, maxJobsToActivate: 1 }),
    ).toEqual([])
    await e.resolveIncident(incident!.key)
    const [fourth] = await e.activateJobs({
      type: 'work',
      worker: 'w',
      timeoutMs: 5000,
      maxJobsToActivate: 1,
    })
    expect(fourth!.retries).toBe(1)
    await e.completeJob(fourth!.key)
    await expect(e.completeJob(fourth!.key)).rejects.toThrow(
      `Expected to complete job with key '${fourth!.key}', but no such job was found`,
    )
    expect((await trail(e, pi.processInstanceKey)).at(-1)).toBe('simple:ELEMENT_COMPLETED')
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'task',
      'end',
      'simple',
    ])
  })

  it('propagates job variables to the nearest scope that has them, else the root', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'scopes.bpmn',
        content: bpmn(
          'scopes',
          `<bpmn:startEvent id="start" />
           ${serviceTask('task', 'scoped', '<zeebe:ioMapping><zeebe:input source="= 1" target="local" /></zeebe:ioMapping>')}
           <bpmn:endEvent id="end" />${chain('start', 'task', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({
      bpmnProcessId: 'scopes',
      variables: { shared: 'old' },
    })
    const [job] = await e.activateJobs({
      type: 'scoped',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 1,
    })
    expect(job!.variables).toEqual({ shared: 'old', local: 1 })
    await e.completeJob(job!.key, { shared: 'new', local: 2, fresh: true })
    const vars = await e.readRecords({
      processInstanceKey: pi.processInstanceKey,
      valueTypes: ['VARIABLE'],
    })
    const byName = (n: string) =>
      vars
        .filter((r) => fieldsOf(r).name === n)
        .map((r) => [r.intent, fieldsOf(r).scopeKey, fieldsOf(r).value])
    const root = Number(pi.processInstanceKey)
    expect(byName('shared')).toEqual([
      ['CREATED', root, '"old"'],
      ['UPDATED', root, '"new"'],
    ])
    expect(byName('local')).toEqual([
      ['CREATED', Number(job!.elementInstanceKey), '1'],
      ['UPDATED', Number(job!.elementInstanceKey), '2'],
    ])
    expect(byName('fresh')).toEqual([['CREATED', root, 'true']])
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'task',
      'end',
      'scopes',
    ])
  })

  it('keeps every acknowledged command across a crash (no close, no snapshot)', async () => {
    const e = await open()
    await e.deployResources([{ name: 'simple.bpmn', content: simple }])
    const done = await e.createProcessInstance({ bpmnProcessId: 'simple', variables: { n: 1 } })
    await completeOne(e, 'work')
    const waiting = await Promise.all(
      [2, 3, 4].map((n) => e.createProcessInstance({ bpmnProcessId: 'simple', variables: { n } })),
    )
    const [activated] = await e.activateJobs({
      type: 'work',
      worker: 'w',
      timeoutMs: 30_000,
      maxJobsToActivate: 1,
    })
    // Crash: drop the engine without close (no snapshot is written).
    engine = await createEngine({ sql: db.database.sql, clock })
    const r = engine
    expect(Object.keys(r.state.elementInstances).map(Number)).toEqual(
      expect.arrayContaining(waiting.map((w) => Number(w.processInstanceKey))),
    )
    expect(r.state.elementInstances[Number(done.processInstanceKey)]).toBeUndefined()
    // The activated job is still locked; the other two are activatable.
    const jobs = await r.activateJobs({
      type: 'work',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 10,
    })
    expect(jobs).toHaveLength(2)
    expect(jobs.map((j) => j.key)).not.toContain(activated!.key)
    await r.completeJob(activated!.key)
    for (const j of jobs) await r.completeJob(j.key)
    expect(Object.keys(r.state.elementInstances)).toEqual([])
    for (const p of [done, ...waiting]) {
      expect(await completedPath(r, p.processInstanceKey)).toEqual([
        'start',
        'task',
        'end',
        'simple',
      ])
    }
    // Keys keep increasing after recovery.
    const next = await r.createProcessInstance({ bpmnProcessId: 'simple' })
    expect(BigInt(next.processInstanceKey)).toBeGreaterThan(BigInt(waiting[2]!.processInstanceKey))
  })

  it('records an activation as a JOB_BATCH ACTIVATED, and reads a JOB ACTIVATED of an older log as one', async () => {
    const e = await open()
    await e.deployResources([{ name: 'simple.bpmn', content: simple }])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'simple' })
    const [activated] = await e.activateJobs({
      type: 'work',
      worker: 'w',
      timeoutMs: 30_000,
      maxJobsToActivate: 5,
    })
    // Zeebe's stream: one JOB_BATCH ACTIVATED, no JOB record of the activation
    const [batch, ...more] = await e.readRecords({ valueTypes: ['JOB_BATCH'] })
    expect(more).toEqual([])
    expect(batch).toMatchObject({
      intent: 'ACTIVATED',
      value: {
        type: 'work',
        worker: 'w',
        timeout: 30_000,
        maxJobsToActivate: 5,
        jobKeys: [Number(activated!.key)],
        jobs: [{ worker: 'w', deadline: activated!.deadline, elementId: 'task' }],
        truncated: false,
        tenantIds: ['<default>'],
      },
    })
    expect(batch!.processInstanceKey).toBeUndefined()
    const jobIntents = async (r: Engine) =>
      (await r.readRecords({ processInstanceKey: pi.processInstanceKey, valueTypes: ['JOB'] })).map(
        (x) => x.intent,
      )
    expect(await jobIntents(e)).toEqual(['CREATED'])

    // a log written before: the activation as a JOB ACTIVATED of the job
    await db.database.sql.query(
      `update engine_records set value_type = 'JOB', intent = 'ACTIVATED', key = $1,
         process_instance_key = $2, value = value -> 'jobs' -> 0
       where value_type = 'JOB_BATCH'`,
      [activated!.key, pi.processInstanceKey],
    )
    engine = await createEngine({ sql: db.database.sql, clock })
    const r = engine
    const [legacy, ...others] = await r.readRecords({ valueTypes: ['JOB_BATCH'] })
    expect(others).toEqual([])
    expect(legacy).toMatchObject({
      valueType: 'JOB_BATCH',
      intent: 'ACTIVATED',
      position: batch!.position,
      key: activated!.key,
      value: { jobKeys: [Number(activated!.key)], jobs: [{ worker: 'w' }] },
    })
    expect(legacy!.processInstanceKey).toBeUndefined()
    // the job is still held by its worker, and completes
    expect(
      await r.activateJobs({ type: 'work', worker: 'w2', timeoutMs: 1000, maxJobsToActivate: 5 }),
    ).toEqual([])
    await r.completeJob(activated!.key)
    expect(await jobIntents(r)).toEqual(['CREATED', 'COMPLETED'])
    expect(await completedPath(r, pi.processInstanceKey)).toEqual([
      'start',
      'task',
      'end',
      'simple',
    ])
  })

  it('writes periodic snapshots and recovers from the latest one plus the tail', async () => {
    await db.database.sql.query('drop table if exists engine_records, engine_snapshots')
    engine = await createEngine({
      sql: db.database.sql,
      clock,
      snapshotEveryRecords: 20,
      snapshotMinIntervalMs: 0,
    })
    const e = engine
    await e.deployResources([{ name: 'simple.bpmn', content: simple }])
    for (let i = 0; i < 5; i++)
      await e.createProcessInstance({ bpmnProcessId: 'simple', variables: { i } })
    await new Promise((r) => setTimeout(r, 100))
    const { rows } = await db.database.sql.query<{ position: string }>(
      'select position from engine_snapshots',
    )
    expect(rows).toHaveLength(1)
    expect(Number(rows[0]!.position)).toBeGreaterThan(20)
    // Crash (no close); the new engine loads the snapshot and replays what came after it.
    await e.createProcessInstance({ bpmnProcessId: 'simple', variables: { i: 5 } })
    engine = await createEngine({ sql: db.database.sql, clock })
    const jobs = await engine.activateJobs({
      type: 'work',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 10,
    })
    expect(jobs.map((j) => j.variables.i).sort()).toEqual([0, 1, 2, 3, 4, 5])
    for (const job of jobs) {
      await engine.completeJob(job.key)
      expect(await completedPath(engine, job.processInstanceKey)).toEqual([
        'start',
        'task',
        'end',
        'simple',
      ])
    }
  })

  it('replaying the log rebuilds exactly the live state (appliers are the only writers)', async () => {
    const e = await open()
    const xml = (name: string) => ({
      name,
      content: readFileSync(join(import.meta.dirname, 'conformance', 'zeebe-process-test', name)),
    })
    await e.deployResources([
      xml('pr-created.bpmn'),
      xml('automated-tests.bpmn'),
      xml('looping-servicetask.bpmn'),
    ])
    await e.publishMessage({
      name: 'prCreated',
      correlationKey: '',
      timeToLiveMs: 0,
      variables: { prId: 'p1' },
    })
    await e.publishMessage({
      name: 'reviewReceived',
      correlationKey: 'p1',
      timeToLiveMs: 3_600_000,
      variables: { reviewResult: 'approved' },
    })
    await completeOne(e, 'runTests')
    const loop = await e.createProcessInstance({
      bpmnProcessId: 'looping-servicetask',
      variables: { totalLoops: 'x' },
    })
    await completeOne(e, 'test')
    const [job] = await e.activateJobs({
      type: 'runTests',
      worker: 'w',
      timeoutMs: 5000,
      maxJobsToActivate: 1,
    })
    await e.failJob(job!.key, 2, 'later', 60_000)
    clock.advance(1000)
    await e.tick()
    expect(Object.keys(e.state.incidents)).toHaveLength(1)
    expect(loop.processInstanceKey).toBeTruthy()
    const live = JSON.parse(JSON.stringify(e.state)) as unknown
    const replayed = await createEngine({ sql: db.database.sql, clock })
    expect(JSON.parse(JSON.stringify(replayed.state))).toEqual(live)
    await e.close()
    engine = await createEngine({ sql: db.database.sql, clock })
    expect(JSON.parse(JSON.stringify(engine.state))).toEqual(live)
  })

  it('recovers from a snapshot plus the log tail', async () => {
    const e = await open()
    await e.deployResources([{ name: 'simple.bpmn', content: simple }])
    await e.createProcessInstance({ bpmnProcessId: 'simple' })
    await e.close()
    engine = await createEngine({ sql: db.database.sql, clock })
    await engine.createProcessInstance({ bpmnProcessId: 'simple' })
    engine = await createEngine({ sql: db.database.sql, clock })
    const jobs = await engine.activateJobs({
      type: 'work',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 10,
    })
    expect(jobs).toHaveLength(2)
  })
})
