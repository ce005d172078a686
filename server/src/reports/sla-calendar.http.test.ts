/**
 * The SLA report on a business-hours SLA, through the HTTP API on the real server (ISO/IEC
 * 20000-1 6.2 a with 6.1): cases of a service whose SLA counts its targets in Berlin office hours
 * (Monday to Friday 09:00–17:00, Christmas holidays) are measured in business time — nights,
 * weekends and holidays count nothing, waiting for the customer is taken out in business time
 * too — and the attainment and breach figures follow; the same times under a round-the-clock SLA
 * are measured on the wall clock. Every expected figure is worked out by hand below.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'
import type { ReportSnapshot } from './report-model'

/** December 2026 in Berlin is CET (UTC+1): `berlin('2026-12-04 16:00')` is 15:00 UTC. */
const berlin = (local: string) => new Date(`${local.replace(' ', 'T')}:00+01:00`)

const office = {
  name: 'Office hours Berlin',
  timeZone: 'Europe/Berlin',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  opens: '09:00',
  closes: '17:00',
  holidays: ['2026-12-24', '2026-12-25'],
}
const targets = {
  '1': { responseMinutes: 60, resolutionMinutes: 240 },
  '2': { responseMinutes: 120, resolutionMinutes: 480 },
}

interface Case {
  id: string
  serviceId: string
  priority: number
  created: string
  closed: string
  /** Status changes between creation and closure: [from, to, at]. */
  history?: [string, string, string][]
  breaches?: ('response' | 'resolution')[]
}

/** Cases with known times (Berlin local), and what each measures in business minutes. */
const cases: Case[] = [
  // Friday 16:00 → Monday 10:00: 60 + 60 = 120 business minutes (3,960 on the wall clock): met
  {
    id: 'INC-900001',
    serviceId: 'SVC-900001',
    priority: 1,
    created: '2026-12-04 16:00',
    closed: '2026-12-07 10:00',
  },
  // Monday 09:00 → 15:00, waiting for the customer 10:00–12:00: 360 − 120 = 240: met, exactly
  {
    id: 'INC-900002',
    serviceId: 'SVC-900001',
    priority: 1,
    created: '2026-12-07 09:00',
    closed: '2026-12-07 15:00',
    history: [
      ['new', 'waiting-for-customer', '2026-12-07 10:00'],
      ['waiting-for-customer', 'in-progress', '2026-12-07 12:00'],
      ['in-progress', 'closed', '2026-12-07 15:00'],
    ],
  },
  // Tuesday 09:00 → Wednesday 10:00: 480 + 60 = 540: over target, both breaches recorded
  {
    id: 'INC-900003',
    serviceId: 'SVC-900001',
    priority: 1,
    created: '2026-12-08 09:00',
    closed: '2026-12-09 10:00',
    breaches: ['response', 'resolution'],
  },
  // Thursday 16:30 → Friday 11:00 = 30 + 120 = 150, waiting Thursday 16:45 → Friday 10:00 =
  // 15 + 60 = 75 business minutes paused: 75: met
  {
    id: 'INC-900004',
    serviceId: 'SVC-900001',
    priority: 1,
    created: '2026-12-10 16:30',
    closed: '2026-12-11 11:00',
    history: [
      ['new', 'waiting-for-customer', '2026-12-10 16:45'],
      ['waiting-for-customer', 'in-progress', '2026-12-11 10:00'],
      ['in-progress', 'closed', '2026-12-11 11:00'],
    ],
  },
  // Wednesday 23rd 16:00 → Monday 28th 10:00 over Christmas (24th, 25th holidays): 60 + 60 = 120
  {
    id: 'INC-900005',
    serviceId: 'SVC-900001',
    priority: 1,
    created: '2026-12-23 16:00',
    closed: '2026-12-28 10:00',
  },
  // priority 2, Monday 13:00 → Tuesday 12:00: 240 + 180 = 420 of 480: met (1,380 on the wall clock)
  {
    id: 'INC-900006',
    serviceId: 'SVC-900001',
    priority: 2,
    created: '2026-12-14 13:00',
    closed: '2026-12-15 12:00',
  },
  // the same Friday → Monday under a round-the-clock SLA: 3,960 minutes: over target
  {
    id: 'INC-900007',
    serviceId: 'SVC-900002',
    priority: 1,
    created: '2026-12-04 16:00',
    closed: '2026-12-07 10:00',
  },
]

