/**
 * Instance histories come from Camunda 8.8's v2 searches (issue 14), so they read the same on
 * the embedded engine and on a cluster. This test runs an instance through a user task, an
 * exclusive gateway that raises an incident (its variable is missing) until a variable is set
 * and the incident resolved, and an embedded sub-process, then checks the history the server
 * serves against the engine's own record log: the same steps in the same order, the same path,
 * incidents and final variables (ISO/IEC 20000-1 4.3.3: records of what was done are complete).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EngineRecord, fieldsOf } from '../../engine/state/records'
import type { TaskView } from '../../server/src/inbox/task-model'
import { eventually, startHarness, type ApiClient, type Harness } from '../support/harness'
import { fixture } from '../support/triage'

interface Step {
  position: number
  timestamp: string
  intent: string
  elementId: string
  elementType: string
  elementInstanceKey: string
  flowScopeKey: string
  actor?: string | null
}
interface History {
  instance: { state: string; startedAt: string; endedAt: string | null }
  steps: Step[]
  flowsTaken: string[]
  completedElements: string[]
  activeElements: string[]
  incidents: {
    position: number
    key: string
    intent: string
    errorType: string
    elementId: string
    resolved: boolean
  }[]
  variables: { position: number; name: string; value: unknown; scopeKey: string }[]
  tasks: { completedBy: string | null; completedByName: string | null; data: unknown }[]
  tree: Node | null
  timeZone: string
}
interface Node {
  key: string
  elementId: string
  elementName: string
  elementType: string
  scopeKey: string | null
  state: string
  iteration: number | null
  startPosition: number
  endPosition: number | null
  who: { kind: string; id: string; name: string } | null
  incidents: { key: string; errorType: string; resolved: boolean }[]
  variables: { name: string; value: unknown; position: number }[]
  children: Node[]
}

/** The tree as `elementId` (with `#iteration`) and children, to compare its shape. */
const shape = (n: Node): unknown => ({
  [`${n.elementId}${n.iteration ? ` #${n.iteration}` : ''}`]: n.children.map(shape),
})
const find = (n: Node, elementId: string): Node[] => [
  ...(n.elementId === elementId ? [n] : []),
  ...n.children.flatMap((c) => find(c, elementId)),
]

let h: Harness
let desk: ApiClient
let auditor: ApiClient

beforeAll(async () => {
  h = await startHarness({ deployProcesses: false, workerPollIntervalMs: 100 })
  await h.server.services.processes.deploy(
    [
      { name: 'inbox-triage-form.form', content: fixture('inbox-triage-form.form') },
      { name: 'history-v2.bpmn', content: readFileSync(join(__dirname, 'history-v2.bpmn')) },
      { name: 'history-tree.bpmn', content: readFileSync(join(__dirname, 'history-tree.bpmn')) },
    ],
    { actor: 'admin' },
  )
  desk = await h.login('desk')
  auditor = await h.login('auditor')
})
afterAll(async () => {
  await h?.stop()
})

/** The record log's steps, as the server built them before v2 (the reference). */
function stepsOfRecords(records: EngineRecord[]) {
  return records
    .filter(
      (r) =>
        r.valueType === 'PROCESS_INSTANCE' &&
        [
          'ELEMENT_ACTIVATED',
          'ELEMENT_COMPLETED',
          'ELEMENT_TERMINATED',
          'SEQUENCE_FLOW_TAKEN',
        ].includes(r.intent),
    )
    .map((r) => ({
      timestamp: new Date(r.timestamp).toISOString(),
      intent: r.intent,
      elementId: String(fieldsOf(r).elementId),
      elementType: String(fieldsOf(r).bpmnElementType),
      // v2 has no key for a flow's taking
      elementInstanceKey: r.intent === 'SEQUENCE_FLOW_TAKEN' ? '' : r.key,
      flowScopeKey: String(fieldsOf(r).flowScopeKey),
    }))
}

describe('instance history through the v2 API', () => {
  it('4.3.3: shows the task, the gateway path, the incident and the variables as the record log has them', async () => {
    // given an instance whose task the service desk completes
    const started = await h.server.services.instances.start(
      'history-v2',
      { caseKind: 'incident', caseId: 'INC-HIST', title: 'History through v2' },
      { caseKind: 'incident', caseId: 'INC-HIST', actor: 'desk' },
    )
    const key = started.processInstanceKey
    const task = await eventually(
      async () => (await desk.get<{ items: TaskView[] }>('/tasks?caseId=INC-HIST')).body.items[0],
      15_000,
      'the review task',
    )
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    const data = { summary: 'Checked', impact: 'low' }
    expect((await desk.post(`/tasks/${task.id}/complete`, { data })).status).toBe(200)

    // when the gateway finds no `approved` (an incident), which an operator sets and resolves
    const engine = h.server.engine!.engine
    const incident = await eventually(
      async () =>
        (await engine.readRecords({ processInstanceKey: key, valueTypes: ['INCIDENT'] })).find(
          (r) => r.intent === 'CREATED',
        ),
      15_000,
      'the incident at the gateway',
    )
    await h.server.zeebe.setVariables({
      elementInstanceKey: key,
      variables: { approved: true },
      local: false,
    })
    await h.server.zeebe.resolveIncident({ incidentKey: incident.key })
    const history = await eventually(
      async () => {
        const r = await auditor.get<History>(`/process-instances/${key}/history`)
        return r.body.instance?.state === 'completed' &&
          r.body.steps.at(-1)?.elementType === 'PROCESS'
          ? r.body
          : undefined
      },
      20_000,
      'the completed history',
    )

    // then the steps are the record log's, in its order
    const records = await engine.readRecords({ processInstanceKey: key, limit: 10_000 })
    const expected = stepsOfRecords(records)
    expect(history.steps.map(({ position: _p, actor: _a, timestamp: _t, ...s }) => s)).toEqual(
      expected.map(({ timestamp: _t, ...s }) => ({
        ...s,
        elementName: expect.any(String) as string,
      })),
    )
    // at the same times: an end as the record log has it; a start when the element began
    // activating (8.8's startDate), which is no later than its ELEMENT_ACTIVATED record; a
    // flow's taking at its source's end
    history.steps.forEach((s, n) => {
      const e = expected[n]!
      if (s.intent === 'ELEMENT_COMPLETED' || s.intent === 'ELEMENT_TERMINATED') {
        expect(s.timestamp, `${s.intent} ${s.elementId}`).toBe(e.timestamp)
      } else {
        expect(Date.parse(s.timestamp), `${s.intent} ${s.elementId}`).toBeLessThanOrEqual(
          Date.parse(e.timestamp),
        )
      }
    })
    // positions order the steps
    const positions = history.steps.map((s) => s.position)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    expect(history.steps.map((s) => s.elementId)).toEqual([
      'history-v2',
      'StartEvent_Raised',
      'StartEvent_Raised',
      'Flow_ToReview',
      'Task_Review',
      'Task_Review',
      'Flow_ToDecision',
      'Gateway_IsApproved',
      'Gateway_IsApproved',
      'Flow_Approved',
      'SubProcess_Close',
      'StartEvent_Close',
      'StartEvent_Close',
      'Flow_InnerClose',
      'EndEvent_Closed',
      'EndEvent_Closed',
      'SubProcess_Close',
      'Flow_ToDone',
      'EndEvent_Done',
      'EndEvent_Done',
      'history-v2',
    ])
    // who completed the task, with the data they submitted
    expect(
      history.steps.find((s) => s.elementId === 'Task_Review' && s.intent === 'ELEMENT_COMPLETED')
        ?.actor,
    ).toBe('desk')
    expect(history.tasks[0]).toMatchObject({ completedBy: 'desk', data })
    // the path for the diagram
    expect(history.flowsTaken).toEqual([
      'Flow_ToReview',
      'Flow_ToDecision',
      'Flow_Approved',
      'Flow_InnerClose',
      'Flow_ToDone',
    ])
    expect(history.activeElements).toEqual([])
    expect(new Set(history.completedElements)).toEqual(
      new Set(
        records
          .filter((r) => r.valueType === 'PROCESS_INSTANCE' && r.intent === 'ELEMENT_COMPLETED')
          .map((r) => String(fieldsOf(r).elementId)),
      ),
    )
    // the incident, created at the gateway and resolved before it went on
    expect(history.incidents.map(({ position: _p, ...i }) => i)).toMatchObject([
      {
        key: incident.key,
        intent: 'CREATED',
        errorType: String(fieldsOf(incident).errorType),
        elementId: 'Gateway_IsApproved',
        resolved: true,
      },
      { key: incident.key, intent: 'RESOLVED', elementId: 'Gateway_IsApproved', resolved: true },
    ])
    const at = (intent: string, elementId: string) =>
      history.steps.find((s) => s.intent === intent && s.elementId === elementId)!.position
    const [created, resolved] = history.incidents.map((i) => i.position)
    expect(created).toBeGreaterThan(at('ELEMENT_ACTIVATED', 'Gateway_IsApproved'))
    expect(resolved).toBeGreaterThan(created!)
    expect(resolved).toBeLessThan(at('ELEMENT_COMPLETED', 'Gateway_IsApproved'))
    // the variables: the last value of each, as the record log ends with them
    const last = new Map<string, unknown>()
    for (const r of records.filter((x) => x.valueType === 'VARIABLE')) {
      last.set(
        `${String(r.value.scopeKey)}/${String(r.value.name)}`,
        JSON.parse(String(r.value.value)),
      )
    }
    expect(new Map(history.variables.map((v) => [`${v.scopeKey}/${v.name}`, v.value]))).toEqual(
      last,
    )
    expect(history.variables.find((v) => v.name === 'approved')).toMatchObject({
      value: true,
      scopeKey: key,
    })

    // the element instances as a tree: the sub-process holds its own steps (nested scope)
    const tree = history.tree!
    expect(shape(tree)).toEqual({
      'history-v2': [
        { StartEvent_Raised: [] },
        { Task_Review: [] },
        { Gateway_IsApproved: [] },
        { SubProcess_Close: [{ StartEvent_Close: [] }, { EndEvent_Closed: [] }] },
        { EndEvent_Done: [] },
      ],
    })
    expect(tree).toMatchObject({ key, elementType: 'PROCESS', state: 'completed', scopeKey: null })
    const review = find(tree, 'Task_Review')[0]!
    // who by name: the person who completed the task, by the display name colleagues know
    const deskUser = await h.server.database.db
      .selectFrom('users')
      .select('display_name')
      .where('username', '=', 'desk')
      .executeTakeFirstOrThrow()
    expect(deskUser.display_name).not.toBe('desk')
    expect(review).toMatchObject({
      elementName: 'Review',
      elementType: 'USER_TASK',
      state: 'completed',
      who: { kind: 'person', id: 'desk', name: deskUser.display_name },
    })
    expect(history.tasks[0]!.completedByName).toBe(deskUser.display_name)
    expect(review.startPosition).toBe(at('ELEMENT_ACTIVATED', 'Task_Review'))
    expect(review.endPosition).toBe(at('ELEMENT_COMPLETED', 'Task_Review'))
    // the incident is marked on the gateway's element instance, resolved
    expect(find(tree, 'Gateway_IsApproved')[0]!.incidents).toEqual([
      expect.objectContaining({ key: incident.key, resolved: true }),
    ])
    expect(find(tree, 'Task_Review')[0]!.incidents).toEqual([])
    // variables sit at their scope: `approved` at the process instance
    expect(tree.variables.map((v) => [v.name, v.value])).toContainEqual(['approved', true])
    expect(history.timeZone).toMatch(/\w/)

    // and the engine's steps are in the case's evidence trail, each once however many passes
    await h.server.services.instances.settled()
    await h.server.services.instances.settled()
    const engineEvidence = await h.server.database.db
      .selectFrom('evidence')
      .select(['action', 'entity_id', 'after'])
      .where('process_instance_key', '=', key)
      .where('action', 'like', 'engine.%')
      .orderBy('seq')
      .execute()
    const lines = engineEvidence.map((e) => {
      const after = e.after as { elementId: string }
      return `${e.action} ${after.elementId}`
    })
    expect(engineEvidence.every((e) => e.entity_id === 'INC-HIST')).toBe(true)
    expect(new Set(lines).size).toBe(lines.length)
    expect(lines).toEqual(
      expect.arrayContaining([
        'engine.process_instance.element_completed Task_Review',
        'engine.incident.created Gateway_IsApproved',
        'engine.incident.resolved Gateway_IsApproved',
        'engine.process_instance.element_completed Gateway_IsApproved',
        'engine.process_instance.element_completed SubProcess_Close',
        'engine.process_instance.element_completed history-v2',
      ]),
    )
  })

  it('4.3.3: shows nested scopes, multi-instance iterations with their own variables, and a job worker by name', async () => {
    // given a worker that stamps, under its own name
    const stamper = h.server.zeebe.createWorker({
      id: 'history-test-stamper',
      taskType: 'history-stamp',
      taskHandler: (job) => job.complete({ stamped: true }),
    })
    try {
      // when an instance started by the service desk runs through two items
      const started = await h.server.services.instances.start(
        'history-tree',
        { items: ['printer', 'laptop'] },
        { caseKind: 'incident', caseId: 'INC-TREE', actor: 'desk' },
      )
      const key = started.processInstanceKey
      const history = await eventually(
        async () => {
          const r = await auditor.get<History>(`/process-instances/${key}/history`)
          return r.body.tree?.state === 'completed' &&
            r.body.steps.at(-1)?.elementType === 'PROCESS'
            ? r.body
            : undefined
        },
        20_000,
        'the completed history',
      )

      // then the multi-instance body holds one numbered iteration per item, each a scope
      const tree = history.tree!
      expect(shape(tree)).toEqual({
        'history-tree': [
          { StartEvent_Raised: [] },
          { Task_Stamp: [] },
          {
            SubProcess_PerItem: [
              { 'SubProcess_PerItem #1': [{ StartEvent_Item: [] }, { EndEvent_Item: [] }] },
              { 'SubProcess_PerItem #2': [{ StartEvent_Item: [] }, { EndEvent_Item: [] }] },
            ],
          },
          { EndEvent_Done: [] },
        ],
      })
      const [body, ...iterations] = find(tree, 'SubProcess_PerItem')
      expect(body).toMatchObject({ elementType: 'MULTI_INSTANCE_BODY', iteration: null })
      expect(iterations.map((i) => [i.elementType, i.scopeKey, i.elementName])).toEqual([
        ['SUB_PROCESS', body!.key, 'Per item'],
        ['SUB_PROCESS', body!.key, 'Per item'],
      ])
      // each iteration's scope has its own `item`; the process scope has the collection
      const local = (n: Node) => Object.fromEntries(n.variables.map((v) => [v.name, v.value]))
      expect(iterations.map((i) => local(i).item)).toEqual(['printer', 'laptop'])
      expect(local(tree)).toMatchObject({ items: ['printer', 'laptop'], stamped: true })
      expect(local(tree)).not.toHaveProperty('item')
      // and no variable is listed under a scope other than the one that holds it
      const all = [tree, ...find(tree, 'SubProcess_PerItem')]
      expect(all.flatMap((n) => n.variables).length).toBe(history.variables.length)
      // who: the job worker by its name, the person who started the instance by display name
      expect(find(tree, 'Task_Stamp')[0]!.who).toEqual({
        kind: 'worker',
        id: 'history-test-stamper',
        name: 'automated (history-test-stamper)',
      })
      expect(tree.who).toMatchObject({ kind: 'person', id: 'desk' })
      expect(tree.who!.name).not.toBe('desk')
      // positions order each scope's children as they started
      for (const n of [tree, ...all])
        expect(n.children.map((c) => c.startPosition)).toEqual(
          [...n.children.map((c) => c.startPosition)].sort((a, b) => a - b),
        )

      // and the printable report names people and workers, in the organisation's time zone,
      // with the diagram's path
      const report = await auditor.get<string>(`/process-instances/${key}/history.html`)
      expect(report.status).toBe(200)
      const html = String(report.body)
      expect(html).toContain('automated (history-test-stamper)')
      expect(html).toContain(tree.who!.name)
      expect(html).toContain(`All times in ${history.timeZone}`)
      expect(html).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/)
    } finally {
      await stamper.close()
    }
  })
})
