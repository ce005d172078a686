/**
 * change.bpmn's `Task_ScheduleChange` (ISO/IEC 20000-1 9.2) writes the planned window, the
 * service and the CI on the RFC, and the change calendar reads them from there: as the change
 * manager works the task over HTTP, an end before the start or a date without a time is refused
 * with a field error (the task stays open, the record unchanged); the accepted schedule is on
 * the record and on the calendar, with a conflict against another change to the same CI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChangeCalendarView } from '../../server/src/cases/change-calendar'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type Harness } from './harness'

interface Problem {
  status: number
  errors?: { path: string; message: string }[]
}

describe.each(testDatabaseTargets())('scheduling a change onto the calendar on $kind', (target) => {
  let h: Harness
  let ciId: string
  let serviceId: string

  beforeAll(async () => {
    h = await startHarness(target)
    ciId = (await h.record('ci', { name: 'ledger-db', ciType: 'database' })).id
    serviceId = (await h.record('service', { name: 'Ledger' })).id
  })
  afterAll(async () => {
    await h?.stop()
  })

  it('9.2: the schedule is validated, lands on the RFC and shows on the calendar with its conflict', async () => {
    // given: a standard change goes straight to scheduling; another RFC on the same CI is planned
    const { id, instance } = await h.open('change', {
      title: 'Ledger index rebuild',
      data: { scope: 'Rebuild indexes' },
    })
    const other = await h.open('change', {
      title: 'Ledger patch',
      ciId,
      data: { scope: 'Patch', plannedStart: '2027-05-04T21:00', plannedEnd: '2027-05-04T23:00' },
    })
    await h.complete(instance, 'Task_ClassifyChange', {
      changeType: 'standard',
      changeNature: 'ci-change',
    })
    const task = await h.task(instance, 'Task_ScheduleChange')
    const manager = await h.as('change')
    expect((await manager.post(`/tasks/${task.id}/claim`)).status).toBe(200)

    // when: the end is before the start
    const reversed = await manager.post<Problem>(`/tasks/${task.id}/complete`, {
      data: { plannedStart: '2027-05-04T22:00', plannedEnd: '2027-05-04T20:00', ciId, serviceId },
    })
    // and: the start has no time
    const dateOnly = await manager.post<Problem>(`/tasks/${task.id}/complete`, {
      data: { plannedStart: '2027-05-04', plannedEnd: '2027-05-04T23:30', ciId, serviceId },
    })
    // then: both refused with a field error, the task still open and the record unchanged
    expect(reversed.status).toBe(400)
    expect(reversed.body.errors).toEqual([
      { path: '/plannedEnd', message: expect.stringContaining('Planned start') },
    ])
    expect(dateOnly.status).toBe(400)
    expect(dateOnly.body.errors).toEqual([
      { path: '/plannedStart', message: expect.stringMatching(/date alone is not accepted/) },
    ])
    expect((await h.task(instance, 'Task_ScheduleChange')).state).toBe('claimed')
    const untouched = await h.cases.findCase('change', id)
    expect(untouched?.data.plannedStart).toBeUndefined()
    expect(untouched?.ciId).toBeNull()

    // when: a valid schedule
    const done = await manager.post(`/tasks/${task.id}/complete`, {
      data: { plannedStart: '2027-05-04T22:00', plannedEnd: '2027-05-04T23:30', ciId, serviceId },
    })
    expect(done.status).toBe(200)
    await h.task(instance, 'Task_BuildAndTestChange')

    // then: the window, the CI and the service are on the RFC as people read it
    const rfc = await manager.get<Record<string, unknown> & { data: Record<string, unknown> }>(
      `/changes/${id}`,
    )
    expect(rfc.body).toMatchObject({
      status: 'scheduled',
      ciId,
      serviceId,
      ciName: 'ledger-db',
      serviceName: 'Ledger',
      data: { plannedStart: '2027-05-04T22:00', plannedEnd: '2027-05-04T23:30' },
    })
    // and: on the calendar, in conflict with the other change to the same CI
    const calendar = await manager.get<ChangeCalendarView>(
      '/change-calendar?from=2027-05-01&to=2027-06-01',
    )
    expect(calendar.status).toBe(200)
    expect(
      calendar.body.changes.map((c) => [c.id, c.conflicts.map((x) => [x.id, x.cis])]),
    ).toEqual([
      [other.id, [[id, [ciId]]]],
      [id, [[other.id, [ciId]]]],
    ])
  })
})
