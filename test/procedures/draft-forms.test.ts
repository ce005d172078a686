/**
 * Forms under document control (ISO/IEC 20000-1 4.3.2): a process owner changes a user task's
 * form inside a procedure draft; the form is validated as the repository's forms are, only the
 * author edits it and only while the draft is editable, the approver sees the form change in
 * the diff, and the deployment binds the new process version to the new form version while an
 * instance started before keeps the old form. Every change is evidence (4.3.3). Runs through
 * HTTP on the real server, on PGlite and (with TEST_DATABASE_URL) on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TaskView } from '../../server/src/inbox/task-model'
import type {
  DraftFormView,
  DraftView,
  FormChange,
} from '../../server/src/processes/processes.service'
import { testDatabaseTargets } from '../support/databases'
import { eventually, startHarness, type ApiClient, type Harness } from '../support/harness'
import { deployTriage, fixture } from '../support/triage'

const bpmn = fixture('inbox-triage.bpmn').toString('utf8')
const formV1 = JSON.parse(fixture('inbox-triage-form.form').toString('utf8')) as {
  id: string
  components: Record<string, unknown>[]
}
const formV2 = {
  ...formV1,
  components: [
    ...formV1.components,
    { type: 'textfield', key: 'rootCause', label: 'Root cause', id: 'Field_RootCause' },
  ],
}
const FORM = 'inbox-triage-form'

interface Problem {
  status: number
  detail: string
  errors?: { path: string; message: string }[]
}

describe.each(testDatabaseTargets())('forms in procedure drafts on $kind', (target) => {
  let h: Harness
  let owner: ApiClient
  let approver: ApiClient
  let admin: ApiClient
  let desk: ApiClient
  let auditor: ApiClient

  beforeAll(async () => {
    h = await startHarness({ database: target, deployProcesses: false })
    await deployTriage(h)
    ;[owner, approver, admin, desk, auditor] = await Promise.all(
      ['owner', 'approver', 'admin', 'desk', 'auditor'].map((u) => h.login(u)),
    )
  })
  afterAll(async () => {
    await h?.stop()
  })

  /** A fresh draft of the owner's: the open one of an earlier test is discarded first. */
  const newDraft = async () => {
    let created = await owner.post<DraftView & { draftId?: string }>('/process-drafts', {
      xml: bpmn,
    })
    if (created.status === 409 && created.body.draftId) {
      // one open draft per process and author (4.3.2)
      const discarded = await owner.post(`/process-drafts/${created.body.draftId}/discard`, {
        reason: 'next test',
      })
      expect(discarded.status).toBe(200)
      created = await owner.post('/process-drafts', { xml: bpmn })
    }
    expect(created.status).toBe(201)
    return created.body
  }

  /** The field keys of the form the task of a case shows (GET /api/tasks/:id). */
  const formKeysOf = async (caseId: string) => {
    const task = await eventually(
      async () => (await desk.get<{ items: TaskView[] }>(`/tasks?caseId=${caseId}`)).body.items[0],
      15_000,
      `the task of ${caseId}`,
    )
    const detail = await desk.get<{ form: { components: { key?: string }[] } }>(`/tasks/${task.id}`)
    expect(detail.status).toBe(200)
    return detail.body.form.components.flatMap((c) => (c.key ? [c.key] : []))
  }

  it('lists the forms the draft links, starting from the deployed version', async () => {
    // given a draft of the deployed diagram
    const draft = await newDraft()
    // when anyone who reads procedures lists its forms
    const list = await auditor.get<DraftFormView[]>(`/process-drafts/${draft.id}/forms`)
    // then the linked form is offered in its deployed version, unchanged
    expect(list.status).toBe(200)
    expect(list.body).toEqual([
      expect.objectContaining({
        formId: FORM,
        linked: true,
        source: 'deployed',
        changed: false,
        base: expect.objectContaining({ source: 'deployed', version: 1 }),
      }),
    ])
    expect(list.body[0]?.schema).toEqual(formV1)
    const one = await auditor.get<DraftFormView>(`/process-drafts/${draft.id}/forms/${FORM}`)
    expect(one.body.schema).toEqual(formV1)
    expect((await auditor.get(`/process-drafts/${draft.id}/forms/unknown-form`)).status).toBe(404)
  })

  it.each([
    [
      'a form whose id is not the form id of the URL',
      { ...formV2, id: 'another-form' },
      '/schema/id',
    ],
    [
      'a form without components',
      { id: FORM, type: 'default', schemaVersion: 16 },
      '/schema/components',
    ],
    [
      'a select without values',
      { ...formV1, components: [{ type: 'select', key: 'impact', id: 'Field_Impact' }] },
      '/schema/components/0',
    ],
    [
      'two fields with the same key',
      {
        ...formV1,
        components: [
          { type: 'textfield', key: 'summary', id: 'Field_A' },
          { type: 'textfield', key: 'summary', id: 'Field_B' },
        ],
      },
      '/schema/components/1/key',
    ],
    [
      'a field whose pattern is no regular expression',
      {
        ...formV1,
        components: [{ type: 'textfield', key: 'x', id: 'Field_X', validate: { pattern: '(' } }],
      },
      '/schema/components/0/validate/pattern',
    ],
    [
      'a field whose pattern needs backtracking (a lookahead: RE2 cannot check it)',
      {
        ...formV1,
        components: [
          ...formV1.components,
          { type: 'textfield', key: 'x', id: 'Field_X', validate: { pattern: '^(?=.*\\d)\\w+$' } },
        ],
      },
      `/schema/components/${formV1.components.length}/validate/pattern`,
    ],
  ])('rejects %s with field errors', async (_what, schema, path) => {
    // given a draft
    const draft = await newDraft()
    // when the author saves an invalid form into it
    const res = await owner.put<Problem>(`/process-drafts/${draft.id}/forms/${FORM}`, {
      schema,
      version: draft.version,
    })
    // then it is a 400 naming the field, and the draft is unchanged
    expect(res.status).toBe(400)
    expect(res.body.errors?.map((e) => e.path)).toContain(path)
    const after = await owner.get<DraftView>(`/process-drafts/${draft.id}`)
    expect(after.body).toMatchObject({ version: draft.version, forms: [] })
  })

  it('rejects a malformed body and form id', async () => {
    const draft = await newDraft()
    const noSchema = await owner.put<Problem>(`/process-drafts/${draft.id}/forms/${FORM}`, {
      form: formV2,
    })
    expect(noSchema.status).toBe(400)
    const badId = await owner.put<Problem>(`/process-drafts/${draft.id}/forms/Bad_Id`, {
      schema: formV2,
    })
    expect(badId.status).toBe(400)
    expect(badId.body.errors?.[0]?.path).toBe('/formId')
  })

  it('lets only the author change the forms of a draft (4.3.2)', async () => {
    // given the owner's draft
    const draft = await newDraft()
    const path = `/process-drafts/${draft.id}/forms/${FORM}`
    // when an auditor, a service desk agent and another process owner try to save a form
    // then each is denied
    expect((await auditor.put(path, { schema: formV2 })).status).toBe(403)
    expect((await desk.put(path, { schema: formV2 })).status).toBe(403)
    const other = await approver.put<Problem>(path, { schema: formV2 })
    expect(other.status).toBe(403)
    expect(other.body.detail).toMatch(/author/)
    expect((await auditor.delete(path)).status).toBe(403)
    expect((await owner.get<DraftView>(`/process-drafts/${draft.id}`)).body.forms).toEqual([])
  })

  it('deploys a changed form with the draft: new instances get it, running ones keep theirs', async () => {
    // given an instance started on version 1 whose task shows the version 1 form
    await h.server.services.instances.start('inbox-triage', {
      caseKind: 'incident',
      caseId: 'INC-FORM-BEFORE',
    })
    expect(await formKeysOf('INC-FORM-BEFORE')).not.toContain('rootCause')

    // when the owner saves a changed form into a draft whose diagram is unchanged
    const draft = await newDraft()
    const saved = await owner.put<{ form: DraftFormView; draft: DraftView }>(
      `/process-drafts/${draft.id}/forms/${FORM}`,
      { schema: formV2, version: draft.version },
    )
    // then the draft carries it, as a change against the deployed version
    expect(saved.status).toBe(200)
    expect(saved.body.form).toMatchObject({ formId: FORM, source: 'draft', changed: true })
    expect(saved.body.draft).toMatchObject({
      state: 'draft',
      version: draft.version + 1,
      forms: [FORM],
    })
    // a stale save loses nothing
    const stale = await owner.put(`/process-drafts/${draft.id}/forms/${FORM}`, {
      schema: formV2,
      version: draft.version,
    })
    expect(stale.status).toBe(409)

    // and the approver sees the form change, field by field, next to the unchanged diagram
    const diff = await approver.get<{
      changed: unknown[]
      added: unknown[]
      forms: { added: FormChange[]; changed: FormChange[] }
    }>(`/process-drafts/${draft.id}/diff`)
    expect(diff.body.changed).toEqual([])
    expect(diff.body.added).toEqual([])
    expect(diff.body.forms.added).toEqual([])
    expect(diff.body.forms.changed).toEqual([
      {
        formId: FORM,
        source: 'draft',
        beforeVersion: 1,
        components: {
          added: [
            { id: 'Field_RootCause', type: 'textfield', label: 'Root cause', key: 'rootCause' },
          ],
          removed: [],
          changed: [],
        },
      },
    ])

    // once submitted, the form cannot be changed (the review covers what was submitted)
    const submitted = await owner.post<DraftView>(`/process-drafts/${draft.id}/submit`, {
      version: saved.body.draft.version,
    })
    expect(submitted.status).toBe(200)
    const late = await owner.put(`/process-drafts/${draft.id}/forms/${FORM}`, {
      schema: formV1,
    })
    expect(late.status).toBe(409)
    expect((await owner.delete(`/process-drafts/${draft.id}/forms/${FORM}`)).status).toBe(409)

    const approved = await approver.post<DraftView>(`/process-drafts/${draft.id}/approve`, {
      version: submitted.body.version,
    })
    expect(approved.status).toBe(200)
    const deployed = await admin.post<{
      draft: DraftView
      deployed: { version: number }
      forms: { formId: string; version: number }[]
    }>(`/process-drafts/${draft.id}/deploy`)

    // then a new process version exists although the diagram is unchanged, bound to form v2
    expect(deployed.status).toBe(200)
    expect(deployed.body.deployed.version).toBe(2)
    expect(deployed.body.forms).toEqual([expect.objectContaining({ formId: FORM, version: 2 })])
    const v2 = await auditor.get<{ xml: string }>('/processes/inbox-triage/versions/2')
    expect(v2.body.xml).toContain('<zeebe:versionTag value="forms.1" />')

    // new instances show the new form; the instance started before keeps the old one
    const fresh = await h.server.services.instances.start('inbox-triage', {
      caseKind: 'incident',
      caseId: 'INC-FORM-AFTER',
    })
    expect(fresh.version).toBe(2)
    expect(await formKeysOf('INC-FORM-AFTER')).toContain('rootCause')
    expect(await formKeysOf('INC-FORM-BEFORE')).not.toContain('rootCause')

    // a later draft starts from the deployed form v2
    const next = await newDraft()
    const forms = await owner.get<DraftFormView[]>(`/process-drafts/${next.id}/forms`)
    expect(forms.body[0]).toMatchObject({ source: 'deployed', base: { version: 2 } })

    // every step is evidence, the form saved with its checksum
    const evidence = await h.server.services.audit.list({ entityId: draft.id })
    expect(evidence.map((e) => e.action)).toEqual([
      'process-draft.created',
      'process-draft.form-saved',
      'process-draft.submitted',
      'process-draft.approved',
      'process-draft.deployed',
    ])
    expect(evidence[1]?.after).toMatchObject({ formId: FORM, formChecksum: expect.any(String) })
    expect(evidence[4]?.after).toMatchObject({
      versionTag: 'forms.1',
      forms: [expect.objectContaining({ formId: FORM, version: 2 })],
    })
    expect((await h.server.services.audit.verify()).ok).toBe(true)
  })

  it('refuses to deploy a draft whose form was stored with a pattern RE2 cannot check', async () => {
    // given an approved draft carrying a form stored before patterns were checked on save
    const draft = await newDraft()
    const legacy = {
      ...formV1,
      components: [
        ...formV1.components,
        { type: 'textfield', key: 'ref', id: 'Field_Ref', validate: { pattern: '^(\\w)\\1$' } },
      ],
    }
    await h.server.database.db
      .insertInto('draft_forms')
      .values({
        draft_id: draft.id,
        form_id: FORM,
        schema: JSON.stringify(legacy),
        updated_by: 'owner',
        updated_at: new Date(),
      })
      .execute()
    const submitted = await owner.post<DraftView>(`/process-drafts/${draft.id}/submit`, {
      version: draft.version,
    })
    const approved = await approver.post<DraftView>(`/process-drafts/${draft.id}/approve`, {
      version: submitted.body.version,
    })
    expect(approved.status).toBe(200)
    // when an admin deploys it
    const res = await admin.post<Problem>(`/process-drafts/${draft.id}/deploy`)
    // then it is refused naming the field, and nothing was deployed
    expect(res.status).toBe(400)
    expect(res.body.errors).toEqual([
      {
        path: `/forms/${FORM}/components/${formV1.components.length}/validate/pattern`,
        message: expect.stringMatching(/^the pattern of ref cannot be checked in linear time/),
      },
    ])
    expect((await owner.get<DraftView>(`/process-drafts/${draft.id}`)).body.state).toBe('approved')
  })

  it('returns a rejected draft to draft when a form is saved, and drops a form on request', async () => {
    // given a rejected draft carrying a form
    const draft = await newDraft()
    const saved = await owner.put<{ draft: DraftView }>(
      `/process-drafts/${draft.id}/forms/${FORM}`,
      { schema: { ...formV2, components: formV2.components.slice(1) } },
    )
    expect(saved.status).toBe(200)
    await owner.post(`/process-drafts/${draft.id}/submit`)
    const rejected = await approver.post<DraftView>(`/process-drafts/${draft.id}/reject`, {
      reason: 'Keep the heading',
    })
    expect(rejected.body.state).toBe('rejected')

    // when the author saves the form again
    const again = await owner.put<{ draft: DraftView }>(
      `/process-drafts/${draft.id}/forms/${FORM}`,
      { schema: formV2, version: rejected.body.version },
    )
    // then the draft is a draft again
    expect(again.status).toBe(200)
    expect(again.body.draft).toMatchObject({ state: 'draft', rejectedReason: null })

    // when the author drops the form
    const dropped = await owner.delete<DraftView>(
      `/process-drafts/${draft.id}/forms/${FORM}?version=${again.body.draft.version}`,
    )
    // then the draft carries no form and would deploy none
    expect(dropped.status).toBe(200)
    expect(dropped.body.forms).toEqual([])
    expect((await owner.delete(`/process-drafts/${draft.id}/forms/${FORM}`)).status).toBe(404)
    const diff = await owner.get<{ forms: { changed: FormChange[] } }>(
      `/process-drafts/${draft.id}/diff`,
    )
    expect(diff.body.forms.changed).toEqual([])
    const actions = (await h.server.services.audit.list({ entityId: draft.id })).map(
      (e) => e.action,
    )
    expect(actions).toEqual([
      'process-draft.created',
      'process-draft.form-saved',
      'process-draft.submitted',
      'process-draft.rejected',
      'process-draft.form-saved',
      'process-draft.form-removed',
    ])
  })

  it("does not change another procedure's form through this one", async () => {
    // given another procedure deployed with a form of its own
    const otherForm = { ...formV1, id: 'other-form' }
    await h.server.services.processes.deploy(
      [
        { name: 'other-form.form', content: Buffer.from(JSON.stringify(otherForm)) },
        {
          name: 'other-triage.bpmn',
          content: Buffer.from(
            bpmn.replaceAll(FORM, 'other-form').replaceAll('inbox-triage', 'other-triage'),
          ),
        },
      ],
      { actor: 'admin' },
    )
    // when a draft of inbox-triage tries to carry that form
    const draft = await newDraft()
    const res = await owner.put<Problem>(`/process-drafts/${draft.id}/forms/other-form`, {
      schema: { ...otherForm, components: formV2.components },
    })
    // then it is refused, naming the procedure it belongs to
    expect(res.status).toBe(409)
    expect(res.body.detail).toContain('other-triage')
  })
})
