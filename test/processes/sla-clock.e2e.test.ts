/**
 * Waiting statuses pause the SLA clock (ISO/IEC 20000-1 8.1 e escalation against the targets, 6.1
 * the SLA's targets measured as agreed), through HTTP on the embedded engine with its test clock:
 * staff put an incident under investigation in `waiting-for-customer`; the work is left with its
 * breach timers, so the response target passing while it waits escalates nothing; on resume the
 * remaining time counts again from the resume (due dates moved, task due date too), the timers are
 * armed for the new due dates and the breach is recorded only once those pass. A second wait after
 * the diagnosis resumes at the resolution. Every stay is kept with who, when and why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completedPath } from '../../engine/test-support'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type Harness } from './harness'

const MINUTE = 60_000
const T0 = Date.parse('2026-12-14T08:00:00Z')

interface Stay {
  status: string
  previousStatus: string
  pausedAt: string
  pausedBy: string
  reason: string
  resumedAt: string | null
  resumedBy: string | null
  resumeReason: string | null
  responseDueBefore: string | null
  resolutionDueBefore: string | null
  responseDueAfter: string | null
  resolutionDueAfter: string | null
}

describe.each(testDatabaseTargets())('SLA clock paused while waiting on $kind', (target) => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness(target)
    h.clock.set(T0)
  })
  afterAll(async () => {
    await h?.stop()
  })

  const at = (minutes: number) => new Date(T0 + minutes * MINUTE).toISOString()
  const breachesOf = async (caseId: string) =>
    h.database.db
      .selectFrom('sla_breaches')
      .select(['target', 'due_at'])
      .where('case_id', '=', caseId)
      .execute()
  const statusOf = async (id: string) => (await h.cases.findCase('incident', id))?.status
  const pause = async (id: string, body: unknown, as = 'desk') =>
    (await h.as(as)).post<{ status: number; detail?: string }>(`/incidents/${id}/sla-clock/pause`, body)
  const resume = async (id: string, body: unknown = {}, as = 'desk') =>
    (await h.as(as)).post<{ status: number; detail?: string }>(`/incidents/${id}/sla-clock/resume`, body)

  it('8.1 e, 6.1: waiting for the customer stops the SLA clock; no escalation while waiting; the targets are moved by the time waited and escalate after that', async () => {
    // given: a service whose agreed SLA gives priority 3 a 60 min response, 480 min resolution
    const serviceId = (await h.record('service', { name: 'Mail' })).id
    const targets = {
      '1': { responseMinutes: 15, resolutionMinutes: 240 },
      '2': { responseMinutes: 30, resolutionMinutes: 360 },
      '3': { responseMinutes: 60, resolutionMinutes: 480 },
      '4': { responseMinutes: 240, resolutionMinutes: 2400 },
    }
    await h.record('sla', { name: 'Mail SLA', serviceId, data: { targets } })
    const { id, instance } = await h.open('incident', {
      title: 'Mails bounce',
      requester: 'customer',
      serviceId,
    })
    await h.complete(instance, 'Task_ClassifyIncident', {
      category: 'software',
      impact: 2,
      urgency: 2,
      assignedGroup: 'service-desk',
    })
    await h.task(instance, 'Task_InvestigateAndDiagnose')
    expect((await h.cases.findCase('incident', id))?.data).toMatchObject({
      responseDue: at(60),
      resolutionDue: at(480),
    })

    // a customer cannot pause the clock; a waiting status must be one of the agreed ones
    expect((await pause(id, { status: 'waiting-for-customer', reason: 'x' }, 'customer')).status).toBe(403)
    expect((await pause(id, { status: 'pending', reason: 'x' })).status).toBe(400)
    expect((await resume(id)).status).toBe(409)

    // when: 30 minutes in, the desk asks the customer for the bounce message and waits
    await h.advance(30 * MINUTE)
    const paused = await pause(id, {
      status: 'waiting-for-customer',
      reason: 'Asked the customer for the bounce message',
    })
    expect(paused.status).toBe(202)
    await h.reached(instance, 'Task_RecordSlaPause')
    expect(await statusOf(id)).toBe('waiting-for-customer')
    expect((await pause(id, { status: 'on-hold', reason: 'again' })).status).toBe(409)

    // then: the response target (60 min) and more pass while it waits: nothing fires
    await h.advance(120 * MINUTE) // 150 min after the start
    await h.server.services.escalation.runOnce()
    expect(await breachesOf(id)).toEqual([])
    expect(await h.hasCompleted(instance, 'Timer_ResponseTargetBreached')).toBe(false)
    expect(await h.hasCompleted(instance, 'Task_EscalateFunctionally')).toBe(false)

    // when: the customer answers and the desk resumes at 150 min
    expect((await resume(id, { reason: 'Customer sent the bounce message' })).status).toBe(202)
    await h.reached(instance, 'Task_RecordSlaResume')
    // then: 30 min of response and 450 min of resolution remained, counted from the resume
    const investigate = await h.task(instance, 'Task_InvestigateAndDiagnose')
    expect(await statusOf(id)).toBe('in-progress')
    expect((await h.cases.findCase('incident', id))?.data).toMatchObject({
      responseDue: at(180),
      resolutionDue: at(600),
      slaClockPausedIn: 'waiting-for-customer',
      slaClockPausedBy: 'desk',
      slaClockPauseReason: 'Asked the customer for the bounce message',
      slaClockResumedBy: 'desk',
    })
    expect(investigate.dueDate).toBe(at(180))
    await h.armed(instance, 'Timer_ResponseTargetBreached')

    // 29 minutes after the resume: still inside the moved target
    await h.advance(29 * MINUTE)
    expect(await breachesOf(id)).toEqual([])
    // past the moved response target: recorded and escalated, with the moved due date
    await h.advance(2 * MINUTE)
    await h.reached(instance, 'Task_EscalateFunctionally')
    const breaches = await breachesOf(id)
    expect(breaches.map((b) => [b.target, new Date(b.due_at!).toISOString()])).toEqual([
      ['response', at(180)],
    ])

    // a second wait, on hold after the diagnosis: resumed at the resolution, not the investigation
    await h.complete(instance, 'Task_InvestigateAndDiagnose', { diagnosis: 'Relay blacklisted' })
    const resolveBefore = await h.task(instance, 'Task_ResolveIncident')
    expect(await statusOf(id)).toBe('diagnosed')
    expect((await pause(id, { status: 'waiting-for-supplier', reason: 'Relay provider delisting' })).status).toBe(202)
    // (the first pause's element has completed already: wait for this one's status)
    await h.until('the supplier wait is recorded', async () => (await statusOf(id)) === 'waiting-for-supplier')
    await h.advance(60 * MINUTE) // 181 → 241 min
    expect((await resume(id, {})).status).toBe(202)
    // the resolution starts again as a new task (the paused one may still be listed a moment)
    const resolve = await h.until('the resolution started again', async () => {
      const t = await h.task(instance, 'Task_ResolveIncident')
      return t.id !== resolveBefore.id ? t : undefined
    })
    expect(await statusOf(id)).toBe('diagnosed')
    // resolution: paused at 181 with 419 min left → due 241 + 419 = 660
    expect(resolve.dueDate).toBe(at(660))

    // the stays as the auditor reads them: who, when, why, due dates before and after
    const stays = await (await h.as('auditor')).get<{ items: Stay[] }>(`/incidents/${id}/sla-clock`)
    expect(stays.status).toBe(200)
    expect(stays.body.items).toEqual([
      {
        status: 'waiting-for-customer',
        previousStatus: 'in-progress',
        pausedAt: at(30),
        pausedBy: 'desk',
        reason: 'Asked the customer for the bounce message',
        resumedAt: at(150),
        resumedBy: 'desk',
        resumeReason: 'Customer sent the bounce message',
        responseDueBefore: at(60),
        resolutionDueBefore: at(480),
        responseDueAfter: at(180),
        resolutionDueAfter: at(600),
      },
      {
        status: 'waiting-for-supplier',
        previousStatus: 'diagnosed',
        pausedAt: at(181),
        pausedBy: 'desk',
        reason: 'Relay provider delisting',
        resumedAt: at(241),
        resumedBy: 'desk',
        resumeReason: '',
        // the response target had passed before this pause: it stays as it was
        responseDueBefore: at(180),
        resolutionDueBefore: at(600),
        responseDueAfter: at(180),
        resolutionDueAfter: at(660),
      },
    ])
    // the status history the service report measures paused time from
    const detail = await (await h.as('auditor')).get<{
      statusHistory: { from: string | null; to: string; elementId: string | null }[]
    }>(`/incidents/${id}`)
    expect(
      detail.body.statusHistory
        .filter((s) => s.elementId === 'Task_RecordSlaPause' || s.elementId === 'Task_RecordSlaResume')
        .map((s) => [s.from, s.to]),
    ).toEqual([
      ['in-progress', 'waiting-for-customer'],
      ['waiting-for-customer', 'in-progress'],
      ['diagnosed', 'waiting-for-supplier'],
      ['waiting-for-supplier', 'diagnosed'],
    ])
    // the evidence names who paused it and why
    const trail = await h.trail({ entityId: id })
    expect(
      trail.some(
        (e) =>
          e.action === 'incident.updated' &&
          JSON.stringify(e.after).includes('Asked the customer for the bounce message'),
      ),
    ).toBe(true)

    // the path: left the work on the pause, waited, resumed, worked again
    const path = await completedPath(h.engine.engine, instance)
    const order = [
      'Task_SetStatusInProgress',
      'Message_SlaClockPaused',
      'Task_RecordSlaPause',
      'Receive_SlaClockResumed',
      'Task_RecordSlaResume',
      'Gateway_MergeResumed',
      'Gateway_IsResumeAtResolve',
      'Task_FindMatches',
      'Timer_ResponseTargetBreached',
      'Task_RecordResponseBreach',
      'Task_InvestigateAndDiagnose',
      'Message_SlaClockPaused',
      'Task_RecordSlaPause',
      'Receive_SlaClockResumed',
      'Task_RecordSlaResume',
    ]
    let from = 0
    for (const element of order) {
      const found = path.indexOf(element, from)
      expect(found, `${element} after ${path.slice(0, from).join(' → ')}`).toBeGreaterThanOrEqual(0)
      from = found + 1
    }
    expect(path.filter((e) => e === 'Timer_ResponseTargetBreached')).toHaveLength(1)
    expect(path).not.toContain('Timer_ResolutionTargetBreached')
  })

  it('8.1 e, 6.1: a service request waiting for a supplier keeps its fulfilment target from escalating; resumed, the remaining time counts from the resume', async () => {
    const serviceId = (await h.record('service', { name: 'Workplace' })).id
    const targets = {
      '1': { responseMinutes: 15, resolutionMinutes: 240 },
      '2': { responseMinutes: 30, resolutionMinutes: 360 },
      '3': { responseMinutes: 60, resolutionMinutes: 480 },
      '4': { responseMinutes: 240, resolutionMinutes: 2400 },
    }
    await h.record('sla', { name: 'Workplace SLA', serviceId, data: { targets } })
    const start = h.clock.now()
    const from = (minutes: number) => new Date(start + minutes * MINUTE).toISOString()
    const { id, instance } = await h.open('service-request', {
      title: 'Docking station',
      requester: 'customer',
      serviceId,
    })
    const fulfil = await h.task(instance, 'Task_FulfilRequest')
    expect(fulfil.dueDate).toBe(from(480))
    // 60 minutes in, the desk waits for the supplier's delivery
    await h.advance(60 * MINUTE)
    const res = await (await h.as('desk')).post<{ status: number }>(
      `/service-requests/${id}/sla-clock/pause`,
      { status: 'waiting-for-supplier', reason: 'Docking stations back-ordered' },
    )
    expect(res.status).toBe(202)
    await h.reached(instance, 'Task_RecordSlaPause')
    expect((await h.cases.findCase('service-request', id))?.status).toBe('waiting-for-supplier')
    // the original target (480 min) passes while waiting: nothing is recorded or escalated
    await h.advance(600 * MINUTE) // 660 min
    expect(await breachesOf(id)).toEqual([])
    expect(await h.hasCompleted(instance, 'Timer_FulfilmentTargetBreached')).toBe(false)
    // resumed at 660 with 420 min left: due at 1080
    const back = await (await h.as('desk')).post<{ status: number }>(
      `/service-requests/${id}/sla-clock/resume`,
      { reason: 'Delivered' },
    )
    expect(back.status).toBe(202)
    const again = await h.task(instance, 'Task_FulfilRequest')
    expect(again.dueDate).toBe(from(1080))
    expect((await h.cases.findCase('service-request', id))?.status).toBe('in-progress')
    await h.advance(419 * MINUTE)
    expect(await breachesOf(id)).toEqual([])
    await h.advance(2 * MINUTE)
    await h.reached(instance, 'Task_RecordFulfilmentBreach')
    const breaches = await breachesOf(id)
    expect(breaches.map((b) => [b.target, new Date(b.due_at!).toISOString()])).toEqual([
      ['resolution', from(1080)],
    ])
    const path = await completedPath(h.engine.engine, instance)
    const tail = path.slice(path.indexOf('Task_SetStatusInFulfilment'))
    expect(tail.slice(0, 6)).toEqual([
      'Task_SetStatusInFulfilment',
      'Gateway_MergeResumed',
      'Message_SlaClockPaused',
      'Task_RecordSlaPause',
      'Receive_SlaClockResumed',
      'Task_RecordSlaResume',
    ])
    expect(tail).toContain('Timer_FulfilmentTargetBreached')
  })
})
