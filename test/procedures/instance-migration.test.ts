/**
 * Running-instance migration (ISO/IEC 20000-1 4.3.2 control of documented procedures, 4.3.3
 * control of records): after a new version of a procedure is deployed, an administrator
 * migrates selected running instances to it with a mapping proposed from the diff of the two
 * versions, edited and checked by a dry run; the engine (v2 migration) moves them, the inbox's
 * task follows, the instance completes along the new version's path, and each migration is
 * evidence. Real server, real engine, the v2 REST API in between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completedPath } from '../../engine/test-support'
import type { Engine } from '../../engine/engine'
import type { EvidenceEntry } from '../../server/src/evidence/entry'
import type { TaskView } from '../../server/src/inbox/task-model'
import type {
  DryRunInstance,
  MigrationPlanView,
  MigrationResult,
  RunningInstanceView,
} from '../../server/src/processes/instance-migration'
import { eventually, startHarness, type ApiClient, type Harness } from '../support/harness'
import { deployTriage, startTriage } from '../support/triage'
import { triageV2 } from '../support/triage-v2'

let h: Harness
let admin: ApiClient
let auditor: ApiClient
let owner: ApiClient
let desk: ApiClient
let first: { task: TaskView; processInstanceKey: string }
let second: { task: TaskView; processInstanceKey: string }

const path = '/processes/inbox-triage'
const editedMapping = [
  { sourceElementId: 'StartEvent_TicketRaised', targetElementId: 'StartEvent_TicketRaised' },
  { sourceElementId: 'Task_TriageTicket', targetElementId: 'Task_TriageAndCategorise' },
  { sourceElementId: 'EndEvent_TicketTriaged', targetElementId: 'EndEvent_TicketTriaged' },
]

beforeAll(async () => {
  h = await startHarness({ deployProcesses: false })
  await deployTriage(h)
  ;[admin, auditor, owner, desk] = await Promise.all(
    ['admin', 'auditor', 'owner', 'desk'].map((u) => h.login(u)),
  )
  // two tickets wait in the triage task of version 1
  first = await startTriage(h, desk, 'INC-MIG-1', 'Printer on fire')
  second = await startTriage(h, desk, 'INC-MIG-2', 'Mail bounces')
  const [v2] = await h.server.services.processes.deploy(
    [{ name: 'inbox-triage.bpmn', content: Buffer.from(triageV2) }],
    { actor: 'admin' },
  )
  expect(v2?.version).toBe(2)
})
afterAll(async () => {
  await h?.stop()
})

describe('running-instance migration (4.3.2)', () => {
  it('lists the running instances of a version with their active elements', async () => {
    // when
    const instances = await eventually(
      async () => {
        const r = await admin.get<RunningInstanceView[]>(`${path}/versions/1/instances`)
        return r.body.length === 2 && r.body.every((i) => i.activeElements.length === 1)
          ? r.body
          : undefined
      },
      15_000,
      'two running instances with their task active',
    )
    // then
    expect(instances.map((i) => i.caseId).sort()).toEqual(['INC-MIG-1', 'INC-MIG-2'])
    expect(instances[0]!.activeElements[0]).toMatchObject({
      elementId: 'Task_TriageTicket',
      elementName: 'Triage the ticket',
      type: 'USER_TASK',
    })
  })

  it('proposes a mapping from the diff: same ids mapped, the renamed task flagged as removed', async () => {
    // when
    const plan = await auditor.get<MigrationPlanView>(`${path}/migration-plan?from=1&to=2`)
    // then
    expect(plan.status).toBe(200)
    const byId = Object.fromEntries(plan.body.mappings.map((m) => [m.source.id, m]))
    expect(byId.StartEvent_TicketRaised).toMatchObject({
      targetElementId: 'StartEvent_TicketRaised',
      status: 'mapped',
    })
    expect(byId.Task_TriageTicket).toMatchObject({ targetElementId: null, status: 'removed' })
    expect(byId.EndEvent_TicketTriaged?.status).toBe('mapped')
    expect(plan.body.added.map((e) => e.id).sort()).toEqual([
      'Event_Categorised',
      'Task_TriageAndCategorise',
    ])
  })

  it('dry-runs: the proposal blocks on the unmapped active task, the edited mapping passes', async () => {
    // given
    const plan = (await admin.get<MigrationPlanView>(`${path}/migration-plan?from=1&to=2`)).body
    const proposed = plan.mappings.flatMap((m) =>
      m.targetElementId
        ? [{ sourceElementId: m.source.id, targetElementId: m.targetElementId }]
        : [],
    )
    const keys = [first.processInstanceKey, second.processInstanceKey]
    // when
    const blocked = await auditor.post<{ instances: DryRunInstance[] }>(
      `${path}/migrations/dry-run`,
      {
        sourceVersion: 1,
        targetVersion: 2,
        mappingInstructions: proposed,
        processInstanceKeys: keys,
      },
    )
    const passing = await admin.post<{ instances: DryRunInstance[] }>(
      `${path}/migrations/dry-run`,
      {
        sourceVersion: 1,
        targetVersion: 2,
        mappingInstructions: editedMapping,
        processInstanceKeys: keys,
      },
    )
    // then
    expect(blocked.status).toBe(200)
    expect(blocked.body.instances.map((i) => i.canMigrate)).toEqual([false, false])
    expect(blocked.body.instances[0]!.problems.join()).toMatch(/Task_TriageTicket has no target/)
    expect(passing.body.instances.map((i) => i.canMigrate)).toEqual([true, true])
    expect(passing.body.instances[0]!.activeElements).toEqual([
      expect.objectContaining({
        elementId: 'Task_TriageTicket',
        targetElementId: 'Task_TriageAndCategorise',
        targetName: 'Triage and categorise the ticket',
        problem: null,
      }),
    ])
  })

  it('refuses a mapping to an unknown element or another type, and bodies ajv rejects', async () => {
    // when
    const unknown = await admin.post<{ errors: { path: string; message: string }[] }>(
      `${path}/migrations/dry-run`,
      {
        sourceVersion: 1,
        targetVersion: 2,
        mappingInstructions: [
          { sourceElementId: 'Task_TriageTicket', targetElementId: 'Task_Nowhere' },
          { sourceElementId: 'EndEvent_TicketTriaged', targetElementId: 'Event_Categorised' },
        ],
        processInstanceKeys: [first.processInstanceKey],
      },
    )
    const malformed = await admin.post(`${path}/migrations`, {
      sourceVersion: 1,
      targetVersion: 2,
      mappingInstructions: [],
      processInstanceKeys: ['not-a-key'],
      extra: true,
    })
    // then
    expect(unknown.status).toBe(400)
    expect(unknown.body.errors.map((e) => e.message)).toEqual([
      'no element Task_Nowhere in the target version',
      expect.stringMatching(/EndEvent_TicketTriaged \(EndEvent\) cannot map to Event_Categorised/),
    ])
    expect(malformed.status).toBe(400)
  })

  it('lets only administrators migrate (auditors read, others get 403)', async () => {
    const body = {
      sourceVersion: 1,
      targetVersion: 2,
      mappingInstructions: editedMapping,
      processInstanceKeys: [first.processInstanceKey],
    }
    expect((await auditor.post(`${path}/migrations`, body)).status).toBe(403)
    expect((await owner.post(`${path}/migrations`, body)).status).toBe(403)
    expect((await desk.post(`${path}/migrations`, body)).status).toBe(403)
    expect((await desk.post(`${path}/migrations/dry-run`, body)).status).toBe(403)
    expect((await owner.get(`${path}/migration-plan?from=1&to=2`)).status).toBe(403)
    expect((await desk.get(`${path}/versions/1/instances`)).status).toBe(403)
  })

  it('migrates the selected instance: its task moves to v2, completes along v2, with evidence', async () => {
    // when: the first instance and one that does not exist are migrated
    const res = await admin.post<{ results: MigrationResult[] }>(`${path}/migrations`, {
      sourceVersion: 1,
      targetVersion: 2,
      mappingInstructions: editedMapping,
      processInstanceKeys: [first.processInstanceKey, '2251799813999999'],
    })
    // then: one migrated, the other's failure reported
    expect(res.status).toBe(200)
    expect(res.body.results).toEqual([
      {
        processInstanceKey: first.processInstanceKey,
        status: 'migrated',
        reason: null,
        engineMigrated: true,
      },
      {
        processInstanceKey: '2251799813999999',
        status: 'failed',
        reason: 'no such process instance',
        engineMigrated: false,
      },
    ])
    // the inbox's task runs on version 2 now; the other instance stays on version 1
    const moved = (await desk.get<{ task: TaskView }>(`/tasks/${first.task.id}`)).body.task
    expect(moved).toMatchObject({
      processVersion: 2,
      elementId: 'Task_TriageAndCategorise',
      name: 'Triage and categorise the ticket',
      formId: 'inbox-triage-form',
    })
    expect(
      (await desk.get<{ task: TaskView }>(`/tasks/${second.task.id}`)).body.task.processVersion,
    ).toBe(1)
    // the engine's v2 search shows the instance on version 2, waiting in the renamed task
    const onV2 = await eventually(
      async () => {
        const r = await admin.get<RunningInstanceView[]>(`${path}/versions/2/instances`)
        const active = r.body[0]?.activeElements.map((a) => a.elementId)
        return active?.[0] === 'Task_TriageAndCategorise' ? r.body : undefined
      },
      15_000,
      'the migrated instance on version 2',
    )
    expect(onV2.map((i) => [i.caseId, i.activeElements.map((a) => a.elementName)])).toEqual([
      ['INC-MIG-1', ['Triage and categorise the ticket']],
    ])
    // evidence (4.3.3): before/after version and the mapping
    const evidence = await auditor.get<EvidenceEntry[]>(
      `/evidence?processInstanceKey=${first.processInstanceKey}`,
    )
    const entry = evidence.body.find((e) => e.action === 'process-instance.migrated')
    expect(entry).toMatchObject({
      actor: 'admin',
      entityType: 'incident',
      entityId: 'INC-MIG-1',
      before: { version: 1, activeElements: ['Task_TriageTicket'] },
      after: {
        version: 2,
        activeElements: ['Task_TriageAndCategorise'],
        mappingInstructions: editedMapping,
      },
    })

    // when: the task is done
    expect((await desk.post(`/tasks/${first.task.id}/claim`)).status).toBe(200)
    const done = await desk.post(`/tasks/${first.task.id}/complete`, {
      data: { summary: 'Fire put out', impact: 'high' },
    })
    expect(done.status, JSON.stringify(done.body)).toBe(200)
    // then: the instance goes on along version 2's path
    const engine = h.server.engine!.engine as Engine
    const steps = await eventually(
      async () => {
        const p = await completedPath(engine, first.processInstanceKey)
        return p.includes('inbox-triage') ? p : undefined
      },
      15_000,
      'the migrated instance to complete',
    )
    expect(steps).toEqual([
      'StartEvent_TicketRaised',
      'Task_TriageAndCategorise',
      'Event_Categorised',
      'EndEvent_TicketTriaged',
      'inbox-triage',
    ])
  })

  it("reports the engine's refusal per instance: a job worker task mapped to a Camunda user task", async () => {
    // given: version 3 makes the task a Camunda user task (Zeebe 8.8 migrates a user task only
    // to one of the same implementation)
    const v3 = triageV2.replace(
      '<zeebe:formDefinition formId="inbox-triage-form" />',
      '<zeebe:userTask /><zeebe:formDefinition formId="inbox-triage-form" />',
    )
    const [deployed] = await h.server.services.processes.deploy(
      [{ name: 'inbox-triage.bpmn', content: Buffer.from(v3) }],
      { actor: 'admin' },
    )
    expect(deployed?.version).toBe(3)
    const body = {
      sourceVersion: 1,
      targetVersion: 3,
      mappingInstructions: editedMapping,
      processInstanceKeys: [second.processInstanceKey],
    }
    // when: the dry run passes (same element types), the engine refuses
    const dry = await admin.post<{ instances: DryRunInstance[] }>(
      `${path}/migrations/dry-run`,
      body,
    )
    const res = await admin.post<{ results: MigrationResult[] }>(`${path}/migrations`, body)
    // then: the refusal is the instance's result, and nothing moved
    expect(dry.body.instances[0]!.canMigrate).toBe(true)
    expect(res.body.results[0]).toMatchObject({ status: 'failed', engineMigrated: false })
    expect(res.body.results[0]!.reason).toMatch(
      /^the engine refused the migration: .*different implementation/,
    )
    expect(
      (await desk.get<{ task: TaskView }>(`/tasks/${second.task.id}`)).body.task,
    ).toMatchObject({ processVersion: 1, elementId: 'Task_TriageTicket' })
    const evidence = await auditor.get<EvidenceEntry[]>(
      `/evidence?processInstanceKey=${second.processInstanceKey}`,
    )
    expect(evidence.body.map((e) => e.action)).not.toContain('process-instance.migrated')
  })

  it('brings the server up to date for an instance the engine migrated without it', async () => {
    // given: the engine migrated the second instance (here over gRPC, as after a projection
    // that failed once the engine had accepted), the server still has it on version 1
    const plan = (await admin.get<MigrationPlanView>(`${path}/migration-plan?from=1&to=2`)).body
    await h.server.zeebe.migrateProcessInstance({
      processInstanceKey: second.processInstanceKey,
      migrationPlan: {
        targetProcessDefinitionKey: plan.targetProcessDefinitionKey,
        mappingInstructions: editedMapping,
      },
    })
    const body = {
      sourceVersion: 1,
      targetVersion: 2,
      mappingInstructions: editedMapping,
      processInstanceKeys: [second.processInstanceKey],
    }
    const dry = await eventually(
      async () => {
        const r = await admin.post<{ instances: DryRunInstance[] }>(
          `${path}/migrations/dry-run`,
          body,
        )
        return r.body.instances[0]?.inEngineAlready ? r.body.instances[0] : undefined
      },
      15_000,
      'the engine to report the instance on version 2',
    )
    expect(dry.canMigrate).toBe(true)
    // when
    const res = await admin.post<{ results: MigrationResult[] }>(`${path}/migrations`, body)
    // then: only the server's records move, with their evidence
    expect(res.body.results[0]).toMatchObject({ status: 'migrated', engineMigrated: true })
    expect(
      (await desk.get<{ task: TaskView }>(`/tasks/${second.task.id}`)).body.task,
    ).toMatchObject({ processVersion: 2, elementId: 'Task_TriageAndCategorise' })
    const evidence = await auditor.get<EvidenceEntry[]>(
      `/evidence?processInstanceKey=${second.processInstanceKey}`,
    )
    expect(evidence.body.find((e) => e.action === 'process-instance.migrated')).toMatchObject({
      after: { version: 2, inEngineAlready: true },
    })
  })

  it('reports an instance already migrated as not running on the source version', async () => {
    // when
    const again = await admin.post<{ results: MigrationResult[] }>(`${path}/migrations`, {
      sourceVersion: 1,
      targetVersion: 2,
      mappingInstructions: editedMapping,
      processInstanceKeys: [first.processInstanceKey],
    })
    // then
    expect(again.body.results[0]).toMatchObject({ status: 'failed', engineMigrated: false })
    expect(again.body.results[0]!.reason).toMatch(/does not run on version 1|is completed/)
  })
})
