/**
 * Procedures under document control (ISO/IEC 20000-1 4.3.2): a process owner drafts a change,
 * the linter and the engine check it, someone other than the author approves, an admin deploys,
 * the old version is superseded, new instances start on the new version while running ones
 * finish on theirs, and every step is in the evidence trail (4.3.3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TaskView } from '../../server/src/inbox/task-model'
import type { DraftView, ProcessView } from '../../server/src/processes/processes.service'
import { eventually, startHarness, type ApiClient, type Harness } from '../support/harness'
import { deployTriage, fixture } from '../support/triage'

const v1 = fixture('inbox-triage.bpmn').toString('utf8')
const v2 = v1.replace('name="Triage the ticket"', 'name="Triage and categorise the ticket"')
/** A service task without a job type: Camunda 8 lint error and an engine deploy error. */
const broken = v1
  .replace('<bpmn:userTask id="Task_TriageTicket"', '<bpmn:serviceTask id="Task_TriageTicket"')
  .replace('</bpmn:userTask>', '</bpmn:serviceTask>')

let h: Harness
let owner: ApiClient
let approver: ApiClient
let admin: ApiClient
let desk: ApiClient
let auditor: ApiClient
let customer: ApiClient

beforeAll(async () => {
  h = await startHarness({ deployProcesses: false })
  await deployTriage(h)
  ;[owner, approver, admin, desk, auditor, customer] = await Promise.all(
    ['owner', 'approver', 'admin', 'desk', 'auditor', 'customer'].map((u) => h.login(u)),
  )
})
afterAll(async () => {
  await h?.stop()
})

describe('drafts, approval and deployment (4.3.2)', () => {
  it('rejects malformed XML and reports lint errors on a draft', async () => {
    const malformed = await owner.post<{ detail: string }>('/process-drafts', {
      xml: '<bpmn:definitions',
    })
    expect(malformed.status).toBe(400)
    expect(malformed.body.detail).toMatch(/Malformed BPMN/)

    const draft = await owner.post<DraftView>('/process-drafts', { xml: broken })
    expect(draft.status).toBe(201)
    expect(
      draft.body.lint.some((p) => p.category === 'error' && p.id === 'Task_TriageTicket'),
    ).toBe(true)
    const submit = await owner.post(`/process-drafts/${draft.body.id}/submit`)
    expect(submit.status).toBe(400)
    // one open draft per procedure and author: the owner gives this one up to start another
    const second = await owner.post<{ draftId: string }>('/process-drafts', { xml: v2 })
    expect(second.status).toBe(409)
    expect(second.body.draftId).toBe(draft.body.id)
    const discarded = await owner.post<DraftView>(`/process-drafts/${draft.body.id}/discard`, {
      reason: 'Started from a broken file',
      version: draft.body.version,
    })
    expect(discarded.body.state).toBe('discarded')
  })

  it('takes a draft through review to a new deployed version', async () => {
    expect((await desk.post('/process-drafts', { xml: v2 })).status).toBe(403)
    expect((await customer.get('/processes')).status).toBe(403)

    const created = await owner.post<DraftView>('/process-drafts', { xml: v2 })
    expect(created.status).toBe(201)
    const draft = created.body
    expect(draft).toMatchObject({ bpmnProcessId: 'inbox-triage', state: 'draft', baseVersion: 1 })
    expect(draft.lint.filter((p) => p.category === 'error')).toEqual([])

    const diff = await owner.get<{ changed: { id: string }[]; againstVersion: number }>(
      `/process-drafts/${draft.id}/diff`,
    )
    expect(diff.body.againstVersion).toBe(1)
    expect(diff.body.changed.map((c) => c.id)).toEqual(['Task_TriageTicket'])

    // a stale edit loses nothing
    const stale = await owner.put(`/process-drafts/${draft.id}`, { xml: v2, version: 99 })
    expect(stale.status).toBe(409)
    expect(
      (await approver.put(`/process-drafts/${draft.id}`, { xml: v2, version: 1 })).status,
    ).toBe(403)

    expect((await owner.post(`/process-drafts/${draft.id}/submit`)).status).toBe(200)
    expect((await admin.post(`/process-drafts/${draft.id}/deploy`)).status).toBe(409)
    const selfApproval = await owner.post<{ detail: string }>(`/process-drafts/${draft.id}/approve`)
    expect(selfApproval.status).toBe(403)
    expect(selfApproval.body.detail).toMatch(/someone else/)
    const approved = await approver.post<DraftView>(`/process-drafts/${draft.id}/approve`)
    expect(approved.status).toBe(200)
    expect(approved.body).toMatchObject({ state: 'approved', approvedBy: 'approver' })
    expect((await owner.post(`/process-drafts/${draft.id}/deploy`)).status).toBe(403)

    // an instance running on version 1 before the deployment
    const running = await h.server.services.instances.start('inbox-triage', {
      caseKind: 'incident',
      caseId: 'INC-OLD',
    })
    const deployed = await admin.post<{ draft: DraftView; deployed: { version: number } }>(
      `/process-drafts/${draft.id}/deploy`,
    )
    expect(deployed.status).toBe(200)
    expect(deployed.body.deployed.version).toBe(2)
    expect(deployed.body.draft.state).toBe('deployed')

    const list = await auditor.get<ProcessView[]>('/processes')
    const proc = list.body.find((p) => p.bpmnProcessId === 'inbox-triage')!
    expect(proc.latestVersion).toBe(2)
    expect(proc.versions.map((v) => [v.version, v.state, v.approvedBy])).toEqual([
      [2, 'deployed', 'approver'],
      [1, 'superseded', null],
    ])

    // new instances start on version 2; the running one stays on version 1
    const fresh = await h.server.services.instances.start('inbox-triage', {
      caseKind: 'incident',
      caseId: 'INC-NEW',
    })
    expect(fresh.version).toBe(2)
    const tasks = await eventually(
      async () => {
        const r = await desk.get<{ items: TaskView[] }>('/tasks?bpmnProcessId=inbox-triage')
        const old = r.body.items.find((t) => t.caseId === 'INC-OLD')
        const neu = r.body.items.find((t) => t.caseId === 'INC-NEW')
        return old && neu ? { old, neu } : undefined
      },
      15_000,
      'tasks on both versions',
    )
    expect(tasks.old.processVersion).toBe(1)
    expect(tasks.old.name).toBe('Triage the ticket')
    expect(tasks.neu.processVersion).toBe(2)
    expect(tasks.neu.name).toBe('Triage and categorise the ticket')
    expect(tasks.neu.formId).toBe('inbox-triage-form')
    expect(running.version).toBe(1)
    const perVersion = await eventually(
      async () => {
        const r = await admin.get<ProcessView[]>('/processes')
        const p = r.body.find((x) => x.bpmnProcessId === 'inbox-triage')!
        return p.versions.every((v) => v.runningInstances >= 1) ? p : undefined
      },
      10_000,
      'running instance counts per version',
    )
    expect(perVersion.versions.map((v) => v.runningInstances)).toEqual([1, 1])

    // every step is evidence
    const evidence = await h.server.services.audit.list({ entityId: draft.id })
    expect(evidence.map((e) => e.action)).toEqual([
      'process-draft.created',
      'process-draft.submitted',
      'process-draft.approved',
      'process-draft.deployed',
    ])
    expect((await h.server.services.audit.verify()).ok).toBe(true)
  })

  it('serves the XML of every deployed version', async () => {
    const v = await auditor.get<{ xml: string; version: number }>(
      '/processes/inbox-triage/versions/1',
    )
    expect(v.status).toBe(200)
    expect(v.body.xml).toBe(v1)
    expect((await auditor.get('/processes/inbox-triage/versions/x')).status).toBe(400)
    expect((await auditor.get('/processes/nope/versions/1')).status).toBe(404)
  })
})

