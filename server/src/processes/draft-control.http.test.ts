/**
 * Drafts of one procedure side by side (ISO/IEC 20000-1 4.3.2, evidence 4.3.3), over HTTP on
 * PGlite and PostgreSQL: an author has one open draft of a procedure (a second is refused naming
 * it), names and discards it; a draft based on a version older than the deployed one is not
 * deployed over it (409 naming the newer version) until its author rebases it, having seen the
 * three-way comparison; a rejection needs a comment, an approval may carry one, and both are in
 * the draft's history and the evidence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets } from '../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'
import { deployTriage, fixture } from '../../../test/support/triage'
import type { DraftView, ThreeWayView } from './processes.model'

const v1 = fixture('inbox-triage.bpmn').toString('utf8')
/** The approver's change: the start event's name. */
const theirs = v1.replace('name="Ticket raised"', 'name="Ticket raised by a customer"')
/** The owner's change: the user task's name. */
const mine = v1.replace('name="Triage the ticket"', 'name="Triage and categorise the ticket"')
/** Both changes: what the owner's draft holds once rebased. */
const merged = theirs.replace('name="Triage the ticket"', 'name="Triage and categorise the ticket"')

interface Problem {
  status: number
  detail: string
  draftId?: string
  deployedVersion?: number
  errors?: { path: string }[]
}

