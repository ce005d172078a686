/**
 * Decisions under document control (ISO/IEC 20000-1 4.3.2): a process owner drafts a change to
 * the priority matrix (processes/priority-matrix.dmn), someone other than the author approves,
 * an admin deploys it with the procedures that call it; new incidents are prioritised by the
 * new version while incidents started before keep the version deployed with their procedure,
 * every step is evidence (4.3.3) and each case names the decision version that decided it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../server/src/paths'
import type { DecisionRequirementsView } from '../../server/src/processes/decision-drafts'
import type { DraftView } from '../../server/src/processes/processes.service'
import { prioritiseCase } from '../../server/src/workers/prioritise-case.worker'
import { createLogger } from '../../server/src/log'
import { zeebeDecisionEvaluator } from '../../server/src/workers/decisions'
import { defaultWorkerSettings, type WorkerDeps } from '../../server/src/workers/deps'
import { testDatabaseTargets } from '../support/databases'
import { eventually, startHarness, type ApiClient, type Harness } from '../support/harness'

const matrix = readFileSync(join(repoRoot, 'processes', 'priority-matrix.dmn'), 'utf8')
/** Impact 3 × urgency 3 (rule 9) becomes priority 3 instead of 4. */
const rule9 = /(<outputEntry id="PriorityMatrix_Rule9_Out1">\s*<text>)4(<\/text>)/
const edited = matrix.replace(rule9, '$13$2')

interface TaskItem {
  id: string
  elementId: string
  state: string
}
interface CaseView {
  id: string
  priority: number
  data: Record<string, unknown>
}