describe('forms are bound to the version they were deployed with', () => {
  it('keeps the old form for tasks of the old version after a new form version is deployed', async () => {
    const oldForm = JSON.parse(fixture('inbox-triage-form.form').toString('utf8')) as {
      components: object[]
    }
    const newForm = {
      ...oldForm,
      components: [
        ...oldForm.components,
        { type: 'textfield', key: 'rootCause', label: 'Root cause', id: 'Field_RootCause' },
      ],
    }
    const before = await h.server.services.instances.start('inbox-triage', {
      caseKind: 'incident',
      caseId: 'INC-FORM-OLD',
    })
    const formOf = async (caseId: string) => {
      const task = await eventually(
        async () => {
          const r = await desk.get<{ items: TaskView[] }>(`/tasks?caseId=${caseId}`)
          return r.body.items[0]
        },
        15_000,
        `the task of ${caseId}`,
      )
      const detail = await desk.get<{ form: { components: { key?: string }[] } }>(
        `/tasks/${task.id}`,
      )
      return { task, keys: detail.body.form.components.map((c) => c.key).filter(Boolean) }
    }
    // the old version's task exists before the new form version is deployed
    const oldTaskBefore = await formOf('INC-FORM-OLD')
    expect(oldTaskBefore.keys).not.toContain('rootCause')
    const v3 = v2.replace('name="Inbox triage"', 'name="Inbox triage (form v2)"')
    const deployed = await h.server.services.processes.deploy(
      [
        { name: 'inbox-triage-form.form', content: Buffer.from(JSON.stringify(newForm)) },
        { name: 'inbox-triage.bpmn', content: Buffer.from(v3) },
      ],
      { actor: 'admin' },
    )
    expect(deployed[0]?.version).toBe(3)
    const after = await h.server.services.instances.start('inbox-triage', {
      caseKind: 'incident',
      caseId: 'INC-FORM-NEW',
    })
    const oldTask = await formOf('INC-FORM-OLD')
    const newTask = await formOf('INC-FORM-NEW')
    expect(before.version).toBe(2)
    expect(after.version).toBe(3)
    expect(oldTask.keys).not.toContain('rootCause')
    expect(newTask.keys).toContain('rootCause')
    expect(oldTask.task.formKey).not.toBe(newTask.task.formKey)
  })
})
