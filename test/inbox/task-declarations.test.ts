/**
 * What user tasks declare in the diagram for the inbox, through HTTP as the roles work them:
 *
 * - the case fields a task shows (`context:`): the CAB decision shows the assessment the
 *   assessment task wrote on the RFC (ISO/IEC 20000-1 9.2), with names instead of ids; the
 *   customer's confirmation shows the resolution and never a staff-only field (8.1);
 * - segregation of duties (`sod:`, 4.1.3): the RFC's requester does not decide it at the CAB
 *   (9.2), the builder of a release does not approve it (9.3): 403 naming the rule on claim,
 *   assign and complete, and the task is not in their inbox; another member completes it;
 * - a draft whose `context:` or `sod:` properties name what does not exist cannot be submitted.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../server/src/paths'
import { testDatabaseTargets } from '../support/databases'
import { loginAt } from '../support/harness'
import { approvedChange, cabDecision, startHarness, type Harness } from '../processes/harness'

interface ContextItem {
  field: string
  label: string
  value: unknown
  display: string
  type: string
}
interface TaskDetail {
  task: { id: string; state: string; assignee: string | null }
  context: ContextItem[]
  segregation: { rule: string; reason: string } | null
}
interface Problem {
  status: number
  title: string
  detail: string
}
interface TaskList {
  items: { id: string; elementId: string }[]
}

const byField = (items: ContextItem[]) => Object.fromEntries(items.map((i) => [i.field, i]))

describe.each(testDatabaseTargets())(
  'task context and segregation of duties on $kind',
  (target) => {
    let h: Harness
    let ciId: string
    let serviceId: string

    beforeAll(async () => {
      h = await startHarness(target)
      serviceId = (await h.record('service', { name: 'Customer portal' })).id
      ciId = (await h.record('ci', { name: 'portal-web-01', ciType: 'application' })).id
    })
    afterAll(async () => {
      await h?.stop()
    })

    /** A normal change recorded by `change` (change manager and CAB member), assessed. */
    const assessedChange = async () => {
      const { id, instance } = await h.open('change', {
        title: 'Upgrade the portal',
        serviceId,
        data: { scope: 'Portal 2.0', reason: 'End of support' },
      })
      await h.complete(instance, 'Task_ClassifyChange', {
        changeType: 'normal',
        changeNature: 'service-change',
        potentialMajorImpact: false,
        affectedCiIds: [ciId],
      })
      await h.complete(instance, 'Task_AssessChange', {
        riskLevel: 'high',
        securityRisk: 'low',
        estimatedCost: 2500,
        remediationPlan: 'Restore the 1.9 image',
      })
      return { id, instance }
    }

    it('9.2: the CAB decision shows the assessment the assessment task wrote on the RFC, with names instead of ids', async () => {
      // given
      const { instance } = await assessedChange()
      const cabTask = await h.task(instance, 'Task_CabDecision')
      // when
      const cab = await h.as('cab')
      const res = await cab.get<TaskDetail>(`/tasks/${cabTask.id}`)
      // then
      expect(res.status).toBe(200)
      const context = byField(res.body.context)
      expect(context).toMatchObject({
        scope: { label: 'Scope', value: 'Portal 2.0', display: 'Portal 2.0' },
        risk: { label: 'Risk', value: 'high', display: 'high' },
        securityRisk: { label: 'Information security risk', value: 'low' },
        cost: { label: 'Cost', value: 2500, display: '2500', type: 'number' },
        remediationPlan: { label: 'Remediation plan', display: 'Restore the 1.9 image' },
        changeNature: { label: 'Nature of the change', display: 'Change to a service' },
        serviceId: { label: 'Service', value: serviceId, display: 'Customer portal' },
        affectedCis: {
          label: 'Affected CIs',
          value: [ciId],
          display: 'portal-web-01',
          type: 'list',
        },
      })
      // in the order the diagram lists them
      expect(res.body.context.map((i) => i.field).slice(0, 3)).toEqual([
        'scope',
        'reason',
        'changeNature',
      ])
      expect(res.body.segregation).toBeNull()
    })

    it('4.1.3, 9.2: the RFC requester is not offered the CAB decision and gets 403 naming the rule; another CAB member decides', async () => {
      // given: `change` recorded the RFC (so is its requester by default) and sits on the CAB
      const { id, instance } = await assessedChange()
      const cabTask = await h.task(instance, 'Task_CabDecision')
      const requester = await h.as('change')
      const member = await h.as('cab')
      const admin = await h.as('admin')

      // then: not in the requester's inbox, in the other member's
      const listed = await requester.get<TaskList>(`/tasks?view=all&caseId=${id}`)
      expect(listed.body.items.map((t) => t.elementId)).not.toContain('Task_CabDecision')
      const offered = await member.get<TaskList>(`/tasks?view=groups&caseId=${id}`)
      expect(offered.body.items.map((t) => t.id)).toContain(cabTask.id)
      // the task view says why
      const seen = await requester.get<TaskDetail>(`/tasks/${cabTask.id}`)
      expect(seen.body.segregation).toEqual({
        rule: 'sod:notRequester',
        reason: `You requested ${id}.`,
      })

      // when the requester claims it, or a lead assigns it to them
      const claimed = await requester.post<Problem>(`/tasks/${cabTask.id}/claim`)
      const assigned = await admin.post<Problem>(`/tasks/${cabTask.id}/assign`, {
        assignee: 'change',
      })
      // then 403, in document control's words, naming the rule
      expect(claimed.status).toBe(403)
      expect(claimed.body).toMatchObject({
        status: 403,
        title: 'Forbidden',
        detail: `You requested ${id}; someone else must complete “CAB decision” (segregation of duties, sod:notRequester; ISO/IEC 20000-1 4.1.3).`,
      })
      expect(assigned.status).toBe(403)
      expect(assigned.body.detail).toContain(`change requested ${id}; someone else must complete`)

      // when another member decides
      await h.complete(
        instance,
        'Task_CabDecision',
        cabDecision(true, 'benefit outweighs risk'),
        'cab',
      )
      // then the decision is on the record
      expect((await h.cases.findCase('change', id))?.data).toMatchObject({
        cabApproved: true,
        decisionRationale: 'benefit outweighs risk',
      })
    })

    it('4.1.3: a task claimed before its assignee became the requester cannot be completed by them (403 on complete)', async () => {
      // given: a CAB member claimed the decision
      const { id, instance } = await assessedChange()
      const cabTask = await h.task(instance, 'Task_CabDecision')
      const member = await h.as('cab')
      expect((await member.post(`/tasks/${cabTask.id}/claim`)).status).toBe(200)
      // and then the RFC is recorded as requested by them
      const manager = await h.as('change')
      const rfc = await manager.get<{ version: number }>(`/changes/${id}`)
      const patched = await manager.patch(`/changes/${id}`, {
        version: rfc.body.version,
        requester: 'cab',
      })
      expect(patched.status).toBe(200)
      // when they complete it
      const done = await member.post<Problem>(`/tasks/${cabTask.id}/complete`, {
        data: cabDecision(true, 'mine'),
      })
      // then 403 naming the rule, and the task still waits
      expect(done.status).toBe(403)
      expect(done.body.detail).toBe(
        `You requested ${id}; someone else must complete “CAB decision” (segregation of duties, sod:notRequester; ISO/IEC 20000-1 4.1.3).`,
      )
      const after = await member.get<TaskDetail>(`/tasks/${cabTask.id}`)
      expect(after.body.task).toMatchObject({ state: 'claimed', assignee: 'cab' })
      expect((await h.cases.findCase('change', id))?.data.cabApproved).toBeUndefined()
    })

    it('4.1.3, 9.3: whoever built a release does not approve it; a change manager who did not build it does', async () => {
      // given: a release manager who is also a change manager builds the release
      const admin = await h.as('admin')
      const password = 'Vq7#mTz2-kLp9wX'
      const created = await admin.post('/users', {
        username: 'rm-cm',
        displayName: 'Rita Release-and-Change',
        roles: ['staff'],
        password,
        groups: [{ id: 'release-managers' }, { id: 'change-managers' }],
      })
      expect(created.status).toBe(201)
      const builder = await loginAt(h.server.url, 'rm-cm', password)
      // a release comes from an approved change (9.3)
      const change = await approvedChange(h, 'Portal 2.0')
      const { id, instance } = await h.open('release', {
        title: 'Portal 2.0 release',
        data: { changeId: change.id },
      })
      await h.complete(instance, 'Task_RecordReleaseScope', { releaseType: 'minor' })
      await h.complete(instance, 'Task_PlanRelease', {
        plannedDeployment: '2026-12-01T10:00',
        deliverables: 'Portal 2.0',
        deploymentMethod: 'automated',
        acceptanceCriteria: 'Smoke tests pass',
        backOutPlan: 'Restore 1.9',
        measurementPeriod: 'P7D',
      })
      const build = await h.task(instance, 'Task_BuildRelease')
      expect((await builder.post(`/tasks/${build.id}/claim`)).status).toBe(200)
      const built = await builder.post(`/tasks/${build.id}/complete`, {
        data: { buildNotes: 'b', buildVersion: '2.0.0' },
      })
      expect(built.status).toBe(200)
      await h.complete(instance, 'Task_AcceptanceTest', {
        testEnvironment: 'UAT',
        testResults: 'All pass',
        acceptanceCriteriaMet: true,
      })
      const approval = await h.task(instance, 'Task_ApproveRelease')
      // then the builder is not offered the approval and may not claim it
      const listed = await builder.get<TaskList>(`/tasks?view=groups&caseId=${id}`)
      expect(listed.body.items.map((t) => t.elementId)).not.toContain('Task_ApproveRelease')
      const claimed = await builder.post<Problem>(`/tasks/${approval.id}/claim`)
      expect(claimed.status).toBe(403)
      expect(claimed.body.detail).toBe(
        'You completed “Build release” in this procedure; someone else must complete “Approve release” (segregation of duties, sod:notCompleterOf; ISO/IEC 20000-1 4.1.3).',
      )
      // and the other change manager is offered it and sees what they approve
      const manager = await h.as('change')
      const offered = await manager.get<TaskList>(`/tasks?view=groups&caseId=${id}`)
      expect(offered.body.items.map((t) => t.id)).toContain(approval.id)
      const detail = await manager.get<TaskDetail>(`/tasks/${approval.id}`)
      expect(byField(detail.body.context)).toMatchObject({
        buildVersion: { display: '2.0.0' },
        testResults: { display: 'All pass' },
        acceptanceCriteriaMet: { value: true, display: 'Yes', type: 'boolean' },
      })
      // when they approve
      await h.complete(instance, 'Task_ApproveRelease', { approved: true }, 'change')
      // then
      expect((await h.cases.findCase('release', id))?.data.approved).toBe(true)
    })

    it('8.1: the customer confirming the resolution sees it, and no staff-only field', async () => {
      // given an incident resolved by the desk
      const { id, instance } = await h.open('incident', {
        title: 'Cannot log in to the portal',
        requester: 'customer',
        data: { description: 'Login page spins' },
      })
      await h.complete(instance, 'Task_ClassifyIncident', {
        serviceId,
        category: 'access',
        impact: 3,
        urgency: 3,
        assignedGroup: 'service-desk',
        securityIncident: false,
        majorIncidentCandidate: false,
      })
      await h.complete(instance, 'Task_InvestigateAndDiagnose', {
        diagnosis: 'Expired session key',
      })
      await h.complete(instance, 'Task_ResolveIncident', {
        resolutionCode: 'fixed',
        resolution: 'Rotated the session signing key',
      })
      const confirm = await h.task(instance, 'Task_ConfirmResolution')
      // when the customer opens it
      const customer = await h.as('customer')
      const res = await customer.get<TaskDetail>(`/tasks/${confirm.id}`)
      // then the resolution is there, staff-only fields are not
      expect(res.status).toBe(200)
      expect(res.body.context).toEqual([
        {
          field: 'title',
          label: 'Title',
          value: 'Cannot log in to the portal',
          display: 'Cannot log in to the portal',
          type: 'text',
        },
        {
          field: 'description',
          label: 'Description',
          value: 'Login page spins',
          display: 'Login page spins',
          type: 'text',
        },
        {
          field: 'resolution',
          label: 'Resolution',
          value: 'Rotated the session signing key',
          display: 'Rotated the session signing key',
          type: 'text',
        },
      ])
      const incident = await customer.get<{ data: Record<string, unknown> }>(`/incidents/${id}`)
      expect(incident.body.data.resolution).toBe('Rotated the session signing key')
      expect(incident.body.data).not.toHaveProperty('resolutionCode')
      expect(incident.body.data).not.toHaveProperty('diagnosis')
    })

    it('4.3.2: a draft whose context: or sod: properties name what does not exist gets lint errors and cannot be submitted', async () => {
      // given the change procedure with a misspelt field and a task that does not exist
      const xml = readFileSync(join(repoRoot, 'processes', 'change.bpmn'), 'utf8')
        .replace('name="context:risk"', 'name="context:riskk"')
        .replace(
          '<zeebe:property name="sod:notRequester" value="true" />',
          '<zeebe:property name="sod:notRequester" value="true" />\n<zeebe:property name="sod:notCompleterOf" value="Task_Nope" />',
        )
      const owner = await h.as('owner')
      // when
      const draft = await owner.post<{
        id: string
        version: number
        lint: { rule: string; id: string; message: string; category: string }[]
      }>('/process-drafts', { bpmnProcessId: 'change', xml })
      // then
      expect(draft.status).toBe(201)
      const errors = draft.body.lint.filter((p) => p.category === 'error')
      expect(errors).toEqual(
        expect.arrayContaining([
          {
            rule: 'task-context',
            category: 'error',
            id: 'Task_CabDecision',
            message: 'context:riskk: request for change records have no field "riskk"',
          },
          {
            rule: 'segregation-of-duties',
            category: 'error',
            id: 'Task_CabDecision',
            message: 'sod:notCompleterOf: this process has no element "Task_Nope"',
          },
        ]),
      )
      const submitted = await owner.post<Problem>(`/process-drafts/${draft.body.id}/submit`, {
        version: draft.body.version,
      })
      expect(submitted.status).toBe(400)
    })
  },
)
