/**
 * Build and test, the CMDB after deployment, and the review of a failed release (ISO/IEC
 * 20000-1 9.2, 9.1, 9.3), through HTTP as the roles work them on the embedded engine: a failed
 * test is recorded and the change is built again; the deployed CIs take the release's version
 * and their new status, and a baseline records them as deployed; a release that is backed out
 * or fails on its incident count goes to a review whose actions become problem and improvement
 * records before it closes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completedPath } from '../../engine/test-support'
import type { Baseline } from '../../server/src/cases/cmdb.service'
import { testDatabaseTargets } from '../support/databases'
import { cabDecision, plannedWindow, startHarness, type Harness } from './harness'

const DAY = 24 * 3_600_000

interface Ci {
  id: string
  ciVersion: string
  status: string
  data: Record<string, unknown>
}

describe.each(testDatabaseTargets())('build, deploy and review on $kind', (target) => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness(target)
  })
  afterAll(async () => {
    await h?.stop()
  })

  /** A change with these CIs approved by the CAB and scheduled: it waits at build and test. */
  const scheduledChange = async (title: string, affectedCiIds: string[]) => {
    const { id, instance } = await h.open('change', { title, data: { scope: title } })
    await h.complete(instance, 'Task_ClassifyChange', {
      changeType: 'normal',
      changeNature: 'ci-change',
      affectedCiIds,
    })
    await h.complete(instance, 'Task_AssessChange', {
      riskLevel: 'low',
      securityRisk: 'low',
      estimatedCost: 1,
      remediationPlan: 'Restore the previous version',
    })
    await h.complete(instance, 'Task_CabDecision', cabDecision(true, 'ok'))
    await h.complete(instance, 'Task_ScheduleChange', plannedWindow(h))
    return { id, instance }
  }

  /** The release a change started (`start-release`) and its instance. */
  const releaseOf = async (changeId: string) => {
    const id = await h.until(`release of ${changeId}`, async () => {
      const links = await h.cases.linksOf('change', changeId)
      return links.find((l) => l.fromKind === 'release')?.fromId
    })
    return { id, instance: await h.instanceOf('release', id) }
  }

  /** Plans, builds (version `buildVersion`), tests, approves, deploys and verifies a release. */
  const deployRelease = async (instance: string, buildVersion: string, verified: boolean) => {
    await h.complete(instance, 'Task_RecordReleaseScope', { releaseType: 'minor' })
    await h.complete(instance, 'Task_PlanRelease', {
      plannedDeployment: '2026-12-01T10:00',
      deliverables: `Build ${buildVersion}`,
      deploymentMethod: 'automated',
      acceptanceCriteria: 'All tests',
      backOutPlan: 'Restore',
      measurementPeriod: 'P7D',
    })
    await h.complete(instance, 'Task_BuildRelease', { buildNotes: 'built', buildVersion })
    await h.complete(instance, 'Task_AcceptanceTest', {
      testEnvironment: 'UAT',
      testResults: 'Pass',
      acceptanceCriteriaMet: true,
    })
    await h.complete(instance, 'Task_ApproveRelease', { approved: true })
    await h.complete(instance, 'Task_DeployRelease', {
      deployedAt: '2026-12-01T10:00',
      deploymentNotes: 'ok',
    })
    await h.complete(instance, 'Task_VerifyDeployment', {
      deploymentVerified: verified,
      verificationNotes: verified ? 'checked' : 'login broken',
    })
  }

  it('9.2: a failed test is recorded on the change and the change is built again before it is released', async () => {
    // given
    const ciId = (await h.record('ci', { name: 'web-01', ciType: 'application' })).id
    const { id, instance } = await scheduledChange('Upgrade web server', [ciId])
    // when: the first build fails its tests
    await h.complete(instance, 'Task_BuildAndTestChange', {
      buildNotes: 'build 1',
      testResult: 'failed',
      testFailure: 'TLS handshake test fails',
      remediationTested: false,
    })
    await h.task(instance, 'Task_BuildAndTestChange')
    const failed = await h.cases.findCase('change', id)
    await h.complete(instance, 'Task_BuildAndTestChange', {
      buildNotes: 'build 2',
      testResult: 'passed',
      testFailure: '',
      remediationTested: true,
    })
    const release = await releaseOf(id)
    // then: the failure was on the record, with evidence of both decisions
    expect(failed?.data).toMatchObject({ testResult: 'failed', testFailure: 'TLS handshake test fails' })
    const decided = (await h.trail({ entityId: id })).filter(
      (e) => e.action === 'change.decided' && JSON.stringify(e.after).includes('testResult'),
    )
    const decidedResult = (e: { after: unknown }) => (e.after as { data?: { testResult?: string } }).data?.testResult
    expect(decided.map(decidedResult)).toEqual(['failed', 'passed'])
    const path = await completedPath(h.engine.engine, instance)
    const from = path.indexOf('Task_BuildAndTestChange')
    expect(path.slice(from, path.indexOf('Task_StartRelease') + 1)).toEqual([
      'Task_BuildAndTestChange',
      'Gateway_HaveTestsPassed',
      'Gateway_MergeToBuild',
      'Task_BuildAndTestChange',
      'Gateway_HaveTestsPassed',
      'Task_StartRelease',
    ])
    // and the change goes on to its release
    await deployRelease(release.instance, '1.1', true)
    await h.complete(instance, 'Task_PostImplementationReview', { objectivesMet: true, reviewNotes: 'ok' })
    await h.reached(instance, 'EndEvent_ChangeClosed')
    await h.armed(release.instance, 'Timer_EarlyLifePeriodOver')
    await h.advance(8 * DAY)
    await h.reached(release.instance, 'EndEvent_ReleaseClosed')
  })

  it("9.1, 9.3: after deployment the CMDB writes each CI's new version and status, and a baseline records them", async () => {
    // given: two CIs in build at version 1.0
    const admin = await h.as('admin')
    const cis = [
      (await h.record('ci', { name: 'erp-app', ciType: 'application', ciVersion: '1.0', status: 'in-build' })).id,
      (await h.record('ci', { name: 'erp-db', ciType: 'database', ciVersion: '1.0', status: 'in-build' })).id,
    ]
    const { id, instance } = await scheduledChange('Deploy ERP 2.0', cis)
    await h.complete(instance, 'Task_BuildAndTestChange', { buildNotes: 'ERP 2.0', testResult: 'passed' })
    const release = await releaseOf(id)
    // when
    await deployRelease(release.instance, '2.0', true)
    await h.reached(instance, 'Task_UpdateCmdb')
    // then: the CIs carry the deployed version and status and name the change and release
    for (const ciId of cis) {
      const ci = (await admin.get<Ci>(`/cis/${ciId}`)).body
      expect(ci).toMatchObject({ ciVersion: '2.0', status: 'active' })
      expect(ci.data).toMatchObject({ lastChangeId: id, lastReleaseId: release.id })
      const history = (await admin.get<{ after: unknown }[]>(`/cis/${ciId}/history`)).body
      expect(JSON.stringify(history)).toContain('"2.0"')
    }
    // and the release has a baseline before deployment (1.0, in build) and one after (2.0, active)
    const listed = (await admin.get<Baseline[]>(`/baselines?releaseId=${release.id}`)).body
    expect(listed.map((b) => b.name).sort()).toEqual([`After release ${release.id}`, `Before release ${release.id}`])
    const snapshot = async (name: string) => {
      const b = (await admin.get<Baseline>(`/baselines/${listed.find((x) => x.name === name)!.id}`)).body
      return b.items.map((i) => i.snapshot as { id: string; ci_version: string; status: string })
    }
    expect(await snapshot(`Before release ${release.id}`)).toEqual(
      cis.map((ciId) => expect.objectContaining({ id: ciId, ci_version: '1.0', status: 'in-build' })),
    )
    expect(await snapshot(`After release ${release.id}`)).toEqual(
      cis.map((ciId) => expect.objectContaining({ id: ciId, ci_version: '2.0', status: 'active' })),
    )
    const path = await completedPath(h.engine.engine, instance)
    expect(path.slice(path.indexOf('Receive_ReleaseOutcome'))).toEqual(
      expect.arrayContaining(['Gateway_WasDeploymentSuccessful', 'Task_ApplyRecordEdits', 'Task_UpdateCmdb']),
    )
    await h.complete(instance, 'Task_PostImplementationReview', { objectivesMet: true, reviewNotes: 'ok' })
    await h.reached(instance, 'EndEvent_ChangeClosed')
    await h.armed(release.instance, 'Timer_EarlyLifePeriodOver')
    await h.advance(8 * DAY)
    await h.reached(release.instance, 'EndEvent_ReleaseClosed')
  })

  /** Ends a procedure a test started but does not drive (tested elsewhere), as an admin may. */
  const cancel = async (kind: 'problem' | 'improvement', id: string) => {
    const key = await h.instanceOf(kind, id)
    expect((await (await h.as('admin')).post(`/process-instances/${key}/cancel`, {})).status).toBe(202)
  }

  it('9.3, 8.2, 4.5.5: a backed-out release is reviewed, its actions become a problem and an improvement, then it closes', async () => {
    // given
    const ciId = (await h.record('ci', { name: 'crm-01', ciType: 'application', ciVersion: '3.0' })).id
    const { id, instance } = await scheduledChange('CRM 3.1', [ciId])
    await h.complete(instance, 'Task_BuildAndTestChange', { buildNotes: 'CRM 3.1', testResult: 'passed' })
    const release = await releaseOf(id)
    // when: the deployment fails verification and is backed out
    await deployRelease(release.instance, '3.1', false)
    await h.complete(release.instance, 'Task_BackOutRelease', { backOutDone: 'restored 3.0', failureInvestigation: 'schema' })
    const review = await h.task(release.instance, 'Task_ReviewFailedRelease')
    expect(await h.hasCompleted(release.instance, 'Task_CloseFailedRelease')).toBe(false)
    await h.complete(release.instance, 'Task_ReviewFailedRelease', {
      reviewFindings: 'The schema migration was not in the release package',
      reviewActions: 'Package migrations with the build; add a check to the release policy',
      openProblem: true,
      improvementOpportunity: true,
    })
    await h.reached(release.instance, 'EndEvent_FailedReleaseClosed')
    // then: the review is on the release and its actions are records linked to it
    expect(review.candidateGroups).toEqual(['change-managers'])
    const closed = await h.cases.findCase('release', release.id)
    expect(closed).toMatchObject({ status: 'closed' })
    expect(closed?.data).toMatchObject({
      closureCode: 'backed-out',
      reviewFindings: 'The schema migration was not in the release package',
      openProblem: true,
      improvementOpportunity: true,
    })
    const problemId = String(closed?.data.reviewProblemId)
    const improvementId = String(closed?.data.reviewImprovementId)
    const problem = await h.cases.findCase('problem', problemId)
    expect(problem?.data).toMatchObject({ detectedBy: 'release-review' })
    expect(String(problem?.data.description)).toContain('Package migrations with the build')
    expect((await h.cases.findCase('improvement', improvementId))?.data).toMatchObject({ source: 'release-review' })
    const links = await h.cases.linksOf('release', release.id)
    expect(links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ fromKind: 'problem', fromId: problemId, linkType: 'raised-from' }),
        expect.objectContaining({ fromKind: 'improvement', fromId: improvementId, linkType: 'raised-from' }),
      ]),
    )
    const path = await completedPath(h.engine.engine, release.instance)
    expect(path.slice(path.indexOf('Task_BackOutRelease'))).toEqual([
      'Task_BackOutRelease',
      'Task_ReportReleaseBackedOut',
      'Gateway_MergeFailedRelease',
      'Task_ReviewFailedRelease',
      'Task_RaiseReleaseActions',
      'Task_CloseFailedRelease',
      'EndEvent_FailedReleaseClosed',
      'release',
    ])
    expect(await h.hasCompleted(instance, 'Task_UpdateCmdb')).toBe(false)
    expect((await h.cases.find('ci', ciId))?.ciVersion).toBe('3.0')
    // the change remedies and is reviewed; the problem and improvement have their own procedures
    await h.complete(instance, 'Task_ExecuteRemediationPlan', { remediationDone: 'restored', failureInvestigation: 'schema' })
    await h.complete(instance, 'Task_PostImplementationReview', { objectivesMet: false, reviewNotes: 'backed out' })
    await h.reached(instance, 'EndEvent_ChangeClosed')
    await cancel('problem', problemId)
    await cancel('improvement', improvementId)
  })

  it('9.3: a release failing on its incident count after the measurement period is reviewed, not closed straight away', async () => {
    // given: a deployed release of a CI
    const ciId = (await h.record('ci', { name: 'pay-01', ciType: 'application' })).id
    const { id, instance } = await scheduledChange('Payments 5', [ciId])
    await h.complete(instance, 'Task_BuildAndTestChange', { buildNotes: 'Payments 5', testResult: 'passed' })
    const release = await releaseOf(id)
    await deployRelease(release.instance, '5', true)
    await h.complete(instance, 'Task_PostImplementationReview', { objectivesMet: true, reviewNotes: 'ok' })
    await h.reached(instance, 'EndEvent_ChangeClosed')
    await h.armed(release.instance, 'Timer_EarlyLifePeriodOver')
    // when: an incident on its CI in the measurement period (P7D)
    const incident = await h.open('incident', { title: 'Payments fail', requester: 'customer', ciId })
    await h.advance(8 * DAY)
    await h.complete(release.instance, 'Task_ReviewFailedRelease', {
      reviewFindings: 'Rounding error under load',
      reviewActions: 'Hotfix through a new change',
      openProblem: false,
      improvementOpportunity: false,
    })
    await h.reached(release.instance, 'EndEvent_FailedReleaseClosed')
    // then
    const closed = await h.cases.findCase('release', release.id)
    expect(closed?.data).toMatchObject({
      outcome: 'failure',
      relatedIncidents: [incident.id],
      closureCode: 'failed',
      reviewActions: 'Hotfix through a new change',
    })
    expect(closed?.data.reviewProblemId).toBeUndefined()
    const path = await completedPath(h.engine.engine, release.instance)
    expect(path.slice(path.indexOf('Task_CountReleaseIncidents'))).toEqual([
      'Task_CountReleaseIncidents',
      'Gateway_WasReleaseSuccessful',
      'Gateway_MergeFailedRelease',
      'Task_ReviewFailedRelease',
      'Task_RaiseReleaseActions',
      'Task_CloseFailedRelease',
      'EndEvent_FailedReleaseClosed',
      'release',
    ])
    expect(await h.hasCompleted(release.instance, 'Task_CloseRelease')).toBe(false)
    // and the incident runs to its end
    await h.complete(incident.instance, 'Task_ClassifyIncident', {
      category: 'software',
      impact: 3,
      urgency: 3,
      assignedGroup: 'service-desk',
    })
    await h.complete(incident.instance, 'Task_InvestigateAndDiagnose', { diagnosis: 'Release bug' })
    await h.complete(incident.instance, 'Task_ResolveIncident', { resolutionCode: 'fixed', resolution: 'Hotfix' })
    await h.complete(incident.instance, 'Task_ConfirmResolution', { resolutionConfirmed: true })
    await h.reached(incident.instance, 'EndEvent_IncidentClosed')
  })
})