describe.each(testDatabaseTargets())(
  'the SLA report in business hours on $kind (6.2 a)',
  (target) => {
    let h: Harness
    let manager: ApiClient
    let snapshot: ReportSnapshot

    beforeAll(async () => {
      h = await startHarness({ deployProcesses: false, database: target })
      const db = h.server.database.db
      // given a service whose SLA counts in office hours, and one whose SLA runs around the clock
      await db
        .insertInto('services')
        .values([
          { id: 'SVC-900001', name: 'Payroll', description: '', created_by: 'test', data: '{}' },
          { id: 'SVC-900002', name: 'Web shop', description: '', created_by: 'test', data: '{}' },
        ] as never)
        .execute()
      await db
        .insertInto('slas')
        .values([
          {
            id: 'SLA-900001',
            service_id: 'SVC-900001',
            name: 'Payroll SLA',
            created_by: 'test',
            data: JSON.stringify({ targets, calendar: office }),
          },
          {
            id: 'SLA-900002',
            service_id: 'SVC-900002',
            name: 'Web shop SLA',
            created_by: 'test',
            data: JSON.stringify({ targets }),
          },
        ] as never)
        .execute()
      // and the cases with their status history and the breaches their procedure recorded
      for (const c of cases) {
        await db
          .insertInto('cases')
          .values({
            id: c.id,
            kind: 'incident',
            status: 'closed',
            priority: c.priority,
            title: c.id,
            service_id: c.serviceId,
            created_by: 'test',
            created_at: berlin(c.created),
            closed_at: berlin(c.closed),
            data: '{}',
          } as never)
          .execute()
        for (const [from, to, at] of c.history ?? []) {
          await db
            .insertInto('case_status_history')
            .values({
              case_kind: 'incident',
              case_id: c.id,
              from_status: from,
              to_status: to,
              actor: 'test',
              changed_at: berlin(at),
            } as never)
            .execute()
        }
        for (const t of c.breaches ?? []) {
          await db
            .insertInto('sla_breaches')
            .values({
              case_kind: 'incident',
              case_id: c.id,
              target: t,
              breached_at: berlin(c.created),
              priority: c.priority,
              service_id: c.serviceId,
              supplier_id: null,
            })
            .execute()
        }
      }
      // when a manager runs the SLA report for December 2026
      manager = await h.login('topmgmt')
      const definition = await manager.post<{ id: string }>('/reports/definitions', {
        name: 'SLA performance December',
        audience: 'payroll service review',
        sections: ['sla-performance'],
        period: { kind: 'fixed', from: '2026-12-01T00:00:00Z', to: '2027-01-01T00:00:00Z' },
        granularity: 'month',
      })
      expect(definition.status, JSON.stringify(definition.body)).toBe(201)
      const run = await manager.post<ReportSnapshot>(
        `/reports/definitions/${definition.body.id}/run`,
      )
      expect(run.status).toBe(201)
      snapshot = run.body
    }, 300_000)
    afterAll(async () => {
      await h?.stop()
    })

    const row = (targetKind: string, service: string, priority: number) =>
      snapshot.content.sections[0]!.rows.find(
        (r) => r.target === targetKind && r.service === service && r.priority === priority,
      )

    test('6.2 a, 6.1: resolution on an office-hours SLA is counted in business time, pauses too', () => {
      // then priority 1: 120, 240, 540, 75 and 120 business minutes against 240
      expect(row('resolution', 'Payroll', 1)).toMatchObject({
        sla: 'Payroll SLA',
        targetMinutes: 240,
        cases: 5,
        breached: 1,
        overTarget: 1,
        met: 4,
        percentMet: 80,
        avgMinutes: (120 + 240 + 540 + 75 + 120) / 5,
      })
      // and priority 2: 420 business minutes against 480, though 1,380 on the wall clock
      expect(row('resolution', 'Payroll', 2)).toMatchObject({
        targetMinutes: 480,
        cases: 1,
        breached: 0,
        overTarget: 0,
        met: 1,
        percentMet: 100,
        avgMinutes: 420,
      })
    })

    test('6.2 a: the same times under a round-the-clock SLA are measured on the wall clock', () => {
      expect(row('resolution', 'Web shop', 1)).toMatchObject({
        sla: 'Web shop SLA',
        cases: 1,
        overTarget: 1,
        met: 0,
        percentMet: 0,
        avgMinutes: 66 * 60,
      })
    })

    test('6.2 a: response attainment is measured from the times, in business time', () => {
      // the first status change after recording, else the closure, against 60 business minutes:
      // 900001 closed Monday 10:00 with nothing before: 120, over; 900002 waiting at 10:00: 60,
      // met (exactly); 900003 closed after 540: over; 900004 waiting at 16:45: 15, met; 900005
      // closed after Christmas: 120, over. The one breach the procedure recorded is listed too.
      expect(row('response', 'Payroll', 1)).toMatchObject({
        targetMinutes: 60,
        cases: 5,
        breached: 1,
        met: 2,
        overTarget: 3,
        pending: 0,
        percentMet: 40,
        avgMinutes: (120 + 60 + 540 + 15 + 120) / 5,
      })
      // 900006: Monday 13:00 → closed Tuesday 12:00 = 420 business minutes against 120
      expect(row('response', 'Payroll', 2)).toMatchObject({
        cases: 1,
        breached: 0,
        met: 0,
        overTarget: 1,
        percentMet: 0,
      })
    })
  },
)
