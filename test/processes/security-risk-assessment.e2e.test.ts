/**
 * security-risk-assessment.bpmn (ISO/IEC 20000-1 6.6.1: information security risk assessment at
 * planned intervals, using the risk register) end to end through HTTP: the daily check opens an
 * assessment once the interval has passed, with the security risks of the register and the
 * controls treating them; the information security group assesses them and, when treatment is
 * needed, plans it with actions, an owner and a due date; the results are recorded with their
 * evidence. Daily checks before the interval open none. The engine's test clock drives the timer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SecurityRiskAssessment } from '../../server/src/security/risk-assessments.service'
import { testDatabaseTargets } from '../support/databases'
import { completedPath } from './completed-path'
import { startHarness, type Harness } from './harness'

const DAY = 24 * 3_600_000
const INTERVAL_DAYS = 10

describe.each(testDatabaseTargets())('security risk assessment on $kind (6.6.1)', (target) => {
  let h: Harness
  let riskId: string

  beforeAll(async () => {
    h = await startHarness(target, { securityRiskAssessmentIntervalDays: INTERVAL_DAYS })
  })
  afterAll(async () => {
    await h?.stop()
  })

  const assessments = async () =>
    (await (await h.as('auditor')).get<{ items: SecurityRiskAssessment[] }>('/security/risk-assessments')).body.items
  const openAssessment = () =>
    h.until('a security risk assessment', async () => (await assessments()).find((a) => a.status === 'open'))

  it('6.6.1: the demo data holds a security risk assessment with its treatment', async () => {
    const demo = (await assessments()).find((a) => a.processInstanceKey === 'demo-seed')
    expect(demo).toMatchObject({ status: 'completed', assessedBy: 'secmgr', assessment: { treatmentNeeded: true } })
    expect(demo!.risks.length).toBeGreaterThanOrEqual(2)
  })

  it('6.6.1: at the planned interval the security risks of the register are assessed, treated, and the results recorded', async () => {
    // given a security risk of the register, with a control of the controls register treating it
    const risk = await (await h.as('smsmgr')).post<{ id: string }>('/sms/risks', {
      title: 'Stolen laptop exposes customer data',
      category: 'security',
      likelihood: 3,
      impact: 4,
      owner: 'secmgr',
      treatmentOption: 'reduce',
      treatment: 'Disk encryption',
    })
    expect(risk.status, JSON.stringify(risk.body)).toBe(201)
    riskId = risk.body.id
    const control = await (await h.as('secmgr')).post<{ id: string }>('/security/controls', {
      reference: 'A.8.1-SRA',
      name: 'Encrypted user end point devices',
      theme: 'technological',
      owner: 'secmgr',
      status: 'implemented',
      riskIds: [riskId],
    })
    expect(control.status, JSON.stringify(control.body)).toBe(201)
    // when the interval has passed
    await h.advance((INTERVAL_DAYS + 1) * DAY)
    const assessment = await openAssessment()
    const instance = assessment.processInstanceKey!
    // then the assessment shows the security risks of the register with the controls treating them
    const line = assessment.risks.find((r) => r.riskId === riskId)
    expect(line).toMatchObject({ score: 12, owner: 'secmgr', controls: [{ id: control.body.id, status: 'implemented' }] })
    expect(assessment.risks.every((r) => r.score >= 1)).toBe(true)
    // the task goes to the information security group: others may not claim it
    expect((await h.task(instance, 'Task_AssessSecurityRisks')).candidateGroups).toEqual(['information-security'])
    // when the group assesses the risks and decides treatment is needed, and plans it
    await h.complete(instance, 'Task_AssessSecurityRisks', { findings: 'Laptop theft rose', riskChanges: `${riskId}: likelihood 3 → 4`, treatmentNeeded: true }, 'secmgr')
    await h.complete(
      instance,
      'Task_TreatSecurityRisks',
      { treatmentPlan: 'Remote wipe for every laptop', treatmentActions: 'Roll out remote wipe', actionOwner: 'network', actionDue: '2027-03-31' },
      'secmgr',
    )
    await h.reached(instance, 'EndEvent_SecurityRisksAssessed')
    // then the path went through assessment, treatment and record
    expect(await completedPath(h, instance)).toEqual([
      'StartEvent_SecurityRiskAssessmentCheck',
      'Task_OpenSecurityRiskAssessment',
      'Gateway_AssessmentDue',
      'Task_AssessSecurityRisks',
      'Gateway_TreatmentNeeded',
      'Task_TreatSecurityRisks',
      'Gateway_MergeTreatment',
      'Task_RecordSecurityRiskAssessment',
      'EndEvent_SecurityRisksAssessed',
    ])
    // and the results are recorded with their evidence
    const done = (await (await h.as('auditor')).get<SecurityRiskAssessment>(`/security/risk-assessments/${assessment.id}`)).body
    expect(done).toMatchObject({
      status: 'completed',
      assessedBy: 'secmgr',
      assessment: { findings: 'Laptop theft rose', treatmentNeeded: true },
      treatment: { plan: 'Remote wipe for every laptop', actionOwner: 'network', actionDue: '2027-03-31' },
    })
    expect((await h.trail({ entityId: assessment.id })).map((e) => e.action)).toEqual([
      'security-risk-assessment.opened',
      'security-risk-assessment.recorded',
    ])
    // customers see none of it
    expect((await (await h.as('customer')).get('/security/risk-assessments')).status).toBe(403)
  })

  it('6.6.1: daily checks before the interval open none; the next assessment may need no treatment', async () => {
    // when a day passes: no assessment is due yet
    await h.advance(DAY)
    expect((await assessments()).filter((a) => a.status === 'open')).toEqual([])
    // when the next interval has passed
    await h.advance(INTERVAL_DAYS * DAY)
    const assessment = await openAssessment()
    const instance = assessment.processInstanceKey!
    await h.complete(instance, 'Task_AssessSecurityRisks', { findings: 'No change' }, 'secmgr')
    await h.reached(instance, 'EndEvent_SecurityRisksAssessed')
    expect(await completedPath(h, instance)).toEqual([
      'StartEvent_SecurityRiskAssessmentCheck',
      'Task_OpenSecurityRiskAssessment',
      'Gateway_AssessmentDue',
      'Task_AssessSecurityRisks',
      'Gateway_TreatmentNeeded',
      'Gateway_MergeTreatment',
      'Task_RecordSecurityRiskAssessment',
      'EndEvent_SecurityRisksAssessed',
    ])
    // (besides the demo data's assessment, done when it was seeded)
    const all = (await assessments()).filter((a) => a.processInstanceKey !== 'demo-seed')
    expect(all).toHaveLength(2)
    expect(all.find((a) => a.id === assessment.id)).toMatchObject({ treatment: null, assessment: { treatmentNeeded: false } })
  })
})
