/**
 * Capacity management and capacity-review.bpmn (ISO/IEC 20000-1 6.5) end to end through HTTP:
 * requirements per service and CI (current and forecast demand, performance target,
 * thresholds), utilisation recorded over the API and imported as CSV (a file with bad rows is
 * refused with an error per row and nothing is stored), a critical threshold raising an incident
 * or a change, and the periodic capacity review with and without a revision of the capacity plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CapacityRequirement, Measurement } from '../../server/src/delivery/capacity/capacity-model'
import type { CapacityReview } from '../../server/src/delivery/capacity/capacity-reviews.service'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type Harness } from './harness'

const DAY = 24 * 3_600_000

describe.each(testDatabaseTargets())('capacity management on $kind (6.5)', (target) => {
  let h: Harness
  let serviceId: string
  let storage: string
  let users: string

  beforeAll(async () => {
    h = await startHarness(target, { capacityReviewIntervalDays: 30 })
    serviceId = (await h.record('service', { name: 'Mail', ownerGroup: 'network' })).id
  })
  afterAll(async () => {
    await h?.stop()
  })

  const detail = async (id: string) =>
    (await (await h.as('auditor')).get<CapacityRequirement & { measurements: Measurement[] }>(`/capacity/requirements/${id}`)).body
  const requirement = (over: Record<string, unknown>) => ({
    serviceId,
    metric: 'storage',
    unit: 'TB',
    capacity: 10,
    currentDemand: 6,
    forecastDemand: 9,
    forecastDate: '2027-06-30',
    performanceTarget: 'Mailbox open under 2 s',
    warningPercent: 75,
    criticalPercent: 90,
    breachAction: 'change',
    ...over,
  })

  it('6.5: the service owner records capacity requirements per service and CI with thresholds', async () => {
    const owner = await h.as('network')
    // when the thresholds are upside down, or neither service nor CI is named
    expect((await owner.post('/capacity/requirements', requirement({ warningPercent: 95 }))).status).toBe(422)
    expect((await owner.post('/capacity/requirements', requirement({ serviceId: null }))).status).toBe(422)
    // and someone outside the owner group tries
    expect((await (await h.as('desk')).post('/capacity/requirements', requirement({}))).status).toBe(403)
    // then; when the owner records them
    const a = await owner.post<CapacityRequirement>('/capacity/requirements', requirement({}))
    expect(a.status, JSON.stringify(a.body)).toBe(201)
    const b = await owner.post<CapacityRequirement>('/capacity/requirements', requirement({ metric: 'concurrent users', unit: 'users', capacity: 1000, currentDemand: 400, forecastDemand: 700, breachAction: 'incident' }))
    expect(b.status).toBe(201)
    storage = a.body.id
    users = b.body.id
    expect(a.body).toMatchObject({ ownerGroup: 'network', forecastDate: '2027-06-30', latest: null })
  })

  it('6.5: a CSV file with bad rows is refused with an error per row and nothing is stored', async () => {
    // given a file with two good rows and three bad ones
    const csv = [
      'requirementId,measuredAt,value',
      `${storage},${new Date(h.clock.now() - DAY).toISOString()},6.5`,
      `CAP-999999,${new Date(h.clock.now()).toISOString()},1`,
      `${storage},yesterday,2`,
      `${users},${new Date(h.clock.now()).toISOString()},-4`,
      `${users},${new Date(h.clock.now()).toISOString()},500`,
    ].join('\n')
    // when it is imported
    const res = await (await h.as('network')).post<{ detail: string; errors: { path: string; message: string }[] }>('/capacity/measurements/import', { csv })
    // then the whole file is refused, each bad row named, and nothing stored
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('3 bad rows; nothing was stored')
    expect(res.body.errors.map((e) => e.path)).toEqual(['/csv/row/3', '/csv/row/4', '/csv/row/5'])
    expect(res.body.errors[0]!.message).toContain('no capacity requirement CAP-999999')
    expect(res.body.errors[1]!.message).toContain('measuredAt "yesterday"')
    expect(res.body.errors[2]!.message).toContain('value "-4"')
    expect((await detail(storage)).measurements).toEqual([])
    expect((await detail(users)).measurements).toEqual([])
    // and a file without the header is refused too
    const noHeader = await (await h.as('network')).post<{ errors: { message: string }[] }>('/capacity/measurements/import', { csv: `${storage},2026-01-01T00:00:00Z,1` })
    expect(noHeader.status).toBe(422)
    expect(noHeader.body.errors[0]!.message).toContain('header')
  })

  it('6.5: utilisation over the critical threshold raises a change or an incident, once while it is open', async () => {
    // when a good CSV file is imported: storage at 95 % (critical), users at 80 % (warning)
    const now = h.clock.now()
    const csv = [
      'measuredAt,requirementId,value',
      `${new Date(now - 2 * 3_600_000).toISOString()},${storage},7`,
      `${new Date(now - 3_600_000).toISOString()},${storage},9.5`,
      `${new Date(now - 3_600_000).toISOString()},${users},800`,
    ].join('\r\n')
    const imported = await (await h.as('network')).post<{ stored: number; raised: string[] }>('/capacity/measurements/import', { csv })
    expect(imported.status, JSON.stringify(imported.body)).toBe(201)
    expect(imported.body.stored).toBe(3)
    // then the critical one raised a change on the service (the requirement's action)
    expect(imported.body.raised).toHaveLength(1)
    const change = await h.cases.findCase('change', imported.body.raised[0]!)
    expect(change).toMatchObject({ serviceId })
    expect(change?.title).toContain('storage at 95%')
    const s = await detail(storage)
    expect(s.latest).toMatchObject({ value: 9.5, utilisationPercent: 95, level: 'critical', source: 'csv', raisedCaseId: change!.id })
    expect((await detail(users)).latest).toMatchObject({ utilisationPercent: 80, level: 'warning', raisedCaseId: null })
    // and a second critical measurement while the change is open raises nothing more
    const again = await (await h.as('network')).post<{ raised: string[] }>('/capacity/measurements', { measurements: [{ requirementId: storage, measuredAt: new Date(now).toISOString(), value: 9.8 }] })
    expect(again.status).toBe(201)
    expect(again.body.raised).toEqual([])
    // when the users requirement goes critical over the API it raises an incident
    const inc = await (await h.as('network')).post<{ raised: string[] }>('/capacity/measurements', { measurements: [{ requirementId: users, measuredAt: new Date(now).toISOString(), value: 960 }] })
    expect(inc.body.raised).toHaveLength(1)
    expect((await h.cases.findCase('incident', inc.body.raised[0]!))?.serviceId).toBe(serviceId)
    // the raised cases' procedures are not this test's subject
    await h.server.zeebe.cancelProcessInstance(await h.instanceOf('change', change!.id))
    await h.server.zeebe.cancelProcessInstance(await h.instanceOf('incident', inc.body.raised[0]!))
  })

  const reviewTask = async () => {
    const review = await h.until('a capacity review', async () =>
      (await (await h.as('auditor')).get<{ items: CapacityReview[] }>('/capacity/reviews')).body.items.find((r) => r.status === 'open'),
    )
    return { review, instance: review.processInstanceKey! }
  }

  it('6.5: the periodic review compares utilisation with thresholds and forecast and revises the capacity plan', async () => {
    // given a capacity plan in the SMS documents register
    const plan = await (await h.as('smsmgr')).post<{ id: string }>('/sms/documents', {
      kind: 'capacity-plan',
      title: 'Capacity plan',
      data: { capacityPlan: { currentAndForecastDemand: 'd', expectedImpact: 'i', performanceTargets: 't', actions: '' } },
    })
    expect(plan.status, JSON.stringify(plan.body)).toBe(201)
    // when the review interval has passed since the first requirement
    await h.advance(31 * DAY)
    const { review, instance } = await reviewTask()
    // then the review shows each requirement's utilisation against thresholds and forecast
    const line = review.summary.find((l) => l.requirementId === storage)!
    expect(line).toMatchObject({ measurements: 3, peakPercent: 98, criticals: 2, forecastPercent: 90 })
    // when the owner reviews it and the plan is revised
    await h.complete(instance, 'Task_ReviewCapacity', { findings: 'Storage critical', planUpdateNeeded: true, actions: 'Add 5 TB' }, 'network')
    await h.complete(instance, 'Task_UpdateCapacityPlan', { planDocumentId: plan.body.id, revisionSummary: 'Storage growth' }, 'smsmgr')
    await h.reached(instance, 'EndEvent_CapacityReviewed')
    for (const el of ['Gateway_CapacityReviewDue', 'Task_UpdateCapacityPlan', 'Task_RecordCapacityReview']) {
      expect(await h.hasCompleted(instance, el), el).toBe(true)
    }
    const done = (await (await h.as('auditor')).get<CapacityReview>(`/capacity/reviews/${review.id}`)).body
    expect(done).toMatchObject({ status: 'completed', reviewedBy: 'network', decision: { planUpdateNeeded: true, planDocumentId: plan.body.id } })
    expect((await h.trail({ entityId: review.id })).map((e) => e.action)).toEqual(['capacity-review.opened', 'capacity-review.recorded'])
  })

  it('6.5: a review that keeps the plan, and daily checks before the interval open none', async () => {
    // when a day passes: no review is due yet
    await h.advance(DAY)
    // when the next interval has passed
    await h.advance(30 * DAY)
    const { review, instance } = await reviewTask()
    await h.complete(instance, 'Task_ReviewCapacity', { findings: 'Within thresholds' }, 'network')
    await h.reached(instance, 'EndEvent_CapacityReviewed')
    expect(await h.hasCompleted(instance, 'Task_UpdateCapacityPlan')).toBe(false)
    const all = (await (await h.as('auditor')).get<{ items: CapacityReview[] }>('/capacity/reviews')).body.items
    expect(all).toHaveLength(2)
    expect(all.find((r) => r.id === review.id)?.decision).toMatchObject({ planUpdateNeeded: false })
  })
})
