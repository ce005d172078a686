/**
 * Information security management (ISO/IEC 20000-1 6.6) end to end through HTTP: the
 * information security policy as a controlled document approved by management and communicated
 * with acknowledgement (6.6.1), the controls register with owners, statuses, linked risks and
 * reviews (6.6.2), external parties' access with the controls agreed (6.6.2), changes of every
 * class assessed for security risk (6.6.3), and security-incident.bpmn: an incident classified as
 * a security incident is handled by the information security group and reported to the
 * authorities where required, with trends of type and volume (6.6.3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartyAccess, SecurityControl, SecurityIncident } from '../../server/src/security/security-model'
import { testDatabaseTargets } from '../support/databases'
import { cabDecision, startHarness, type Harness } from './harness'

const classify = (over: Record<string, unknown> = {}) => ({
  category: 'software',
  impact: 3,
  urgency: 3,
  assignedGroup: 'service-desk',
  securityIncident: true,
  majorIncidentCandidate: false,
  ...over,
})

describe.each(testDatabaseTargets())('information security management on $kind (6.6)', (target) => {
  let h: Harness
  let riskId: string
  let controlId: string

  beforeAll(async () => {
    h = await startHarness(target)
  })
  afterAll(async () => {
    await h?.stop()
  })

  it('6.6.1: the information security policy is approved by management and communicated with acknowledgement #6.6.1-1', async () => {
    const smsmgr = await h.as('smsmgr')
    // given a new version of the policy in the SMS documents register
    const created = await smsmgr.post<{ id: string; clauses: string[] }>('/sms/documents', {
      kind: 'security-policy',
      title: 'Information security policy 2027',
      content: '# Information security policy\nWe protect the information of our customers.',
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.body.clauses).toContain('6.6.1')
    const id = created.body.id
    // the information security team does not issue SMS documents itself
    expect((await (await h.as('secmgr')).post(`/sms/documents/${id}/submit`, {})).status).toBe(403)
    // when it is submitted, approved by another manager, made effective and communicated
    expect((await smsmgr.post(`/sms/documents/${id}/submit`, {})).status).toBe(200)
    // the author does not approve their own policy (4.3.2)
    expect((await smsmgr.post(`/sms/documents/${id}/approve`, { note: 'mine' })).status).toBe(403)
    const approved = await (await h.as('smsmgr2')).post(`/sms/documents/${id}/approve`, { note: 'Approved by management' })
    expect(approved.status, JSON.stringify(approved.body)).toBe(200)
    expect((await smsmgr.post(`/sms/documents/${id}/effective`, {})).status).toBe(200)
    const sent = await smsmgr.post(`/sms/documents/${id}/distribute`, { groups: ['information-security'] })
    expect(sent.status, JSON.stringify(sent.body)).toBe(200)
    type Policy = { id: string; effectiveVersion: number; approvedBy: string; communicatedTo: number; acknowledged: number }
    const policy = async () =>
      (await (await h.as('auditor')).get<{ items: Policy[] }>('/security/policy')).body.items.find((p) => p.id === id)!
    expect(await policy()).toMatchObject({ effectiveVersion: 1, approvedBy: 'smsmgr2', communicatedTo: 1, acknowledged: 0 })
    // then the person it went to acknowledges it
    expect((await (await h.as('secmgr')).post(`/sms/documents/${id}/acknowledge`, {})).status).toBe(200)
    expect(await policy()).toMatchObject({ communicatedTo: 1, acknowledged: 1 })
  })

  it('6.6.2: controls are recorded with owner, status, implementation and the risks they treat, and reviewed #6.6.2-1 #6.6.1-2', async () => {
    const sec = await h.as('secmgr')
    // given a security risk of the risk register
    const risk = await (await h.as('smsmgr')).post<{ id: string }>('/sms/risks', {
      title: 'Ransomware on file servers',
      category: 'security',
      likelihood: 3,
      impact: 5,
      owner: 'secmgr',
      treatmentOption: 'reduce',
    })
    expect(risk.status).toBe(201)
    riskId = risk.body.id
    const body = {
      reference: 'X.1',
      name: 'Immutable backups',
      theme: 'technological',
      owner: 'network',
      status: 'partially-implemented',
      implementation: 'Daily snapshots; offline copy weekly',
      riskIds: [riskId],
      reviewIntervalDays: 90,
    }
    // when the body is bad, the risk unknown, the owner no user, or the writer not allowed
    expect((await sec.post('/security/controls', { ...body, status: 'done' })).status).toBe(400)
    expect((await sec.post('/security/controls', { ...body, riskIds: ['RSK-999999'] })).status).toBe(422)
    expect((await sec.post('/security/controls', { ...body, owner: 'nobody' })).status).toBe(422)
    expect((await (await h.as('desk')).post('/security/controls', body)).status).toBe(403)
    expect((await (await h.as('auditor')).post('/security/controls', body)).status).toBe(403)
    // then nothing was recorded; when the information security team records it
    const created = await sec.post<SecurityControl>('/security/controls', body)
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    controlId = created.body.id
    expect(created.body).toMatchObject({ owner: 'network', riskIds: [riskId], reviewDue: false, version: 1 })
    // a reference is in the register once
    expect((await sec.post('/security/controls', body)).status).toBe(409)
    // the register answers by risk, and the security risks show the controls treating them
    const byRisk = await (await h.as('auditor')).get<{ items: SecurityControl[] }>(`/security/controls?riskId=${riskId}`)
    expect(byRisk.body.items.map((c) => c.id)).toEqual([controlId])
    const risks = await (await h.as('auditor')).get<{ items: { id: string; controls: { id: string }[] }[] }>('/security/risks')
    expect(risks.body.items.find((r) => r.id === riskId)?.controls.map((c) => c.id)).toEqual([controlId])
    // a stale version is refused
    const patched = await sec.patch<SecurityControl>(`/security/controls/${controlId}`, { version: 1, implementation: 'Daily snapshots; offline copy daily' })
    expect(patched.status).toBe(200)
    expect((await sec.patch(`/security/controls/${controlId}`, { version: 1, status: 'implemented' })).status).toBe(409)
    // when the review date passes, the control shows as due; its owner reviews it
    await h.advance(91 * 86_400_000)
    expect((await (await h.as('auditor')).get<SecurityControl>(`/security/controls/${controlId}`)).body.reviewDue).toBe(true)
    expect((await (await h.as('desk')).post(`/security/controls/${controlId}/reviews`, { status: 'implemented', effective: true })).status).toBe(403)
    const reviewed = await (await h.as('network')).post<SecurityControl & { reviews: { reviewedBy: string; effective: boolean }[] }>(
      `/security/controls/${controlId}/reviews`,
      { status: 'implemented', effective: true, notes: 'Restore test passed' },
    )
    expect(reviewed.status, JSON.stringify(reviewed.body)).toBe(201)
    expect(reviewed.body).toMatchObject({ status: 'implemented', reviewDue: false, lastReviewedBy: 'network' })
    expect(reviewed.body.reviews).toMatchObject([{ reviewedBy: 'network', effective: true }])
    expect((await h.trail({ entityId: controlId })).map((e) => e.action)).toEqual([
      'security-control.created',
      'security-control.updated',
      'security-control.reviewed',
    ])
  })

  it("6.6.2: external parties' access to information is recorded with the controls agreed, and revoked #6.6.2-2", async () => {
    const sec = await h.as('secmgr')
    const supplier = await h.server.database.db.selectFrom('suppliers').select(['id', 'name']).limit(1).executeTakeFirstOrThrow()
    const body = {
      partyType: 'supplier',
      supplierId: supplier.id,
      information: 'Backups of the file servers',
      access: 'Write access to the offsite backup store',
      controlIds: [controlId],
      agreedControls: 'Encryption at rest; NDA',
      validUntil: new Date(h.clock.now() + 30 * 86_400_000).toISOString(),
    }
    // when no control is agreed, a control is unknown, or a supplier's access names no supplier
    expect((await sec.post('/security/party-access', { ...body, controlIds: [], agreedControls: ' ' })).status).toBe(422)
    expect((await sec.post('/security/party-access', { ...body, controlIds: ['SC-999999'] })).status).toBe(422)
    expect((await sec.post('/security/party-access', { ...body, supplierId: null })).status).toBe(422)
    expect((await (await h.as('desk')).post('/security/party-access', body)).status).toBe(403)
    // then; when it is recorded
    const created = await sec.post<PartyAccess>('/security/party-access', body)
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.body).toMatchObject({ partyName: supplier.name, controlIds: [controlId], agreedBy: 'secmgr', status: 'active', expired: false })
    const listed = await (await h.as('auditor')).get<{ items: PartyAccess[] }>(`/security/party-access?supplierId=${supplier.id}`)
    expect(listed.body.items.map((a) => a.id)).toContain(created.body.id)
    // when the access ends it is revoked, in the evidence trail
    const revoked = await sec.patch<PartyAccess>(`/security/party-access/${created.body.id}`, { version: 1, status: 'revoked' })
    expect(revoked.body.status).toBe('revoked')
    expect((await h.trail({ entityId: created.body.id })).map((e) => e.action)).toEqual([
      'security-party-access.agreed',
      'security-party-access.revoked',
    ])
  })

  it('6.6.3: changes of every class are assessed for information security risk and their effect on the controls #6.6.3-a #6.6.3-b', async () => {
    // a normal change: the assessment records the security risk
    const normal = await h.open('change', { title: 'Firewall rules', data: { scope: 'fw' } })
    await h.complete(normal.instance, 'Task_ClassifyChange', { changeType: 'normal', changeNature: 'ci-change' })
    await h.complete(normal.instance, 'Task_AssessChange', {
      riskLevel: 'low',
      securityRisk: 'high',
      securityControlsEffect: 'Opens a port: A.8.20 network controls to be reviewed',
      estimatedCost: 1,
      remediationPlan: 'r',
    })
    await h.complete(normal.instance, 'Task_CabDecision', cabDecision(false, 'not now'))
    await h.reached(normal.instance, 'EndEvent_ChangeRejected')
    // an emergency change: the emergency CAB records it
    const emergency = await h.open('change', { title: 'Patch exploited VPN', data: { scope: 'vpn' } })
    await h.complete(emergency.instance, 'Task_ClassifyChange', { changeType: 'emergency', changeNature: 'ci-change' })
    const ecab = { riskAssessment: 'r', remediationPlan: 'r', approved: false, decisionRationale: 'wait' }
    // the emergency CAB cannot decide without it
    await expect(h.complete(emergency.instance, 'Task_EmergencyCabDecision', ecab)).rejects.toThrow()
    await h.complete(emergency.instance, 'Task_EmergencyCabDecision', { ...ecab, securityRisk: 'extensive' })
    await h.reached(emergency.instance, 'EndEvent_EmergencyChangeRejected')
    type Row = { id: string; changeType: string; securityRisk: string; securityControlsEffect: string | null; elevated: boolean }
    const items = (await (await h.as('auditor')).get<{ items: Row[] }>('/security/changes')).body.items
    expect(items.find((c) => c.id === normal.id)).toMatchObject({
      securityRisk: 'high',
      securityControlsEffect: 'Opens a port: A.8.20 network controls to be reviewed',
      elevated: true,
    })
    expect(items.find((c) => c.id === emergency.id)).toMatchObject({ changeType: 'emergency', securityRisk: 'extensive', elevated: true })
  })

  const securityInstance = async (incidentId: string) =>
    h.until(`security incident ${incidentId}`, async () => {
      const s = (await (await h.as('auditor')).get<SecurityIncident>(`/security/incidents/${incidentId}`)).body
      return s.processInstanceKey ?? undefined
    })

  it('6.6.3: a security incident is handled by the information security group and reported to the authorities #6.6.3-1', async () => {
    // given an incident classified as an information security incident
    const { id, instance } = await h.open('incident', { title: 'Mailbox accessed from abroad', requester: 'customer' })
    await h.complete(instance, 'Task_ClassifyIncident', classify())
    // then the security incident procedure starts beside it and tells the information security group
    const sec = await securityInstance(id)
    const handle = await h.task(sec, 'Task_HandleSecurityIncident')
    expect(handle.candidateGroups).toEqual(['information-security'])
    const told = await h.notifications.listFor({ username: 'secmgr', groups: ['information-security'] })
    expect(told.some((n) => n.caseId === id && n.template === 'security-incident')).toBe(true)
    // the incident's priority matches the security risk (priority matrix: at least 2)
    expect((await h.cases.findCase('incident', id))?.priority).toBe(2)
    // when the group handles it and reports it to the authorities
    await h.complete(sec, 'Task_HandleSecurityIncident', {
      securityCategory: 'unauthorised-access',
      informationAffected: 'One mailbox',
      containment: 'Password reset, sessions revoked',
      personalData: true,
      reportToAuthorities: true,
    }, 'secmgr')
    await h.complete(sec, 'Task_ReportSecurityIncident', { authority: 'Data protection authority', authorityReference: 'DPA-2027-17' }, 'secmgr')
    await h.reached(sec, 'EndEvent_SecurityIncidentHandled')
    for (const el of ['Task_OpenSecurityIncident', 'Gateway_ReportToAuthorities', 'Task_ReportSecurityIncident', 'Gateway_MergeReported', 'Task_RecordSecurityIncident']) {
      expect(await h.hasCompleted(sec, el), el).toBe(true)
    }
    const record = (await (await h.as('auditor')).get<SecurityIncident>(`/security/incidents/${id}`)).body
    expect(record).toMatchObject({
      status: 'handled',
      category: 'unauthorised-access',
      reportedToAuthorities: true,
      authority: 'Data protection authority',
      authorityReference: 'DPA-2027-17',
      handledBy: 'secmgr',
      notifiedGroups: ['information-security'],
      handling: { personalData: true, containment: 'Password reset, sessions revoked' },
    })
    expect(record.reportedAt).not.toBeNull()
    expect((await h.trail({ entityId: id })).map((e) => e.action)).toEqual(
      expect.arrayContaining(['security-incident.reported', 'security-incident.opened', 'security-incident.handled']),
    )
    // the incident procedure itself goes on (8.1)
    await h.task(instance, 'Task_InvestigateAndDiagnose')
    await h.server.zeebe.cancelProcessInstance(instance)
  })

  it('6.6.3: a security incident not reported to the authorities; type and volume analysed #6.6.3-2', async () => {
    const { id, instance } = await h.open('incident', { title: 'Malware on a laptop', requester: 'customer' })
    await h.complete(instance, 'Task_ClassifyIncident', classify({ impact: 2, urgency: 2 }))
    const sec = await securityInstance(id)
    await h.complete(sec, 'Task_HandleSecurityIncident', { securityCategory: 'malware', informationAffected: 'None', containment: 'Laptop reimaged' }, 'secmgr')
    await h.reached(sec, 'EndEvent_SecurityIncidentHandled')
    expect(await h.hasCompleted(sec, 'Task_ReportSecurityIncident')).toBe(false)
    expect((await (await h.as('auditor')).get<SecurityIncident>(`/security/incidents/${id}`)).body).toMatchObject({
      category: 'malware',
      reportedToAuthorities: false,
      authority: null,
    })
    // an incident that is not a security incident starts no such procedure
    const plain = await h.open('incident', { title: 'Printer jam', requester: 'customer' })
    await h.complete(plain.instance, 'Task_ClassifyIncident', classify({ securityIncident: false }))
    await h.task(plain.instance, 'Task_InvestigateAndDiagnose')
    expect((await (await h.as('auditor')).get(`/security/incidents/${plain.id}`)).status).toBe(404)
    // trends: per month and category, with the high-priority and reported ones
    type Trends = { total: number; lines: { category: string; count: number; reportedToAuthorities: number; highPriority: number }[] }
    // (from a day ago: the demo data's security incident is older)
    const since = new Date(h.clock.now() - 86_400_000).toISOString()
    const trends = (await (await h.as('auditor')).get<Trends>(`/security/incidents/trends?from=${since}`)).body
    expect(trends.total).toBe(2)
    expect(trends.lines.find((l) => l.category === 'malware')).toMatchObject({ count: 1, reportedToAuthorities: 0, highPriority: 1 })
    expect(trends.lines.find((l) => l.category === 'unauthorised-access')).toMatchObject({ count: 1, reportedToAuthorities: 1 })
    // customers see none of it
    expect((await (await h.as('customer')).get('/security/incidents')).status).toBe(403)
    for (const i of [instance, plain.instance]) await h.server.zeebe.cancelProcessInstance(i)
  })

  it('6.6.3: the demo data shows a handled security incident, with its handling and evidence #6.6.3-1', async () => {
    // given: a first start with demo data; the auditor reads (4.3.3)
    const auditor = await h.as('auditor')
    const { items } = (await auditor.get<{ items: SecurityIncident[] }>('/security/incidents')).body
    // then: the phishing incident is there, handled by the information security group
    const demo = items.find((i) => i.title === 'Phishing e-mail captured a password')
    expect(demo).toMatchObject({
      status: 'handled',
      priority: 2,
      category: 'unauthorised-access',
      reportedToAuthorities: false,
      handledBy: 'secmgr',
      notifiedGroups: ['information-security'],
      handling: { personalData: false },
    })
    expect(String(demo!.handling?.containment)).toContain('Account locked')
    // its incident is closed and classified a security incident (8.1)
    const incident = (await auditor.get<{ status: string; createdAt: string; closedAt: string; data: Record<string, unknown> }>(`/incidents/${demo!.incidentId}`)).body
    expect(incident).toMatchObject({ status: 'closed', data: { securityIncident: true } })
    // within the E-mail SLA's priority 2 resolution target (8 hours): the demo's targets stay met (6.2 a)
    expect(Date.parse(incident.closedAt) - Date.parse(incident.createdAt)).toBeLessThanOrEqual(8 * 3_600_000)
    // and its handling is evidence
    const trail = await h.trail({ entityId: demo!.incidentId })
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['incident.created', 'security-incident.handled']))
    // in the trends of the year
    const trends = (await auditor.get<{ total: number }>('/security/incidents/trends')).body
    expect(trends.total).toBeGreaterThanOrEqual(1)
  })
})
