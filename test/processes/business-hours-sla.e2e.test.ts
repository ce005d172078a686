/**
 * SLA targets in business hours (ISO/IEC 20000-1 6.1 service hours, 8.1 escalation against
 * targets), through HTTP on the embedded engine: an SLA names its service calendar (Berlin,
 * Monday to Friday 09:00–17:00); a priority 3 incident raised on Friday evening is due on Monday
 * in business time, its task carries that due date, and neither the procedure's response timer
 * nor the inbox's overdue escalation fires over the weekend — only after Monday's target passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completedPath } from '../../engine/test-support'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type Harness } from './harness'

const HOUR = 3_600_000
/** Friday 11 December 2026, 18:00 in Berlin (CET, UTC+1): the desk has closed. */
const FRIDAY_EVENING = Date.parse('2026-12-11T17:00:00Z')

describe.each(testDatabaseTargets())('SLA targets in business hours on $kind', (target) => {
  let h: Harness

  beforeAll(async () => {
    h = await startHarness(target)
    h.clock.set(FRIDAY_EVENING)
  })
  afterAll(async () => {
    await h?.stop()
  })

  const breachesOf = async (caseId: string) =>
    h.database.db
      .selectFrom('sla_breaches')
      .select(['target', 'due_at', 'breached_at'])
      .where('case_id', '=', caseId)
      .execute()
  const escalatedAt = async (taskId: string) =>
    (
      await h.database.db
        .selectFrom('tasks')
        .select('escalated_at')
        .where('id', '=', taskId)
        .executeTakeFirstOrThrow()
    ).escalated_at

  it('8.1, 6.1: a Friday-evening P3 incident is due on Monday in business time and escalated only after that', async () => {
    // given: a service whose SLA counts its targets in Berlin office hours
    const serviceId = (await h.record('service', { name: 'Payroll' })).id
    const calendar = {
      name: 'Office hours Berlin',
      timeZone: 'Europe/Berlin',
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      opens: '09:00',
      closes: '17:00',
      holidays: ['2026-12-24', '2026-12-25'],
    }
    const targets = {
      '1': { responseMinutes: 15, resolutionMinutes: 240 },
      '2': { responseMinutes: 30, resolutionMinutes: 480 },
      '3': { responseMinutes: 60, resolutionMinutes: 480 },
      '4': { responseMinutes: 240, resolutionMinutes: 2400 },
    }
    const admin = await h.as('admin')
    // a calendar the clock cannot run in is refused, and nothing is recorded
    const bad = await admin.post<{ status: number; errors?: { path: string }[] }>('/slas', {
      name: 'Broken SLA',
      serviceId,
      data: { targets, calendar: { ...calendar, timeZone: 'Europe/Atlantis', closes: '08:00' } },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.errors?.map((e) => e.path)).toEqual(['/data/calendar/timeZone', '/data/calendar/closes'])
    const listed = await admin.get<{ items: unknown[] }>(`/slas?serviceId=${serviceId}`)
    expect(listed.body.items).toHaveLength(0)
    await h.record('sla', { name: 'Payroll SLA', serviceId, data: { targets, calendar } })

    // when: an incident of medium impact and urgency (priority 3) is raised on Friday at 18:00
    const { id, instance } = await h.open('incident', {
      title: 'Payslips do not print',
      requester: 'customer',
      serviceId,
    })
    await h.complete(instance, 'Task_ClassifyIncident', {
      category: 'software',
      impact: 2,
      urgency: 2,
      assignedGroup: 'service-desk',
    })
    const investigate = await h.task(instance, 'Task_InvestigateAndDiagnose')

    // then: response due Monday 10:00 CET (09:00Z), resolution Monday 17:00 CET (16:00Z), not
    // Friday 19:00 and Saturday 02:00 as around the clock
    const incident = await h.cases.findCase('incident', id)
    expect(incident?.priority).toBe(3)
    expect(incident?.data).toMatchObject({
      responseDue: '2026-12-14T09:00:00.000Z',
      resolutionDue: '2026-12-14T16:00:00.000Z',
    })
    expect(investigate.dueDate).toBe('2026-12-14T09:00:00.000Z')
    await h.armed(instance, 'Timer_ResponseTargetBreached')

    // the weekend passes, and Monday morning up to 09:59 CET: no breach, no escalation
    await h.advance(24 * HOUR) // Saturday 18:00
    await h.advance(24 * HOUR) // Sunday 18:00
    await h.advance(15 * HOUR + 59 * 60_000) // Monday 08:59Z = 09:59 CET
    await h.server.services.escalation.runOnce()
    expect(await breachesOf(id)).toEqual([])
    expect(await escalatedAt(investigate.id)).toBeNull()
    expect(await h.hasCompleted(instance, 'Task_RecordResponseBreach')).toBe(false)

    // Monday 10:01 CET: the response target has passed in business time
    await h.advance(2 * 60_000)
    await h.reached(instance, 'Task_NotifyCustomerResponseBreach')
    await h.server.services.escalation.runOnce()
    const breaches = await breachesOf(id)
    expect(breaches).toHaveLength(1)
    expect(breaches[0]).toMatchObject({ target: 'response' })
    expect(new Date(breaches[0]!.due_at!).toISOString()).toBe('2026-12-14T09:00:00.000Z')
    expect(new Date(breaches[0]!.breached_at).getTime()).toBeGreaterThanOrEqual(
      Date.parse('2026-12-14T09:00:00Z'),
    )
    expect(await escalatedAt(investigate.id)).not.toBeNull()
    const path = await completedPath(h.engine.engine, instance)
    expect(path).toEqual(
      expect.arrayContaining([
        'Task_LoadSlaTargets',
        'Timer_ResponseTargetBreached',
        'Task_RecordResponseBreach',
        'Task_EscalateFunctionally',
      ]),
    )
    expect(path).not.toContain('Timer_ResolutionTargetBreached')
  })
})