describe.each(testDatabaseTargets())('drafts side by side on $kind', (database) => {
  let h: Harness
  let owner: ApiClient
  let approver: ApiClient
  let admin: ApiClient
  let auditor: ApiClient

  beforeAll(async () => {
    h = await startHarness({ database, deployProcesses: false })
    await deployTriage(h)
    ;[owner, approver, admin, auditor] = await Promise.all(
      ['owner', 'approver', 'admin', 'auditor'].map((u) => h.login(u)),
    )
  })
  afterAll(async () => {
    await h?.stop()
  })

  it('4.3.2: one open draft per procedure and author; named, discarded with evidence', async () => {
    // given an open draft of the owner
    const first = await owner.post<DraftView>('/process-drafts', { xml: mine })
    expect(first.status).toBe(201)
    expect(first.body.name).toBe('Change to inbox-triage by owner')
    // when the owner starts another of the same procedure
    const second = await owner.post<Problem>('/process-drafts', { xml: mine, name: 'Again' })
    // then it is refused, naming the open one; the list finds it as the owner's open draft
    expect(second.status).toBe(409)
    expect(second.body.draftId).toBe(first.body.id)
    const open = await owner.get<DraftView[]>(
      '/process-drafts?bpmnProcessId=inbox-triage&author=owner&open=true',
    )
    expect(open.body.map((d) => d.id)).toEqual([first.body.id])

    // the author names it; nobody else does, and a blank name is refused
    expect(
      (await approver.patch(`/process-drafts/${first.body.id}`, { name: 'Not mine' })).status,
    ).toBe(403)
    expect((await owner.patch(`/process-drafts/${first.body.id}`, { name: '  ' })).status).toBe(400)
    const named = await owner.patch<DraftView>(`/process-drafts/${first.body.id}`, {
      name: 'Clearer triage task',
      version: first.body.version,
    })
    expect(named.status).toBe(200)
    expect(named.body).toMatchObject({ name: 'Clearer triage task', version: 2 })

    // only the author discards it, at its current version; then a new draft may start
    expect((await approver.post(`/process-drafts/${first.body.id}/discard`, {})).status).toBe(403)
    expect(
      (await owner.post(`/process-drafts/${first.body.id}/discard`, { version: 1 })).status,
    ).toBe(409)
    const discarded = await owner.post<DraftView>(`/process-drafts/${first.body.id}/discard`, {
      reason: 'Starting over',
      version: 2,
    })
    expect(discarded.body).toMatchObject({
      state: 'discarded',
      discardedBy: 'owner',
      discardReason: 'Starting over',
    })
    expect((await owner.put(`/process-drafts/${first.body.id}`, { xml: mine, version: 3 })).status).toBe(409)
    const history = await auditor.get<{ action: string; comment: string | null }[]>(
      `/process-drafts/${first.body.id}/history`,
    )
    expect(history.body.map((e) => [e.action, e.comment])).toEqual([
      ['process-draft.created', null],
      ['process-draft.renamed', null],
      ['process-draft.discarded', 'Starting over'],
    ])
    const evidence = await h.server.services.audit.list({
      entityType: 'process-draft',
      entityId: first.body.id,
    })
    expect(evidence.map((e) => e.action)).toEqual([
      'process-draft.created',
      'process-draft.renamed',
      'process-draft.discarded',
    ])
  })

  it('4.3.2: a draft older than the deployed version is refused, rebased with the three-way diff, reviewed with comments and deployed with both changes', async () => {
    // given the owner's draft and the approver's draft, both based on version 1
    const mineDraft = (
      await owner.post<DraftView>('/process-drafts', { xml: mine, name: 'Clearer triage task' })
    ).body
    expect(mineDraft.baseVersion).toBe(1)
    const theirsDraft = (await approver.post<DraftView>('/process-drafts', { xml: theirs })).body
    expect((await owner.post(`/process-drafts/${mineDraft.id}/submit`)).status).toBe(200)
    expect((await approver.post(`/process-drafts/${theirsDraft.id}/submit`)).status).toBe(200)

    // what is in review is what gets approved: no change until reviewed or withdrawn
    const locked = await owner.put<Problem & { state?: string }>(`/process-drafts/${mineDraft.id}`, {
      xml: merged,
      version: 2,
    })
    expect(locked.status).toBe(409)
    expect(locked.body.state).toBe('in-review')
    expect(locked.body.detail).toMatch(/in review.*withdraws/)
    expect(
      (await owner.patch(`/process-drafts/${mineDraft.id}`, { name: 'Renamed', version: 2 })).status,
    ).toBe(409)
    expect((await approver.post(`/process-drafts/${mineDraft.id}/withdraw`)).status).toBe(403)
    const withdrawn = await owner.post<DraftView>(`/process-drafts/${mineDraft.id}/withdraw`, {
      version: 2,
    })
    expect(withdrawn.body).toMatchObject({ state: 'draft', submittedAt: null, version: 3 })
    expect((await owner.post(`/process-drafts/${mineDraft.id}/submit`)).status).toBe(200)

    // a rejection needs a comment; the owner reads it in the draft's history
    const blank = await approver.post<Problem>(`/process-drafts/${mineDraft.id}/reject`, {
      reason: '   ',
    })
    expect(blank.status).toBe(400)
    const rejected = await approver.post<DraftView>(`/process-drafts/${mineDraft.id}/reject`, {
      reason: 'Name the categories too',
    })
    expect(rejected.body).toMatchObject({ state: 'rejected', rejectedReason: 'Name the categories too' })
    expect((await owner.post(`/process-drafts/${mineDraft.id}/submit`)).status).toBe(200)
    const approved = await approver.post<DraftView>(`/process-drafts/${mineDraft.id}/approve`, {
      comment: 'Fine with the categories in the form',
    })
    expect(approved.body).toMatchObject({
      state: 'approved',
      approvedBy: 'approver',
      approvalComment: 'Fine with the categories in the form',
    })

    // when the approver's draft is deployed first (version 2)
    expect((await owner.post(`/process-drafts/${theirsDraft.id}/approve`)).status).toBe(200)
    const first = await admin.post<{ deployed: { version: number } }>(
      `/process-drafts/${theirsDraft.id}/deploy`,
    )
    expect(first.body.deployed.version).toBe(2)

    // then the owner's approved draft is not deployed over it: 409 naming version 2
    const refused = await admin.post<Problem>(`/process-drafts/${mineDraft.id}/deploy`)
    expect(refused.status).toBe(409)
    expect(refused.body.deployedVersion).toBe(2)
    expect(refused.body.detail).toMatch(/Version 2 of procedure inbox-triage was deployed/)
    expect((await h.server.services.processes.getVersion('inbox-triage', 'latest')).xml).toBe(
      theirs,
    )

    // the three-way comparison: base v1, theirs v2 (the start event), mine (the task)
    const three = await owner.get<ThreeWayView>(`/process-drafts/${mineDraft.id}/three-way`)
    expect(three.body).toMatchObject({
      behind: true,
      base: { version: 1, xml: v1 },
      theirs: { version: 2, xml: theirs, draftId: theirsDraft.id },
    })
    expect(three.body.elements.map((e) => [e.id, e.theirs, e.mine, e.conflict])).toEqual([
      ['StartEvent_TicketRaised', 'changed', 'same', false],
      ['Task_TriageTicket', 'same', 'changed', false],
    ])

    // only the author rebases, onto the version deployed now
    expect(
      (await approver.post(`/process-drafts/${mineDraft.id}/rebase`, { onto: 2 })).status,
    ).toBe(403)
    const stale = await owner.post<Problem>(`/process-drafts/${mineDraft.id}/rebase`, { onto: 1 })
    expect(stale.status).toBe(409)
    expect(stale.body.deployedVersion).toBe(2)
    // the rebase merges by itself: theirs (the start event) is taken over, mine stays
    const rebased = await owner.post<DraftView>(`/process-drafts/${mineDraft.id}/rebase`, {
      onto: 2,
    })
    expect(rebased.status).toBe(200)
    const names = (xml: string) => [...xml.matchAll(/ name="([^"]+)"/g)].map((m) => m[1])
    expect(names(rebased.body.xml ?? '')).toEqual(names(merged))
    // the approval is void: the rebased draft is reviewed again
    expect(rebased.body).toMatchObject({
      state: 'draft',
      baseVersion: 2,
      approvedBy: null,
      approvalComment: null,
    })
    expect((await admin.post(`/process-drafts/${mineDraft.id}/deploy`)).status).toBe(409)
    expect((await owner.post(`/process-drafts/${mineDraft.id}/submit`)).status).toBe(200)
    expect(
      (await approver.post(`/process-drafts/${mineDraft.id}/approve`, { comment: 'Rebased fine' }))
        .status,
    ).toBe(200)
    const deployed = await admin.post<{ deployed: { version: number } }>(
      `/process-drafts/${mineDraft.id}/deploy`,
    )
    expect(deployed.status).toBe(200)
    expect(deployed.body.deployed.version).toBe(3)
    expect(names((await h.server.services.processes.getVersion('inbox-triage', 3)).xml)).toEqual(
      names(merged),
    )

    // the history and the evidence keep the comments and the rebase
    const history = await auditor.get<{ action: string; comment: string | null }[]>(
      `/process-drafts/${mineDraft.id}/history`,
    )
    expect(history.body.map((e) => [e.action, e.comment])).toEqual([
      ['process-draft.created', null],
      ['process-draft.submitted', null],
      ['process-draft.withdrawn', null],
      ['process-draft.submitted', null],
      ['process-draft.rejected', 'Name the categories too'],
      ['process-draft.submitted', null],
      ['process-draft.approved', 'Fine with the categories in the form'],
      ['process-draft.rebased', null],
      ['process-draft.submitted', null],
      ['process-draft.approved', 'Rebased fine'],
      ['process-draft.deployed', null],
    ])
    const evidence = await h.server.services.audit.list({
      entityType: 'process-draft',
      entityId: mineDraft.id,
    })
    expect(evidence.find((e) => e.action === 'process-draft.rebased')?.after).toMatchObject({
      fromBaseVersion: 1,
      ontoVersion: 2,
      voided: 'approved',
      theirs: [{ id: 'StartEvent_TicketRaised', change: 'changed' }],
      mine: [{ id: 'Task_TriageTicket', change: 'changed' }],
      conflicts: [],
      takenOver: ['StartEvent_TicketRaised'],
    })
    expect((await h.server.services.audit.verify()).ok).toBe(true)
  })

  it('4.3.2: forms deployed with the procedure are part of the three-way check and the merge', async () => {
    const latest = (await owner.get<{ xml: string; version: number }>('/processes/inbox-triage/versions/latest')).body
    const form = JSON.parse(fixture('inbox-triage-form.form').toString('utf8')) as {
      components: { id: string; label?: string }[]
    }
    const labelled = (label: string) => ({
      ...form,
      components: form.components.map((c) => (c.id === 'Field_Summary' ? { ...c, label } : c)),
    })
    // given the owner's draft (the task renamed, the summary field relabelled) and another
    // owner's draft changing the same field's label, deployed first
    const mineDraft = (
      await owner.post<DraftView>('/process-drafts', {
        xml: latest.xml.replace('name="Triage and categorise the ticket"', 'name="Triage, categorise and route"'),
      })
    ).body
    const ownForm = await owner.put<{ draft: DraftView }>(
      `/process-drafts/${mineDraft.id}/forms/inbox-triage-form`,
      { schema: labelled('Short summary'), version: mineDraft.version },
    )
    expect(ownForm.status).toBe(200)
    const theirsDraft = (await approver.post<DraftView>('/process-drafts', { xml: latest.xml })).body
    const theirsForm = await approver.put<{ draft: DraftView }>(
      `/process-drafts/${theirsDraft.id}/forms/inbox-triage-form`,
      { schema: labelled('Summary of the ticket'), version: theirsDraft.version },
    )
    expect((await approver.post(`/process-drafts/${theirsDraft.id}/submit`, { version: theirsForm.body.draft.version })).status).toBe(200)
    expect((await owner.post(`/process-drafts/${theirsDraft.id}/approve`)).status).toBe(200)
    const deployed = await admin.post<{ deployed: { version: number } }>(`/process-drafts/${theirsDraft.id}/deploy`)
    expect(deployed.body.deployed.version).toBe(latest.version + 1)

    // then the form is one element of the three-way check, changed on both sides
    const three = await owner.get<ThreeWayView>(`/process-drafts/${mineDraft.id}/three-way`)
    expect(three.body.behind).toBe(true)
    expect(three.body.elements.map((e) => [e.id, e.theirs, e.mine, e.conflict])).toEqual([
      ['form:inbox-triage-form', 'changed', 'changed', true],
      ['Task_TriageTicket', 'same', 'changed', false],
    ])
    // the rebase does not choose for the author
    const refused = await owner.post<Problem & { conflicts?: string[] }>(
      `/process-drafts/${mineDraft.id}/rebase`,
      { onto: latest.version + 1 },
    )
    expect(refused.status).toBe(409)
    expect(refused.body.conflicts).toEqual(['form:inbox-triage-form'])
    // the author keeps the deployed version's form: the draft carries it from then on
    const rebased = await owner.post<DraftView>(`/process-drafts/${mineDraft.id}/rebase`, {
      onto: latest.version + 1,
      resolutions: { 'form:inbox-triage-form': 'theirs' },
    })
    expect(rebased.status).toBe(200)
    expect(rebased.body.xml).toContain('name="Triage, categorise and route"')
    const carried = await owner.get<{ schema: { components: { id: string; label?: string }[] } }>(
      `/process-drafts/${mineDraft.id}/forms/inbox-triage-form`,
    )
    expect(carried.body.schema.components.find((c) => c.id === 'Field_Summary')?.label).toBe(
      'Summary of the ticket',
    )
    expect((await owner.get<ThreeWayView>(`/process-drafts/${mineDraft.id}/three-way`)).body.behind).toBe(false)
    const evidence = await h.server.services.audit.list({ entityType: 'process-draft', entityId: mineDraft.id })
    expect(evidence.find((e) => e.action === 'process-draft.rebased')?.after).toMatchObject({
      conflicts: ['form:inbox-triage-form'],
      takenOver: ['form:inbox-triage-form'],
      resolutions: { 'form:inbox-triage-form': 'theirs' },
    })
  })
})
