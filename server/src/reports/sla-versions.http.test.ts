/**
 * The SLA report measures each case against the SLA targets in force when it was recorded
 * (ISO/IEC 20000-1 6.2 a with 6.1 and 4.3.2): the SLA is a controlled document whose version 2,
 * effective on 15 December 2026, tightened priority 1 from 60/240 to 30/120 minutes; the report
 * for December measures the cases before the change by version 1 and those after it by version 2,
 * not all of them by the record's current targets. Response attainment comes from the times
 * (first status change after recording). Every figure is worked out by hand below.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../test/support/databases'
import { startHarness, type Harness } from '../../../test/support/harness'
import type { ReportSnapshot } from './report-model'

const at = (s: string) => new Date(`${s.replace(' ', 'T')}:00Z`)
const v1 = { '1': { responseMinutes: 60, resolutionMinutes: 240 } }
const v2 = { '1': { responseMinutes: 30, resolutionMinutes: 120 } }

/** [id, created, first status change, closed]: minutes to the response and to the closure. */
const cases: [string, string, string, string][] = [
  // under version 1 (60/240): response 45 met, resolution 200 met (v2 would miss both)
  ['INC-910001', '2026-12-07 08:00', '2026-12-07 08:45', '2026-12-07 11:20'],
  // under version 1: response 90 over, resolution 300 over
  ['INC-910002', '2026-12-08 08:00', '2026-12-08 09:30', '2026-12-08 13:00'],
  // under version 2 (30/120): response 20 met, resolution 100 met
  ['INC-910003', '2026-12-20 08:00', '2026-12-20 08:20', '2026-12-20 09:40'],
  // under version 2: response 40 over, resolution 150 over (v1 would meet both)
  ['INC-910004', '2026-12-21 08:00', '2026-12-21 08:40', '2026-12-21 10:30'],
]

describe.each(testDatabaseTargets())(
  'the SLA report by the SLA version in force on $kind',
  (target) => {
    let h: Harness
    let snapshot: ReportSnapshot

    beforeAll(async () => {
      h = await startHarness({ deployProcesses: false, database: target })
      const db = h.server.database.db
      await db
        .insertInto('services')
        .values({
          id: 'SVC-910001',
          name: 'Trading',
          description: '',
          created_by: 'test',
          data: '{}',
        } as never)
        .execute()
      // the record holds the current targets (version 2 wrote them back when it took effect)
      await db
        .insertInto('slas')
        .values({
          id: 'SLA-910001',
          service_id: 'SVC-910001',
          name: 'Trading SLA',
          created_by: 'test',
          data: JSON.stringify({ targets: v2 }),
        } as never)
        .execute()
      await db
        .insertInto('sms_documents')
        .values({
          id: 'DOC-910001',
          kind: 'sla',
          title: 'Trading SLA',
          owner: 'relman',
          distribution: JSON.stringify([]),
          effective_version: 2,
          created_by: 'test',
          subject: 'sla:SLA-910001',
          external_source: null,
          next_review_at: null,
          review_reminded_at: null,
        } as never)
        .execute()
      const version = (
        n: number,
        targets: unknown,
        status: string,
        from: string,
        until: string | null,
      ) => ({
        document_id: 'DOC-910001',
        version: n,
        status,
        data: JSON.stringify({ targets }),
        file_name: null,
        file_media_type: null,
        file_base64: null,
        sha256: `v${n}`,
        author: 'relman',
        approved_by: 'smsmgr',
        approved_at: at(from),
        effective_at: at(from),
        effective_from: at(from),
        withdrawn_at: until ? at(until) : null,
      })
      await db
        .insertInto('sms_document_versions')
        .values([
          version(1, v1, 'superseded', '2026-11-01 00:00', '2026-12-15 00:00'),
          version(2, v2, 'effective', '2026-12-15 00:00', null),
        ] as never)
        .execute()
      for (const [id, created, responded, closed] of cases) {
        await db
          .insertInto('cases')
          .values({
            id,
            kind: 'incident',
            status: 'closed',
            priority: 1,
            title: id,
            service_id: 'SVC-910001',
            created_by: 'test',
            created_at: at(created),
            closed_at: at(closed),
            data: '{}',
          } as never)
          .execute()
        await db
          .insertInto('case_status_history')
          .values([
            {
              case_kind: 'incident',
              case_id: id,
              from_status: 'new',
              to_status: 'classified',
              actor: 'desk',
              changed_at: at(responded),
            },
            {
              case_kind: 'incident',
              case_id: id,
              from_status: 'classified',
              to_status: 'closed',
              actor: 'desk',
              changed_at: at(closed),
            },
          ] as never)
          .execute()
      }
      const manager = await h.login('topmgmt')
      const definition = await manager.post<{ id: string }>('/reports/definitions', {
        name: 'Trading SLA December',
        audience: 'service review',
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

    const rowsOf = (kind: string) =>
      snapshot.content.sections[0]!.rows.filter((r) => r.target === kind && r.service === 'Trading')

    test('6.2 a, 6.1: resolution by the SLA version in force when each case was recorded', () => {
      expect(rowsOf('resolution')).toEqual([
        expect.objectContaining({
          slaVersion: 1,
          targetMinutes: 240,
          cases: 2,
          met: 1,
          overTarget: 1,
          percentMet: 50,
          avgMinutes: 250,
        }),
        expect.objectContaining({
          slaVersion: 2,
          targetMinutes: 120,
          cases: 2,
          met: 1,
          overTarget: 1,
          percentMet: 50,
          avgMinutes: 125,
        }),
      ])
    })

    test('6.2 a: response attainment from the times, each case against its own version', () => {
      expect(rowsOf('response')).toEqual([
        expect.objectContaining({
          slaVersion: 1,
          targetMinutes: 60,
          cases: 2,
          breached: 0,
          met: 1,
          overTarget: 1,
          pending: 0,
          percentMet: 50,
          avgMinutes: 67.5,
        }),
        expect.objectContaining({
          slaVersion: 2,
          targetMinutes: 30,
          cases: 2,
          breached: 0,
          met: 1,
          overTarget: 1,
          pending: 0,
          percentMet: 50,
          avgMinutes: 30,
        }),
      ])
    })
  },
)