describe.each(testDatabaseTargets())('decision drafts on $kind', (target) => {
  let h: Harness
  let owner: ApiClient
  let approver: ApiClient
  let admin: ApiClient
  let desk: ApiClient
  let customer: ApiClient

  beforeAll(async () => {
    expect(edited).not.toBe(matrix)
    h = await startHarness({ database: target })
    ;[owner, approver, admin, desk, customer] = await Promise.all(
      ['owner', 'approver', 'admin', 'desk', 'customer'].map((u) => h.login(u)),
    )
  })
  afterAll(async () => {
    await h?.stop()
  })

  const raise = async (title: string) => {
    const res = await customer.post<{ id: string }>('/incidents', { title })
    expect(res.status).toBe(201)
    return res.body.id
  }
  const classify = async (id: string) => {
    const task = await eventually(
      async () => {
        const res = await desk.get<{ items: TaskItem[] }>(`/tasks?caseId=${id}&view=all`)
        return res.body.items.find(
          (t) => t.elementId === 'Task_ClassifyIncident' && t.state === 'open',
        )
      },
      20_000,
      `classification of ${id}`,
    )
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    const done = await desk.post(`/tasks/${task.id}/complete`, {
      data: {
        category: 'hardware',
        impact: 3,
        urgency: 3,
        assignedGroup: 'service-desk',
        securityIncident: false,
        majorIncidentCandidate: false,
      },
    })
    expect(done.status).toBe(200)
  }
  const prioritised = (id: string) =>
    eventually(
      async () => {
        const res = await desk.get<CaseView>(`/incidents/${id}`)
        return res.body.data.priorityDecisionVersion !== undefined ? res.body : undefined
      },
      20_000,
      `priority of ${id}`,
    )

  it('lists the deployed decisions with the procedures that evaluate them', async () => {
    const res = await desk.get<DecisionRequirementsView[]>('/decisions')
    expect(res.status).toBe(200)
    const drg = res.body.find((d) => d.decisionRequirementsId === 'priority-matrix-drg')
    expect(drg).toMatchObject({ latestVersion: 1, resourceName: 'priority-matrix.dmn' })
    expect(drg!.decisions.map((d) => d.decisionId)).toEqual(['priority-matrix'])
    expect(drg!.calledBy.map((c) => c.bpmnProcessId).sort()).toEqual([
      'improvement',
      'incident',
      'problem',
      'service-request',
    ])
    const v1 = await desk.get<{ xml: string }>('/decisions/priority-matrix-drg/versions/1')
    expect(v1.body.xml).toBe(matrix)
    expect((await desk.get('/decisions/priority-matrix-drg/versions/9')).status).toBe(404)
    expect((await customer.get('/decisions')).status).toBe(403)
  })

  it('refuses a decision draft that is not DMN, renames the DRG or drops a called decision', async () => {
    const bad = await owner.post<{ detail: string }>('/process-drafts', {
      kind: 'decision',
      xml: '<definitions',
    })
    expect(bad.status).toBe(400)
    expect(bad.body.detail).toMatch(/Malformed DMN/)
    const draft = await owner.post<DraftView>('/process-drafts', { kind: 'decision', xml: matrix })
    expect(draft.status).toBe(201)
    const renamed = await owner.put(`/process-drafts/${draft.body.id}`, {
      xml: matrix.replace('id="priority-matrix-drg"', 'id="other-drg"'),
      version: draft.body.version,
    })
    expect(renamed.status).toBe(400)
    const dropped = await owner.put<{ errors: { path: string }[] }>(
      `/process-drafts/${draft.body.id}`,
      {
        xml: matrix
          .replace('<decision id="priority-matrix"', '<decision id="priority-matrix-2"')
          .replace('dmnElementRef="priority-matrix"', 'dmnElementRef="priority-matrix-2"'),
        version: draft.body.version,
      },
    )
    expect(dropped.status).toBe(400)
    expect(dropped.body.errors.map((e) => e.path)).toEqual(['/decisions/priority-matrix'])
    // a decision draft has no forms
    expect((await owner.get<unknown[]>(`/process-drafts/${draft.body.id}/forms`)).body).toEqual([])
    // one open draft per DRG and author: a second is refused naming this one, until it is discarded
    const second = await owner.post<{ draftId: string }>('/process-drafts', {
      kind: 'decision',
      xml: matrix,
    })
    expect(second.status).toBe(409)
    expect(second.body.draftId).toBe(draft.body.id)
    const discarded = await owner.post<DraftView>(`/process-drafts/${draft.body.id}/discard`, {
      version: draft.body.version,
    })
    expect(discarded.body).toMatchObject({ state: 'discarded', discardedBy: 'owner' })
  })

  it('4.3.2: a cell of the matrix changes through draft, approval by another and deployment; new incidents use it, older ones keep theirs', async () => {
    // given: an incident started on the procedure deployed with matrix version 1
    const before = await raise('Printer offline (before)')

    // when: the owner drafts the change; the approver sees the changed rule
    const created = await owner.post<DraftView>('/process-drafts', {
      kind: 'decision',
      xml: matrix,
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      kind: 'decision',
      bpmnProcessId: 'priority-matrix-drg',
      baseVersion: 1,
    })
    const id = created.body.id
    expect((await approver.put(`/process-drafts/${id}`, { xml: edited, version: 1 })).status).toBe(
      403,
    )
    expect((await owner.put(`/process-drafts/${id}`, { xml: edited, version: 99 })).status).toBe(
      409,
    )
    const saved = await owner.put<DraftView>(`/process-drafts/${id}`, { xml: edited, version: 1 })
    expect(saved.status).toBe(200)
    const diff = await approver.get<{
      kind: string
      againstVersion: number
      procedures: string[]
      changed: {
        id: string
        rules: {
          changed: { id: string; before: { outputs: string[] }; after: { outputs: string[] } }[]
        }
      }[]
    }>(`/process-drafts/${id}/diff`)
    expect(diff.body).toMatchObject({ kind: 'decision', againstVersion: 1 })
    expect(diff.body.procedures.sort()).toEqual([
      'improvement',
      'incident',
      'problem',
      'service-request',
    ])
    expect(diff.body.changed).toHaveLength(1)
    expect(diff.body.changed[0]!.rules.changed).toEqual([
      expect.objectContaining({
        id: 'PriorityMatrix_Rule9',
        before: expect.objectContaining({ outputs: ['4'] }),
        after: expect.objectContaining({ outputs: ['3'] }),
      }),
    ])

    expect((await owner.post(`/process-drafts/${id}/submit`)).status).toBe(200)
    const self = await owner.post<{ detail: string }>(`/process-drafts/${id}/approve`)
    expect(self.status).toBe(403)
    expect(self.body.detail).toMatch(/someone else/)
    expect((await admin.post(`/process-drafts/${id}/deploy`)).status).toBe(409)
    expect((await approver.post(`/process-drafts/${id}/approve`)).status).toBe(200)
    expect((await owner.post(`/process-drafts/${id}/deploy`)).status).toBe(403)
    const deployed = await admin.post<{
      draft: DraftView
      decisionRequirements: { version: number }
      decisions: { decisionId: string; version: number }[]
      processes: { bpmnProcessId: string; version: number }[]
    }>(`/process-drafts/${id}/deploy`)
    expect(deployed.status).toBe(200)
    expect(deployed.body.draft.state).toBe('deployed')
    expect(deployed.body.decisionRequirements.version).toBe(2)
    expect(deployed.body.decisions).toEqual([
      expect.objectContaining({ decisionId: 'priority-matrix', version: 2 }),
    ])
    const incidentVersion = deployed.body.processes.find((p) => p.bpmnProcessId === 'incident')
    expect(incidentVersion?.version).toBe(2)

    // then: a new incident with impact 3 × urgency 3 gets priority 3 from version 2
    const after = await raise('Printer offline (after)')
    await classify(after)
    const newer = await prioritised(after)
    expect(newer.priority).toBe(3)
    expect(newer.data.priorityDecisionVersion).toBe(2)
    // and the incident started before keeps version 1 of its procedure: priority 4
    await classify(before)
    const older = await prioritised(before)
    expect(older.priority).toBe(4)
    expect(older.data.priorityDecisionVersion).toBe(1)

    // a restart deploys processes/ again: the approved matrix stays in force (no new version)
    await h.server.services.processes.deployDirectory(join(repoRoot, 'processes'))
    const restarted = await desk.get<{ version: number; xml: string }>(
      '/decisions/priority-matrix-drg/versions/latest',
    )
    expect(restarted.body).toMatchObject({ version: 2, xml: edited })

    // the history: both versions, the new one approved by the approver
    const list = await desk.get<DecisionRequirementsView[]>('/decisions')
    const drg = list.body.find((d) => d.decisionRequirementsId === 'priority-matrix-drg')!
    expect(drg.versions.map((v) => [v.version, v.state, v.approvedBy])).toEqual([
      [2, 'deployed', 'approver'],
      [1, 'superseded', null],
    ])
    expect(drg.calledBy.find((c) => c.bpmnProcessId === 'incident')).toMatchObject({
      version: 2,
      decisionVersion: 2,
    })

    // evidence of every step (4.3.3)
    const trail = await h.server.services.audit.list({ entityType: 'decision-draft', entityId: id })
    expect(trail.map((e) => e.action)).toEqual([
      'decision-draft.created',
      'decision-draft.updated',
      'decision-draft.submitted',
      'decision-draft.approved',
      'decision-draft.deployed',
    ])
  })

  it('a procedure draft deploys with the latest version of the decisions it calls (bindingType deployment)', async () => {
    // given: the incident procedure as deployed, renamed task
    const latest = await desk.get<{ xml: string; version: number }>(
      '/processes/incident/versions/latest',
    )
    const xml = latest.body.xml.replace('name="Record priority"', 'name="Record the priority"')
    const created = await owner.post<DraftView>('/process-drafts', { xml })
    expect(created.status).toBe(201)
    const id = created.body.id
    expect((await owner.post(`/process-drafts/${id}/submit`)).status).toBe(200)
    expect((await approver.post(`/process-drafts/${id}/approve`)).status).toBe(200)
    // when
    const deployed = await admin.post<{
      deployed: { version: number; processDefinitionKey: string }
    }>(`/process-drafts/${id}/deploy`)
    // then: the new version evaluates the matrix deployed with it: Zeebe versions the resources
    // of a deployment together, so the unchanged DMN becomes version 3, the same XML as version 2
    expect(deployed.status).toBe(200)
    expect(deployed.body.deployed.version).toBe(latest.body.version + 1)
    const list = await desk.get<DecisionRequirementsView[]>('/decisions')
    const drg = list.body.find((d) => d.decisionRequirementsId === 'priority-matrix-drg')!
    expect(drg.calledBy.find((c) => c.bpmnProcessId === 'incident')).toMatchObject({
      version: latest.body.version + 1,
      decisionVersion: 3,
    })
    const v2 = await desk.get<{ xml: string }>('/decisions/priority-matrix-drg/versions/2')
    const v3 = await desk.get<{ xml: string; approvedBy: string }>(
      '/decisions/priority-matrix-drg/versions/3',
    )
    expect(v3.body.xml).toBe(v2.body.xml)
    expect(v3.body.approvedBy).toBe('approver')
  })

  it('an instance of a procedure from before the business rule task gets the latest version through EvaluateDecision', async () => {
    // given: a job of an old incident version (no allocatedPriority variable)
    const id = await raise('Old procedure version')
    const { cases, cmdb, catalogue, notifications } = h.server.services
    const deps: WorkerDeps = {
      db: h.server.database.db,
      cases,
      cmdb,
      catalogue,
      notifications,
      messages: { publish: () => Promise.reject(new Error('not used')) },
      settings: defaultWorkerSettings,
      log: createLogger('silent'),
      decisions: zeebeDecisionEvaluator(h.server.zeebe),
      now: () => new Date(),
    }
    // when
    const result = await prioritiseCase.run(
      {
        key: 'old-1',
        type: 'prioritise-case',
        processInstanceKey: '1',
        bpmnProcessId: 'incident',
        elementId: 'Task_PrioritiseIncident',
        retries: 3,
        variables: { caseKind: 'incident', caseId: id, impact: 3, urgency: 3 },
        customHeaders: {},
      },
      deps,
    )
    // then: the latest version (3, the edited matrix deployed again above) decided priority 3
    expect(result).toMatchObject({
      outcome: 'complete',
      variables: { priority: 3, priorityDecision: { decisionId: 'priority-matrix', version: 3 } },
    })
  })
})
