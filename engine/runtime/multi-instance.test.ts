/**
 * Multi-instance activities as Zeebe runs them: the body (MULTI_INSTANCE_BODY, same element id)
 * activates, its inner instances (flow scope = the body) run, then the body completes and the
 * activity's outgoing flow is taken. `loopCounter` is a local of each inner instance.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import { createEngine, type Engine } from '../engine'
import { type EngineRecord, fieldsOf } from '../state/records'
import {
  bpmn,
  chain,
  completedPath,
  expectReplayMatches,
  finalVariables,
  freshEngine,
  isActive,
  serviceTask,
  valuesOf,
} from '../test-support'

/** `<multiInstanceLoopCharacteristics>` with zeebe attributes and an optional condition. */
function loop(sequential: boolean, attrs: string, condition = ''): string {
  const cond = condition
    ? `<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${condition.replace(/>/g, '&gt;')}</bpmn:completionCondition>`
    : ''
  return `<bpmn:multiInstanceLoopCharacteristics isSequential="${sequential}"><bpmn:extensionElements><zeebe:loopCharacteristics ${attrs} /></bpmn:extensionElements>${cond}</bpmn:multiInstanceLoopCharacteristics>`
}

/** start → <activity id="Each"> → after (a task) → end */
function around(id: string, activity: string): Buffer {
  return bpmn(
    id,
    `<bpmn:startEvent id="start" />${activity}<bpmn:task id="after" /><bpmn:endEvent id="end" />${chain('start', 'Each', 'after', 'end')}`,
  )
}

/** A multi-instance service task "Each" of job type `type`. */
function eachTask(type: string, loopXml: string): string {
  return `<bpmn:serviceTask id="Each"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" /></bpmn:extensionElements>${loopXml}</bpmn:serviceTask>`
}

/** The element id path around a multi-instance activity with `n` inner instances. */
function pathThrough(processId: string, n: number): string[] {
  return [
    'start',
    'f_start_Each',
    ...Array<string>(n).fill('Each'),
    'Each', // the body, after its inner instances
    'f_Each_after',
    'after',
    'f_after_end',
    'end',
    processId,
  ]
}

