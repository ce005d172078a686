/**
 * Dates and ranges on the record, and the change calendar read from it, through HTTP as the
 * roles use them, on PGlite and PostgreSQL (ISO/IEC 20000-1 4.3.3 records complete and correct;
 * 9.2 the schedule of change; 7.2 contract terms):
 *
 * - an end before its start (`rangeStart` declared in the form, contracts' term, list windows) is
 *   a 400 naming the end field, and nothing is written;
 * - a date without a time in a date-time field is a 400 that says so (never dropped);
 * - `GET /api/change-calendar` lists every scheduled change of a window from the records, all of
 *   them, with conflicts (same CI or service, overlapping windows) flagged on both sides.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'
import { systemActor } from './access'
import type { ChangeCalendarView } from './change-calendar'

interface Rec {
  id: string
  version: number
  status: string
  data: Record<string, unknown>
  [field: string]: unknown
}
interface Problem {
  status: number
  detail: string
  errors?: { path: string; message: string }[]
}

const minimalProcess = (id: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_${id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Recorded"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_Recorded" targetRef="EndEvent_Done" />
    <bpmn:endEvent id="EndEvent_Done"><bpmn:incoming>Flow_1</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`

describe.each(testDatabaseTargets())('dates, ranges and the change calendar on $kind', (target) => {
  let h: Harness
  const as = {} as Record<'admin' | 'change' | 'auditor' | 'customer', ApiClient>
  let ci: { a: string; b: string }
  let service: string

  const changeBody = (title: string, data: Record<string, unknown>, typed = {}) => ({
    title,
    ...typed,
    data: { scope: title, changeType: 'normal', ...data },
  })
  const countChanges = async () =>
    Number(
      (
        await h.server.database.db
          .selectFrom('cases')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('kind', '=', 'change')
          .executeTakeFirstOrThrow()
      ).n,
    )

  beforeAll(async () => {
    h = await startHarness({ deployProcesses: false, database: target })
    await h.server.services.processes.deploy(
      ['change'].map((id) => ({ name: `${id}.bpmn`, content: Buffer.from(minimalProcess(id)) })),
      { actor: 'admin' },
    )
    for (const r of ['admin', 'change', 'auditor', 'customer'] as const) as[r] = await h.login(r)
    const mk = async (name: string) =>
      (await as.admin.post<Rec>('/cis', { name, ciType: 'database', ownerGroup: 'network' })).body
        .id
    ci = { a: await mk('calendar-db-a'), b: await mk('calendar-db-b') }
    service = (await as.admin.post<Rec>('/services', { name: 'Calendar payroll' })).body.id
  })
  afterAll(async () => {
    await h?.stop()
  })

  describe('an end before its start is refused with a field error and nothing is written', () => {
    test('4.3.3, 9.2: creating an RFC whose planned end is before its planned start', async () => {
      // given
      const before = await countChanges()
      // when
      const res = await as.change.post<Problem>(
        '/changes',
        changeBody('Reversed window', {
          plannedStart: '2027-02-10T10:00',
          plannedEnd: '2027-02-10T09:00',
        }),
      )
      // then
      expect(res.status).toBe(400)
      expect(res.body.errors).toEqual([
        { path: '/data/plannedEnd', message: expect.stringContaining('Planned start') },
      ])
      expect(await countChanges()).toBe(before)
    })

    test('a PATCH moving the end before the stored start leaves the record as it was', async () => {
      // given
      const created = (
        await as.change.post<Rec>(
          '/changes',
          changeBody('Window to shrink', {
            plannedStart: '2027-02-11T10:00',
            plannedEnd: '2027-02-11T12:00',
          }),
        )
      ).body
      // when
      const res = await as.change.patch<Problem>(`/changes/${created.id}`, {
        version: created.version,
        data: { plannedEnd: '2027-02-11T08:00+00:00' },
      })
      // then
      expect(res.status).toBe(400)
      expect(res.body.errors?.map((e) => e.path)).toEqual(['/data/plannedEnd'])
      const after = (await as.change.get<Rec>(`/changes/${created.id}`)).body
      expect(after.version).toBe(created.version)
      expect(after.data.plannedEnd).toBe('2027-02-11T12:00')
    })

    test('the same start and end, and offsets that put the end after the start, are accepted', async () => {
      // when
      const same = await as.change.post<Rec>(
        '/changes',
        changeBody('Instant', { plannedStart: '2027-02-12T10:00', plannedEnd: '2027-02-12T10:00' }),
      )
      // 10:00+02:00 is 08:00Z, 09:00Z is after it
      const offsets = await as.change.post<Rec>(
        '/changes',
        changeBody('Offsets', {
          plannedStart: '2027-02-12T10:00+02:00',
          plannedEnd: '2027-02-12T09:00Z',
        }),
      )
      // then
      expect(same.status).toBe(201)
      expect(offsets.status).toBe(201)
    })

    test('7.2: a contract that ends before it starts, on create and on PATCH', async () => {
      // given
      const supplier = (
        await as.admin.post<Rec>('/suppliers', {
          name: 'Term supplier',
          relationshipOwner: 'supplier',
        })
      ).body.id
      const data = {
        scope: 'Hosting',
        services: [service],
        serviceTargets: [{ measure: 'availability', target: '99.9%' }],
        responsibilities: 'Run it',
        reviewIntervalDays: 90,
      }
      // when
      const reversed = await as.admin.post<Problem>(`/suppliers/${supplier}/contracts`, {
        title: 'Backwards',
        startsOn: '2027-01-01',
        endsOn: '2026-01-01',
        data,
      })
      // a draft: an active contract is under change control (9.1) and refuses direct edits
      const ok = await as.admin.post<Rec>(`/suppliers/${supplier}/contracts`, {
        title: 'Forwards',
        status: 'draft',
        startsOn: '2026-01-01',
        endsOn: '2027-01-01',
        data,
      })
      const patched = await as.admin.patch<Problem>(
        `/suppliers/${supplier}/contracts/${ok.body.id}`,
        { version: ok.body.version, endsOn: '2025-12-31' },
      )
      // then
      expect(reversed.status).toBe(400)
      expect(reversed.body.errors?.map((e) => e.path)).toEqual(['/endsOn'])
      expect(ok.status).toBe(201)
      expect(patched.status).toBe(400)
      const contracts = (await as.admin.get<Rec[]>(`/suppliers/${supplier}/contracts`)).body
      expect(contracts.map((c) => [c.title, c.endsOn])).toEqual([['Forwards', '2027-01-01']])
    })

    test('a list window whose end is before its start is a 400 naming it', async () => {
      // when
      const res = await as.change.get<Problem>(
        '/changes?createdFrom=2026-12-02T00:00:00Z&createdTo=2026-12-01T00:00:00Z',
      )
      // then
      expect(res.status).toBe(400)
      expect(res.body.errors?.map((e) => e.path)).toEqual(['/createdTo'])
    })
  })

  describe('a date without a time', () => {
    test('in a date-time field of a case is refused with an error saying a time is needed', async () => {
      // given
      const before = await countChanges()
      // when
      const res = await as.change.post<Problem>(
        '/changes',
        changeBody('Date only', { plannedStart: '2026-12-10' }),
      )
      // then
      expect(res.status).toBe(400)
      expect(res.body.errors).toEqual([
        { path: '/data/plannedStart', message: expect.stringMatching(/date and a time/) },
      ])
      expect(res.body.errors?.[0]?.message).toMatch(/date alone is not accepted/)
      expect(await countChanges()).toBe(before)
    })

    test('in a typed date-time field (a supplier review date) is refused the same way', async () => {
      // when
      const res = await as.admin.post<Problem>('/suppliers', {
        name: 'Dated supplier',
        relationshipOwner: 'supplier',
        nextReviewAt: '2026-12-10',
      })
      // then
      expect(res.status).toBe(400)
      expect(res.body.errors).toEqual([
        { path: '/nextReviewAt', message: expect.stringMatching(/date alone is not accepted/) },
      ])
    })

    test('in a date field it is what the field holds, and is kept', async () => {
      // given: an SLA's "reviewed on" is a date field
      const body = {
        name: 'Dated SLA',
        serviceId: service,
        data: {
          targets: Object.fromEntries(
            ['1', '2', '3', '4'].map((p) => [p, { responseMinutes: 10, resolutionMinutes: 100 }]),
          ),
          reviewedOn: '2026-12-10',
        },
      }
      // when
      const res = await as.admin.post<Rec>('/slas', body)
      // then
      expect(res.status).toBe(201)
      const read = await as.admin.get<Rec>(`/slas/${res.body.id}`)
      expect(read.body.data.reviewedOn).toBe('2026-12-10')
    })
  })

  describe('9.2: the change calendar', () => {
    const ids = {} as Record<
      'overlapA' | 'overlapB' | 'later' | 'otherCi' | 'svc1' | 'svc2',
      string
    >
    let cancelled: string
    let unscheduled: string
    const window = '/change-calendar?from=2027-03-01&to=2027-04-01'

    beforeAll(async () => {
      const make = async (
        title: string,
        start: string | undefined,
        end: string | undefined,
        typed: Record<string, unknown> = {},
        data: Record<string, unknown> = {},
      ) => {
        const res = await as.change.post<Rec>(
          '/changes',
          changeBody(
            title,
            {
              ...(start ? { plannedStart: start } : {}),
              ...(end ? { plannedEnd: end } : {}),
              ...data,
            },
            typed,
          ),
        )
        expect(res.status).toBe(201)
        return res.body.id
      }
      ids.overlapA = await make('Patch db A', '2027-03-10T20:00', '2027-03-10T23:00', {
        ciId: ci.a,
      })
      // the CI named in the RFC's affected CIs counts as much as its main CI
      ids.overlapB = await make(
        'Upgrade db A',
        '2027-03-10T22:00Z',
        '2027-03-11T01:00Z',
        {},
        {
          affectedCis: [ci.a],
        },
      )
      // back to back with B on the same CI: no overlap
      ids.later = await make('Reindex db A', '2027-03-11T01:00', '2027-03-11T03:00', { ciId: ci.a })
      ids.otherCi = await make('Patch db B', '2027-03-10T21:00', '2027-03-10T22:30', {
        ciId: ci.b,
      })
      ids.svc1 = await make('Payroll release', '2027-03-20T08:00', '2027-03-20T12:00', {
        serviceId: service,
      })
      ids.svc2 = await make('Payroll config', '2027-03-20T11:00', '2027-03-20T13:00', {
        serviceId: service,
      })
      cancelled = await make('Called off', '2027-03-10T21:00', '2027-03-10T22:00', { ciId: ci.a })
      await h.server.services.cases.setStatus('change', cancelled, 'cancelled', systemActor('test'))
      unscheduled = await make('Not yet planned', undefined, undefined, { ciId: ci.a })
      // outside the window
      await make('Next month', '2027-04-15T10:00', '2027-04-15T11:00', { ciId: ci.a })
    })

    test('shows every scheduled change of the window from its record, ordered by start', async () => {
      // when
      const res = await as.change.get<ChangeCalendarView>(window)
      // then
      expect(res.status).toBe(200)
      expect(res.body.from).toBe('2027-03-01T00:00:00.000Z')
      expect(res.body.changes.map((c) => c.id)).toEqual([
        ids.overlapA,
        ids.otherCi,
        ids.overlapB,
        ids.later,
        ids.svc1,
        ids.svc2,
      ])
      const a = res.body.changes.find((c) => c.id === ids.overlapA)!
      expect(a).toMatchObject({
        title: 'Patch db A',
        plannedStart: '2027-03-10T20:00',
        plannedEnd: '2027-03-10T23:00',
        start: '2027-03-10T20:00:00.000Z',
        end: '2027-03-10T23:00:00.000Z',
        ciIds: [ci.a],
        names: { [ci.a]: 'calendar-db-a' },
      })
      const ids_ = res.body.changes.map((c) => c.id)
      expect(ids_).not.toContain(cancelled)
      expect(ids_).not.toContain(unscheduled)
    })

    test('flags overlapping changes on the same CI or service on both sides, and no others', async () => {
      // when
      const res = await as.auditor.get<ChangeCalendarView>(window)
      // then
      const conflicts = Object.fromEntries(
        res.body.changes.map((c) => [c.id, c.conflicts.map((x) => [x.id, x.cis, x.services])]),
      )
      expect(conflicts).toEqual({
        [ids.overlapA]: [[ids.overlapB, [ci.a], []]],
        [ids.overlapB]: [[ids.overlapA, [ci.a], []]],
        [ids.later]: [],
        [ids.otherCi]: [],
        [ids.svc1]: [[ids.svc2, [], [service]]],
        [ids.svc2]: [[ids.svc1, [], [service]]],
      })
    })

    test('a change moved onto a free slot on the record loses its conflict', async () => {
      // given
      const b = (await as.change.get<Rec>(`/changes/${ids.svc2}`)).body
      // when
      const moved = await as.change.patch<Rec>(`/changes/${ids.svc2}`, {
        version: b.version,
        data: { plannedStart: '2027-03-20T12:00', plannedEnd: '2027-03-20T13:00' },
      })
      const res = await as.change.get<ChangeCalendarView>(window)
      // then
      expect(moved.status).toBe(200)
      expect(res.body.changes.find((c) => c.id === ids.svc1)?.conflicts).toEqual([])
      expect(res.body.changes.find((c) => c.id === ids.svc2)?.conflicts).toEqual([])
    })

    test('customers may not read it; a reversed or unbounded window is a 400', async () => {
      // when
      const customer = await as.customer.get<Problem>(window)
      const reversed = await as.change.get<Problem>(
        '/change-calendar?from=2027-04-01&to=2027-03-01',
      )
      const dateOnlyMissing = await as.change.get<Problem>('/change-calendar?from=2027-03-01')
      const tooLong = await as.change.get<Problem>('/change-calendar?from=2020-01-01&to=2027-01-01')
      // then
      expect(customer.status).toBe(403)
      expect(reversed.status).toBe(400)
      expect(reversed.body.errors?.map((e) => e.path)).toEqual(['/to'])
      expect(dateOnlyMissing.status).toBe(400)
      expect(tooLong.status).toBe(400)
    })
  })
})
