/**
 * service-review.bpmn (ISO/IEC 20000-1 6.1, 7.1) end to end over HTTP: the relationship manager
 * records a customer organisation with its services and contacts; at the planned interval the
 * daily check records a service review per service; its performance is taken from the stored
 * report snapshots (6.2); the review with the customer records changes to requirements (raised
 * as a change, 9.2) and actions tracked to closure. The engine's test clock drives the timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets } from '../support/databases'
import { cabDecision, startHarness, type Harness } from './harness'

const DAY = 24 * 3_600_000

interface Review {
  id: string
  status: string
  serviceId: string | null
  assignee: string | null
  data: Record<string, unknown>
}
interface Action {
  id: string
  owner: string
  status: string
}

describe.each(testDatabaseTargets())('service review procedure on $kind', (target) => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness(target)
  })
  afterAll(async () => {
    await h?.stop()
  })

  /** A form date-time `days` from the test clock's now. */
  const inDays = (days: number) => new Date(h.clock.now() + days * DAY).toISOString().slice(0, 16)

  it('6.1: customers are organisations with a named relationship manager and customer contacts', async () => {
    const relman = await h.as('relman')
    // a relationship manager must be staff; contacts must be customers, of one organisation only
    expect(
      (await relman.post('/relationship/customers', { name: 'Fabrikam', relationshipManager: 'customer' })).status,
    ).toBe(422)
    const created = await relman.post<{ id: string; contacts: unknown[] }>('/relationship/customers', {
      name: 'Fabrikam',
      relationshipManager: 'relman',
    })
    expect(created.status).toBe(201)
    expect((await relman.post('/relationship/customers', { name: 'fabrikam', relationshipManager: 'relman' })).status).toBe(409)
    expect((await relman.put(`/relationship/customers/${created.body.id}/contacts/desk`)).status).toBe(422)
    // customer2 is a contact of the demo's Contoso Logistics already
    expect((await relman.put(`/relationship/customers/${created.body.id}/contacts/customer2`)).status).toBe(409)
    // bad input and other roles
    expect((await relman.post('/relationship/customers', { name: '' })).status).toBe(400)
    expect((await (await h.as('desk')).post('/relationship/customers', { name: 'X', relationshipManager: 'relman' })).status).toBe(403)
    expect((await (await h.as('customer')).get('/relationship/customers')).status).toBe(403)
    const listed = await (await h.as('auditor')).get<{ items: { name: string; relationshipManager: string; contacts: { username: string }[] }[] }>(
      '/relationship/customers',
    )
    expect(listed.body.items.find((o) => o.name === 'Northwind Traders')).toMatchObject({
      relationshipManager: 'relman',
      contacts: [expect.objectContaining({ username: 'customer' })],
    })
  })

  it('6.1: the service is reviewed with the customer at the planned interval, from the stored reports, with requirement changes raised and actions tracked to closure', async () => {
    // given: a customer taking the e-mail service, its review due tomorrow
    const relman = await h.as('relman')
    const services = await relman.get<{ items: { id: string; name: string }[] }>('/services')
    const email = services.body.items.find((s) => s.name === 'E-mail')!
    const org = await relman.post<{ id: string }>('/relationship/customers', {
      name: 'Tailspin Toys',
      relationshipManager: 'relman',
      services: [email.id],
      reviewIntervalDays: 90,
      nextReviewAt: new Date(h.clock.now() + DAY / 2).toISOString(),
    })
    expect(org.status).toBe(201)
    // and a stored service report covering the period (6.2)
    const owner = await h.as('owner')
    const def = await owner.post<{ id: string }>('/reports/definitions', {
      name: 'Quarterly service report',
      audience: 'Customers',
      sections: ['sla-performance', 'satisfaction'],
      period: {
        kind: 'fixed',
        from: new Date(h.clock.now() - 60 * DAY).toISOString(),
        to: new Date(h.clock.now()).toISOString(),
      },
      granularity: 'month',
      schedule: 'none',
    })
    const snapshot = await owner.post<{ id: string; sha256: string }>(`/reports/definitions/${def.body.id}/run`, {})
    expect(snapshot.status).toBe(201)

    // when: the daily check runs after the planned date
    await h.advance(DAY + 60_000)
    const reviewId = await h.until('a service review recorded by the interval check', async () => {
      const row = await h.database.db
        .selectFrom('cases')
        .select('id')
        .where('kind', '=', 'service-review')
        .where('created_by', '=', 'system:start-due-service-reviews')
        .where('service_id', '=', email.id)
        .executeTakeFirst()
      return row?.id
    })
    const instance = await h.instanceOf('service-review', reviewId)
    await h.task(instance, 'Task_HoldServiceReview')

    // then: the review names the customer, is the relationship manager's, and carries the
    // performance from the stored snapshot (its id and hash), not recomputed
    const review = (await relman.get<Review>(`/service-reviews/${reviewId}`)).body
    expect(review).toMatchObject({ serviceId: email.id, assignee: 'relman', data: { organisationId: org.body.id } })
    const performance = review.data.performance as { snapshots: { id: string; sha256: string }[] }
    expect(performance.snapshots).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: snapshot.body.id, sha256: snapshot.body.sha256 })]),
    )
    // the next review is planned an interval on
    const planned = await relman.get<{ nextReviewAt: string }>(`/relationship/customers/${org.body.id}`)
    expect(new Date(planned.body.nextReviewAt).getTime()).toBeGreaterThan(h.clock.now() + 89 * DAY)

    // when: the review is held with the customer: requirements changed, one action agreed
    await h.complete(instance, 'Task_HoldServiceReview', {
      attendees: [
        { name: 'Rita Relationship-Manager', role: 'Relationship manager' },
        { name: 'Tailspin IT lead', role: 'Customer' },
      ],
      performanceSummary: 'All targets met.',
      customerFeedback: 'Mailbox quota too small.',
      requirementsChanged: true,
      requirementChanges: 'Raise the mailbox quota to 50 GB in the SLA.',
      actions: [{ title: 'Send the quota proposal', owner: 'relman', due: inDays(5) }],
    })
    await h.armed(instance, 'Timer_ServiceReviewFollowUp')

    // then: the requirement change is an RFC linked to the review (9.2)
    const links = await relman.get<{ links: { fromKind: string; fromId: string; toKind: string; toId: string; linkType: string }[] }>(
      `/service-reviews/${reviewId}`,
    )
    expect(links.body.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ fromKind: 'change', toKind: 'service-review', toId: reviewId, linkType: 'raised-from' }),
      ]),
    )
    // the RFC runs its own procedure to an end (here the CAB defers it to the SLA renewal)
    const rfcId = links.body.links.find((l) => l.fromKind === 'change')!.fromId
    expect((await h.cases.findCase('change', rfcId))?.data.scope).toBe(
      'Raise the mailbox quota to 50 GB in the SLA.',
    )
    const change = await h.instanceOf('change', rfcId)
    await h.complete(change, 'Task_ClassifyChange', { changeType: 'normal', changeNature: 'ci-change' })
    await h.complete(change, 'Task_AssessChange', {
      riskLevel: 'low',
      securityRisk: 'low',
      estimatedCost: 0,
      remediationPlan: 'none',
    })
    await h.complete(change, 'Task_CabDecision', cabDecision(false, 'at the SLA renewal'))
    await h.reached(change, 'EndEvent_ChangeRejected')

    const actions = await relman.get<{ items: Action[] }>(`/relationship/service-reviews/${reviewId}/actions`)
    expect(actions.body.items).toHaveLength(1)
    const action = actions.body.items[0]!
    // someone else may not close it; bad bodies are refused; the owner closes it once
    expect((await (await h.as('desk')).post(`/relationship/service-review-actions/${action.id}/close`, { outcome: 'x' })).status).toBe(403)
    expect((await relman.post(`/relationship/service-review-actions/${action.id}/close`, {})).status).toBe(400)
    expect((await relman.post(`/relationship/service-review-actions/${action.id}/close`, { outcome: 'Sent' })).status).toBe(200)
    expect((await relman.post(`/relationship/service-review-actions/${action.id}/close`, { outcome: 'Again' })).status).toBe(409)

    // when: the weekly follow-up finds none open
    await h.advance(7 * DAY + 60_000)
    await h.reached(instance, 'EndEvent_ServiceReviewClosed')
    const closed = (await relman.get<Review>(`/service-reviews/${reviewId}`)).body
    expect(closed.status).toBe('closed')
    expect(closed.data).toMatchObject({ requirementsChanged: true, openActions: 0, closureCode: 'actions-closed' })
  })

  it('6.1: a review a relationship manager records without changes or actions closes at once', async () => {
    // given / when: recorded by hand for the demo's Contoso Logistics
    const orgs = await (await h.as('relman')).get<{ items: { id: string; name: string }[] }>('/relationship/customers')
    const contoso = orgs.body.items.find((o) => o.name === 'Contoso Logistics')!
    // other staff may not record service reviews
    expect((await (await h.as('desk')).post('/service-reviews', { title: 'x' })).status).toBe(403)
    const { id, instance } = await h.open(
      'service-review',
      { title: 'Ad-hoc review with Contoso', data: { organisationId: contoso.id } },
      'relman',
    )
    await h.complete(instance, 'Task_HoldServiceReview', {
      attendees: [],
      performanceSummary: 'Stable.',
      requirementsChanged: false,
      actions: [],
    })
    await h.reached(instance, 'EndEvent_ServiceReviewClosed')

    // then
    const review = (await (await h.as('relman')).get<Review>(`/service-reviews/${id}`)).body
    expect(review.status).toBe('closed')
    expect(await h.hasCompleted(instance, 'Task_RaiseRequirementsChange')).toBe(false)
    expect(await h.hasCompleted(instance, 'Timer_ServiceReviewFollowUp')).toBe(false)
  })
})