describe.each(testDatabaseTargets())('multi-instance on $kind', (target) => {
  let db: TestDatabase
  let engine: Engine
  const clock = new TestClock()

  beforeAll(async () => {
    db = await target.open()
  })
  afterAll(async () => {
    await db.drop()
  })
  afterEach(async () => {
    await expectReplayMatches(engine, db.database.sql)
    await engine.close()
  })
  const open = async () => (engine = await freshEngine(db.database.sql, clock))

  const pi = (e: Engine, key: string) => valuesOf(e, key, 'PROCESS_INSTANCE')
  const activateAll = (e: Engine, type: string) =>
    e.activateJobs({ type, worker: 'w', timeoutMs: 60_000, maxJobsToActivate: 10 })

  /** Body and inner instances of "Each": keys, flow scopes and the body's own records. */
  function structure(records: EngineRecord[], processKey: string) {
    const each = records.filter((r) => fieldsOf(r).elementId === 'Each')
    const body = each.filter((r) => fieldsOf(r).bpmnElementType === 'MULTI_INSTANCE_BODY')
    const inner = each.filter((r) => fieldsOf(r).bpmnElementType !== 'MULTI_INSTANCE_BODY')
    const bodyKeys = [...new Set(body.map((r) => r.key))]
    expect(bodyKeys).toHaveLength(1)
    expect(body.every((r) => fieldsOf(r).flowScopeKey === Number(processKey))).toBe(true)
    expect(inner.every((r) => String(fieldsOf(r).flowScopeKey) === bodyKeys[0])).toBe(true)
    return { bodyKey: bodyKeys[0]!, body, inner }
  }

  it('parallel service task: inner instances, then the body completes and its flow is taken', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'par.bpmn',
        content: around(
          'par',
          eachTask(
            'par-each',
            loop(
              false,
              'inputCollection="= items" inputElement="item" outputCollection="results" outputElement="= item * 10"',
            ),
          ),
        ),
      },
    ])
    const p = await e.createProcessInstance({
      bpmnProcessId: 'par',
      variables: { items: [1, 2, 3] },
    })
    const jobs = await activateAll(e, 'par-each')
    expect(jobs.map((j) => [j.variables.item, j.variables.loopCounter])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ])
    for (const j of [...jobs].reverse()) await e.completeJob(j.key)

    expect(await completedPath(e, p.processInstanceKey, { flows: true })).toEqual(
      pathThrough('par', 3),
    )
    const records = await pi(e, p.processInstanceKey)
    const { bodyKey, body, inner } = structure(records, p.processInstanceKey)
    expect(body.map((r) => r.intent)).toEqual([
      'ELEMENT_ACTIVATING',
      'ELEMENT_ACTIVATED',
      'ELEMENT_COMPLETING',
      'ELEMENT_COMPLETED',
    ])
    expect(inner.filter((r) => r.intent === 'ELEMENT_COMPLETED')).toHaveLength(3)
    // the body completes after the last inner instance, then the flow is taken
    const at = (r: EngineRecord) => records.indexOf(r)
    const bodyCompleting = body.find((r) => r.intent === 'ELEMENT_COMPLETING')!
    expect(Math.max(...inner.map(at))).toBeLessThan(at(bodyCompleting))
    expect(records[at(body.at(-1)!) + 1]!.value).toMatchObject({
      elementId: 'f_Each_after',
      bpmnElementType: 'SEQUENCE_FLOW',
    })
    // loopCounter and the input element are locals of the inner instances, never of the body
    const vars = await valuesOf(e, p.processInstanceKey, 'VARIABLE')
    const innerKeys = new Set(inner.map((r) => Number(r.key)))
    const loopCounters = vars.filter((r) => fieldsOf(r).name === 'loopCounter')
    expect(loopCounters.map((r) => fieldsOf(r).value)).toEqual(['1', '2', '3'])
    expect(loopCounters.every((r) => innerKeys.has(Number(fieldsOf(r).scopeKey)))).toBe(true)
    expect(
      vars.some((r) => fieldsOf(r).scopeKey === Number(bodyKey) && fieldsOf(r).name !== 'results'),
    ).toBe(false)
    expect(await finalVariables(e, p.processInstanceKey)).toEqual({
      items: [1, 2, 3],
      results: [10, 20, 30],
    })
    const results = vars.filter(
      (r) =>
        fieldsOf(r).name === 'results' && fieldsOf(r).scopeKey === Number(p.processInstanceKey),
    )
    expect(results.map((r) => fieldsOf(r).value)).toEqual(['[10,20,30]'])
    expect(isActive(e, p.processInstanceKey)).toBe(false)
  })

  it('sequential service task: one inner instance after the other, then the flow', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'seq.bpmn',
        content: around(
          'seq',
          eachTask(
            'seq-each',
            loop(
              true,
              'inputCollection="= items" inputElement="item" outputCollection="results" outputElement="= upper case(item)"',
            ),
          ),
        ),
      },
    ])
    const p = await e.createProcessInstance({
      bpmnProcessId: 'seq',
      variables: { items: ['a', 'b'] },
    })
    const seen: unknown[] = []
    for (let i = 0; i < 2; i++) {
      const jobs = await activateAll(e, 'seq-each')
      expect(jobs).toHaveLength(1)
      seen.push([jobs[0]!.variables.item, jobs[0]!.variables.loopCounter])
      await e.completeJob(jobs[0]!.key)
    }
    expect(seen).toEqual([
      ['a', 1],
      ['b', 2],
    ])
    expect(await completedPath(e, p.processInstanceKey, { flows: true })).toEqual(
      pathThrough('seq', 2),
    )
    const records = await pi(e, p.processInstanceKey)
    const { body, inner } = structure(records, p.processInstanceKey)
    const each = records
      .filter((r) => fieldsOf(r).elementId === 'Each')
      .map((r) => `${body.includes(r) ? 'body' : 'inner'}:${r.intent}`)
    const innerRun = [
      'inner:ELEMENT_ACTIVATING',
      'inner:ELEMENT_ACTIVATED',
      'inner:ELEMENT_COMPLETING',
      'inner:ELEMENT_COMPLETED',
    ]
    expect(each).toEqual([
      'body:ELEMENT_ACTIVATING',
      'body:ELEMENT_ACTIVATED',
      ...innerRun,
      ...innerRun,
      'body:ELEMENT_COMPLETING',
      'body:ELEMENT_COMPLETED',
    ])
    expect(new Set(inner.map((r) => r.key)).size).toBe(2)
    expect(await finalVariables(e, p.processInstanceKey)).toEqual({
      items: ['a', 'b'],
      results: ['A', 'B'],
    })
  })

  it('embedded sub-process, parallel and sequential', async () => {
    const e = await open()
    const sub = (sequential: boolean) =>
      `<bpmn:subProcess id="Each">${loop(sequential, 'inputCollection="= items" inputElement="item" outputCollection="out" outputElement="= done"')}
         <bpmn:startEvent id="subStart" />${serviceTask('work', 'sub-work')}<bpmn:endEvent id="subEnd" />${chain('subStart', 'work', 'subEnd')}
       </bpmn:subProcess>`
    await e.deployResources([
      { name: 'subpar.bpmn', content: around('subpar', sub(false)) },
      { name: 'subseq.bpmn', content: around('subseq', sub(true)) },
    ])
    for (const id of ['subpar', 'subseq']) {
      const p = await e.createProcessInstance({
        bpmnProcessId: id,
        variables: { items: ['x', 'y'] },
      })
      for (let i = 0; i < 2; i++) {
        const [job] = await e.activateJobs({
          type: 'sub-work',
          worker: 'w',
          timeoutMs: 60_000,
          maxJobsToActivate: 1,
        })
        expect(job).toBeDefined()
        await e.completeJob(job!.key, { done: `${String(job!.variables.item)}!` })
      }
      const inner = ['subStart', 'work', 'subEnd', 'Each']
      const innerRuns =
        id === 'subseq'
          ? [...inner, ...inner]
          : // parallel: both starts ran before the first job was completed
            ['subStart', 'subStart', 'work', 'subEnd', 'Each', 'work', 'subEnd', 'Each']
      expect(await completedPath(e, p.processInstanceKey)).toEqual([
        'start',
        ...innerRuns,
        'Each',
        'after',
        'end',
        id,
      ])
      structure(await pi(e, p.processInstanceKey), p.processInstanceKey)
      expect(await finalVariables(e, p.processInstanceKey)).toMatchObject({ out: ['x!', 'y!'] })
      expect(isActive(e, p.processInstanceKey)).toBe(false)
    }
  })

  it('call activity, parallel and sequential: the parent continues after all called instances', async () => {
    const e = await open()
    const call = (sequential: boolean) =>
      `<bpmn:callActivity id="Each"><bpmn:extensionElements><zeebe:calledElement processId="mi-child" /></bpmn:extensionElements>${loop(sequential, 'inputCollection="= items" inputElement="item" outputCollection="answers" outputElement="= answer"')}</bpmn:callActivity>`
    await e.deployResources([
      {
        name: 'mi-child.bpmn',
        content: bpmn(
          'mi-child',
          `<bpmn:startEvent id="cs" />${serviceTask('childTask', 'mi-child-work')}<bpmn:endEvent id="ce" />${chain('cs', 'childTask', 'ce')}`,
        ),
      },
      { name: 'callpar.bpmn', content: around('callpar', call(false)) },
      { name: 'callseq.bpmn', content: around('callseq', call(true)) },
    ])
    for (const id of ['callpar', 'callseq']) {
      const p = await e.createProcessInstance({
        bpmnProcessId: id,
        variables: { items: [1, 2, 3] },
      })
      const children: string[] = []
      for (let i = 0; i < 3; i++) {
        const [job] = await e.activateJobs({
          type: 'mi-child-work',
          worker: 'w',
          timeoutMs: 60_000,
          maxJobsToActivate: 1,
        })
        expect(job!.variables).toMatchObject({ item: i + 1, loopCounter: i + 1 })
        children.push(job!.processInstanceKey)
        await e.completeJob(job!.key, { answer: Number(job!.variables.item) * 2 })
      }
      expect(await completedPath(e, p.processInstanceKey, { flows: true })).toEqual(
        pathThrough(id, 3),
      )
      for (const child of children) {
        expect(await completedPath(e, child)).toEqual(['cs', 'childTask', 'ce', 'mi-child'])
      }
      const { inner } = structure(await pi(e, p.processInstanceKey), p.processInstanceKey)
      expect(new Set(inner.map((r) => r.key)).size).toBe(3)
      // `answer` stays in each inner instance (its output element gets a null local first).
      // Each called instance got a copy of `answers` and hands it back on completion, which
      // overwrites the body's collection: in parallel only the last result survives, as in Zeebe
      // (camunda/camunda#11476; output mappings instead of propagating all variables avoid it).
      expect(await finalVariables(e, p.processInstanceKey)).toEqual({
        items: [1, 2, 3],
        answers: id === 'callseq' ? [2, 4, 6] : [null, null, 6],
      })
      expect(isActive(e, p.processInstanceKey)).toBe(false)
    }
  })

  it('a completion condition ends the body early: parallel terminates the rest, sequential stops', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'condpar.bpmn',
        content: around(
          'condpar',
          eachTask(
            'condpar-each',
            loop(
              false,
              'inputCollection="= items" inputElement="item" outputCollection="results" outputElement="= item"',
              '= numberOfCompletedInstances >= 2',
            ),
          ),
        ),
      },
      {
        name: 'condseq.bpmn',
        content: around(
          'condseq',
          eachTask(
            'condseq-each',
            // evaluated in the inner instance's scope: its loopCounter and item are visible
            loop(true, 'inputCollection="= items" inputElement="item"', '= item = "stop"'),
          ),
        ),
      },
    ])
    const par = await e.createProcessInstance({
      bpmnProcessId: 'condpar',
      variables: { items: [1, 2, 3, 4] },
    })
    const jobs = await activateAll(e, 'condpar-each')
    expect(jobs).toHaveLength(4)
    await e.completeJob(jobs[2]!.key)
    await e.completeJob(jobs[0]!.key)
    expect(await completedPath(e, par.processInstanceKey, { flows: true })).toEqual(
      pathThrough('condpar', 2),
    )
    const records = await pi(e, par.processInstanceKey)
    const { body, inner } = structure(records, par.processInstanceKey)
    expect(inner.filter((r) => r.intent === 'ELEMENT_TERMINATED')).toHaveLength(2)
    const bodyCompleting = records.indexOf(body.find((r) => r.intent === 'ELEMENT_COMPLETING')!)
    expect(Math.max(...inner.map((r) => records.indexOf(r)))).toBeLessThan(bodyCompleting)
    expect(await finalVariables(e, par.processInstanceKey)).toEqual({
      items: [1, 2, 3, 4],
      results: [1, null, 3, null],
    })
    const canceled = await valuesOf(e, par.processInstanceKey, 'JOB')
    expect(canceled.filter((r) => r.intent === 'CANCELED')).toHaveLength(2)

    const seq = await e.createProcessInstance({
      bpmnProcessId: 'condseq',
      variables: { items: ['go', 'stop', 'never'] },
    })
    for (const expected of ['go', 'stop']) {
      const [job] = await activateAll(e, 'condseq-each')
      expect(job!.variables.item).toBe(expected)
      await e.completeJob(job!.key)
    }
    expect(await activateAll(e, 'condseq-each')).toEqual([])
    expect(await completedPath(e, seq.processInstanceKey, { flows: true })).toEqual(
      pathThrough('condseq', 2),
    )
  })

  it('a snapshot written before the fix (body counting in loopCounter) still completes the body', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'old.bpmn',
        content: around('old', eachTask('old-each', loop(false, 'inputCollection="= items"'))),
      },
    ])
    const p = await e.createProcessInstance({ bpmnProcessId: 'old', variables: { items: [1, 2] } })
    const [first, second] = await activateAll(e, 'old-each')
    await e.completeJob(first!.key)
    await e.close() // writes a snapshot
    // rewrite the snapshot into the old shape: the body's inner-instance count in loopCounter
    const { rows } = await db.database.sql.query<{ position: string; state: string }>(
      'select position, state from engine_snapshots',
    )
    const state = JSON.parse(rows[0]!.state) as {
      elementInstances: Record<string, Record<string, unknown>>
    }
    const body = Object.values(state.elementInstances).find(
      (ei) => ei.type === 'MULTI_INSTANCE_BODY',
    )!
    body.loopCounter = body.miActivated
    delete body.miActivated
    await db.database.sql.query('update engine_snapshots set state = $1 where position = $2', [
      JSON.stringify(state),
      rows[0]!.position,
    ])
    engine = await createEngine({ sql: db.database.sql, clock })
    await engine.completeJob(second!.key)
    expect(await completedPath(engine, p.processInstanceKey, { flows: true })).toEqual(
      pathThrough('old', 2),
    )
  })

  it('an empty input collection completes the body at once and takes its outgoing flow', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'empty.bpmn',
        content: around(
          'empty',
          eachTask(
            'empty-each',
            loop(
              false,
              'inputCollection="= items" inputElement="item" outputCollection="results" outputElement="= item"',
            ),
          ),
        ),
      },
      {
        name: 'emptyseq.bpmn',
        content: around(
          'emptyseq',
          eachTask('emptyseq-each', loop(true, 'inputCollection="= items"')),
        ),
      },
    ])
    for (const id of ['empty', 'emptyseq']) {
      const p = await e.createProcessInstance({ bpmnProcessId: id, variables: { items: [] } })
      expect(await completedPath(e, p.processInstanceKey, { flows: true })).toEqual(
        pathThrough(id, 0),
      )
      const { body, inner } = structure(await pi(e, p.processInstanceKey), p.processInstanceKey)
      expect(inner).toEqual([])
      expect(body.map((r) => r.intent)).toEqual([
        'ELEMENT_ACTIVATING',
        'ELEMENT_ACTIVATED',
        'ELEMENT_COMPLETING',
        'ELEMENT_COMPLETED',
      ])
      expect(isActive(e, p.processInstanceKey)).toBe(false)
    }
    const p = await e.createProcessInstance({ bpmnProcessId: 'empty', variables: { items: [] } })
    expect(await finalVariables(e, p.processInstanceKey)).toEqual({ items: [], results: [] })
  })
})
