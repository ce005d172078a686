/**
 * Business rules of single workers on a real database and the real case services (the whole
 * procedures run in test/processes/*.e2e.test.ts on the engine).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../../test/support/databases'
import { CaseService, CatalogueService, CmdbService, systemActor } from '../cases'
import { AuditTrail } from '../evidence/audit-trail'
import { createLogger } from '../log'
import { NotificationService } from '../notifications/notification.service'
import { seedDemoUsers } from '../seed/demo'
import { applyChangePolicy } from './apply-change-policy.worker'
import { countReleaseIncidents } from './count-release-incidents.worker'
import type { JobData } from './define-worker'
import { defaultWorkerSettings, type WorkerDeps } from './deps'
import { detectIncidentTrend } from './detect-incident-trend.worker'
import { loadSlaTargets } from './load-sla-targets.worker'
import { defaultChangePolicy, type ChangeClass } from '../sms/documents/controlled-model'

let jobKey = 5000
const job = (type: string, variables: Record<string, unknown>): JobData => ({
  key: String(++jobKey),
  type,
  processInstanceKey: '1',
  bpmnProcessId: 'test',
  elementId: 'Task_Test',
  retries: 3,
  variables,
  customHeaders: {},
})
const admin = systemActor('test')
const NOW = new Date('2026-06-01T12:00:00Z')

describe.each(testDatabaseTargets())('worker rules on $kind', (target) => {
  let testDb: TestDatabase
  let deps: WorkerDeps

  beforeAll(async () => {
    testDb = await target.open()
    const db = testDb.database.db
    await seedDemoUsers(db)
    const audit = new AuditTrail(db)
    const log = createLogger('silent')
    deps = {
      db,
      cases: new CaseService({ db, audit, log }),
      cmdb: new CmdbService({ db, audit }),
      catalogue: new CatalogueService({ db, audit }),
      notifications: new NotificationService({ db }),
      messages: { publish: () => Promise.reject(new Error('no engine in this test')) },
      settings: { ...defaultWorkerSettings, trendThreshold: 2, trendPeriodHours: 24 * 3650 },
      log,
      now: () => NOW,
    }
  })
  afterAll(async () => {
    await testDb?.drop()
  })

  const ci = async (name: string) =>
    (await deps.cases.create('ci', { name, ciType: 'hardware' }, admin)).id

  it.each([
    ['service-transfer', 'standard', 'normal', true],
    ['ci-change', 'emergency', 'emergency', false],
  ])(
    '9.2, 4.3.3: a %s classified %s is recorded as the decision classed it (%s, major impact %s) with its version',
    async (changeNature, changeType, decidedType, major) => {
      // given: the deployment bound change-classification version 2 to process version pd-chg
      await deps.db
        .insertInto('deployed_decisions')
        .values({
          decision_key: '7001',
          decision_id: 'change-classification',
          name: 'Change class',
          version: 2,
          decision_requirements_key: '7000',
          decision_requirements_id: 'change-classification-drg',
          deployment_key: '6999',
        })
        .onConflict((oc) => oc.column('decision_key').doNothing())
        .execute()
      await deps.db
        .insertInto('process_version_decisions')
        .values({
          process_definition_key: 'pd-chg',
          decision_id: 'change-classification',
          decision_key: '7001',
        })
        .onConflict((oc) => oc.columns(['process_definition_key', 'decision_id']).doNothing())
        .execute()
      const { id } = await deps.cases.create('change', { title: 'c', data: { scope: 's' } }, admin)
      // when
      const result = await applyChangePolicy.run(
        {
          ...job('apply-change-policy', {
            caseKind: 'change',
            caseId: id,
            changeType,
            changeNature,
            changeClass: { changeType: decidedType, majorImpact: major },
          }),
          processDefinitionKey: 'pd-chg',
        },
        deps,
      )
      // then
      expect(result).toEqual({
        outcome: 'complete',
        variables: {
          changeType: decidedType,
          majorImpact: major,
          changeDecision: { decisionId: 'change-classification', version: 2, decisionKey: '7001' },
          // 9.2: who approves the class and its lead time, by the change policy in force
          changeApprovers:
            defaultChangePolicy.changeClasses[decidedType as ChangeClass].approverGroup,
          leadTimeHours:
            defaultChangePolicy.changeClasses[decidedType as ChangeClass].leadTimeHours,
        },
      })
      expect((await deps.cases.findCase('change', id))?.data).toMatchObject({
        changeType: decidedType,
        majorImpact: major,
        changeDecisionVersion: 2,
        changeDecisionKey: '7001',
      })
    },
  )

  it('9.2: a decision result without a change class fails the job instead of routing the RFC', async () => {
    const { id } = await deps.cases.create('change', { title: 'c', data: { scope: 's' } }, admin)
    const result = await applyChangePolicy.run(
      {
        ...job('apply-change-policy', {
          caseKind: 'change',
          caseId: id,
          changeType: 'normal',
          changeClass: null,
        }),
        processDefinitionKey: 'pd-chg',
      },
      deps,
    )
    expect(result).toMatchObject({
      outcome: 'fail',
      errorMessage: expect.stringContaining('gave no change class'),
    })
  })

  it('8.2 a: opens one problem per CI trend and links later incidents to the same open problem', async () => {
    // given
    const disk = await ci('disk-01')
    const incident = async () =>
      (
        await deps.cases.create(
          'incident',
          { title: 'Disk full', ciId: disk, requester: 'customer' },
          admin,
        )
      ).id
    const first = await incident()
    // when
    const below = await detectIncidentTrend.run(
      job('detect-incident-trend', { caseKind: 'incident', caseId: first }),
      deps,
    )
    const second = await incident()
    const opened = await detectIncidentTrend.run(
      job('detect-incident-trend', { caseKind: 'incident', caseId: second }),
      deps,
    )
    const third = await incident()
    const reused = await detectIncidentTrend.run(
      job('detect-incident-trend', { caseKind: 'incident', caseId: third }),
      deps,
    )
    // then
    expect(below).toEqual({
      outcome: 'complete',
      variables: { trendIncidentCount: 1, trendProblemId: null },
    })
    expect(opened).toMatchObject({ outcome: 'complete', variables: { trendIncidentCount: 2 } })
    const problemId =
      opened.outcome === 'complete'
        ? (opened.variables as { trendProblemId: string }).trendProblemId
        : ''
    expect(problemId).toMatch(/^PRB-/)
    expect(reused).toMatchObject({
      variables: { trendIncidentCount: 3, trendProblemId: problemId },
    })
    const problems = await deps.db
      .selectFrom('cases')
      .select('id')
      .where('kind', '=', 'problem')
      .where('ci_id', '=', disk)
      .execute()
    expect(problems).toHaveLength(1)
  })

  it('9.3: a release with incidents on its CIs after deployment is a failure; without, a success', async () => {
    // given
    const [good, bad] = [await ci('web-01'), await ci('web-02')]
    const release = async (ciId: string) =>
      (await deps.cases.create('release', { title: 'r', data: { affectedCis: [ciId] } }, admin)).id
    const ok = await release(good)
    const failed = await release(bad)
    await deps.cases.create(
      'incident',
      { title: 'Web down', ciId: bad, requester: 'customer' },
      admin,
    )
    const deployedAt = new Date(Date.now() - 3_600_000).toISOString()
    // when
    const success = await countReleaseIncidents.run(
      job('count-release-incidents', { caseKind: 'release', caseId: ok, deployedAt }),
      deps,
    )
    const failure = await countReleaseIncidents.run(
      job('count-release-incidents', { caseKind: 'release', caseId: failed, deployedAt }),
      deps,
    )
    // then
    expect(success).toEqual({
      outcome: 'complete',
      variables: { releaseIncidentCount: 0, releaseSuccessful: true },
    })
    expect(failure).toEqual({
      outcome: 'complete',
      variables: { releaseIncidentCount: 1, releaseSuccessful: false },
    })
    expect((await deps.cases.findCase('release', failed))?.data.outcome).toBe('failure')
  })

  it('8.1, 6.1: takes response and resolution targets from the agreed SLA of the service for the priority', async () => {
    // given
    const service = await deps.cases.create('service', { name: 'Payroll' }, admin)
    const targets = Object.fromEntries(
      ['1', '2', '3', '4'].map((p) => [
        p,
        { responseMinutes: 10 * Number(p), resolutionMinutes: 100 * Number(p) },
      ]),
    )
    await deps.cases.create(
      'sla',
      { name: 'Payroll SLA', serviceId: service.id, data: { targets } },
      admin,
    )
    const { id } = await deps.cases.create(
      'incident',
      { title: 'Payroll slow', serviceId: service.id, priority: 2, requester: 'customer' },
      admin,
    )
    // when
    const result = await loadSlaTargets.run(
      job('load-sla-targets', { caseKind: 'incident', caseId: id }),
      deps,
    )
    // then
    expect(result).toMatchObject({
      outcome: 'complete',
      variables: {
        responseDue: new Date(NOW.getTime() + 20 * 60_000).toISOString(),
        resolutionDue: new Date(NOW.getTime() + 200 * 60_000).toISOString(),
        confirmationPeriod: 'P3D',
      },
    })
  })
})
