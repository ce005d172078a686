/**
 * Service reports through the HTTP API on the real server (ISO/IEC 20000-1 6.2, 4.3.3): every
 * figure against an independent count over generated records (more per kind than any page
 * size, many older than the period), snapshots that stay as stored when new cases arrive, their
 * hash in the evidence chain, the CSV export, the monthly due-check running once, and roles.
 */
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'
import {
  expectedFigures,
  generateReportData,
  insertReportData,
  type GenData,
} from '../../../test/fixtures/report-data'
import { canonicalJson } from '../evidence/canonical-json'
import { allSections, type ReportSection, type ReportSnapshot } from './report-model'

const period = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') }
const span = { from: new Date('2025-11-01T00:00:00Z'), to: new Date('2026-05-15T00:00:00Z') }

const section = (s: ReportSnapshot, id: string): ReportSection =>
  s.content.sections.find((x) => x.id === id)!

describe.each(testDatabaseTargets())('service reports on $kind (6.2)', (target) => {
  let h: Harness
  let manager: ApiClient
  let auditor: ApiClient
  let data: GenData
  let definitionId: string
  let first: ReportSnapshot

  beforeAll(async () => {
    h = await startHarness({ deployProcesses: false, database: target })
    data = generateReportData(15, span, 240)
    await insertReportData(h.server.database.db, data)
    manager = await h.login('topmgmt')
    auditor = await h.login('auditor')
    const created = await manager.post<{ id: string }>('/reports/definitions', {
      name: 'Monthly service report',
      audience: 'customer service review',
      sections: allSections,
      period: { kind: 'fixed', from: period.from.toISOString(), to: period.to.toISOString() },
      granularity: 'week',
    })
    expect(created.status).toBe(201)
    definitionId = created.body.id
    const run = await manager.post<ReportSnapshot>(`/reports/definitions/${definitionId}/run`)
    expect(run.status).toBe(201)
    first = run.body
  }, 120_000)
  afterAll(async () => {
    await h?.stop()
  })

  test('the data holds more cases per kind than a page, most of them outside the period', () => {
    const incidents = data.cases.filter((c) => c.kind === 'incident')
    expect(incidents.length).toBeGreaterThan(200)
    expect(incidents.filter((c) => c.createdAt < period.from).length).toBeGreaterThan(200)
  })

  test('6.2 a: performance against every SLA target matches an independent count', () => {
    const expected = expectedFigures(data, period).sla
    const rows = section(first, 'sla-performance').rows
    expect(rows.length).toBe(Object.keys(expected).length)
    for (const r of rows) {
      const key = `${String(r.target)}|${String(r.service)}|${String(r.priority)}`
      const e = expected[key]
      expect(e, key).toBeDefined()
      expect({ cases: r.cases, breached: r.breached, met: r.met }, key).toEqual({
        cases: e!.cases,
        breached: e!.breached,
        met: e!.met,
      })
      if (r.target === 'response' && r.targetMinutes !== null) {
        // 6.2 a: response attainment from the times, not cases minus recorded breaches
        expect({ overTarget: r.overTarget, pending: r.pending }, key).toEqual({
          overTarget: e!.overTarget,
          pending: e!.pending,
        })
      }
      if (r.target === 'resolution') {
        expect(r.overTarget, key).toBe(e!.overTarget)
        const avg = e!.minutes.reduce((a, m) => a + m, 0) / e!.minutes.length
        expect(Number(r.avgMinutes), key).toBeCloseTo(avg, 0)
      }
    }
    // the newest agreed SLA of the service is the one measured against
    expect(
      rows.find((r) => r.target === 'resolution' && r.service === 'Email' && r.priority === 1),
    ).toMatchObject({
      sla: 'Email SLA',
      targetMinutes: 240,
    })
    // the resolution clock stops while waiting for the customer: some case is within target
    // only because of it
    expect(rows.some((r) => r.target === 'resolution' && Number(r.met) > 0)).toBe(true)
  })

  test('6.2 c, e: workload and trends count every case of the period', () => {
    const e = expectedFigures(data, period)
    const workload = section(first, 'workload').rows
    expect(workload.reduce((a, r) => a + Number(r.opened), 0)).toBe(e.opened)
    expect(workload.reduce((a, r) => a + Number(r.closed), 0)).toBe(e.closed)
    const trends = section(first, 'trends').rows
    // weeks overlapping March 2026: Feb 23 … Mar 30
    expect(trends.map((r) => r.bucket)).toEqual([
      '2026-02-23',
      '2026-03-02',
      '2026-03-09',
      '2026-03-16',
      '2026-03-23',
      '2026-03-30',
    ])
    expect(trends.reduce((a, r) => a + Number(r.incidents), 0)).toBe(e.incidentsOpened)
    expect(trends.reduce((a, r) => a + Number(r.majorIncidents), 0)).toBe(e.majors)
    expect(trends.reduce((a, r) => a + Number(r.closed), 0)).toBe(e.closed)
  })

  test("6.2 b: major incidents by the incident procedure's own rule", () => {
    const e = expectedFigures(data, period)
    const majors = section(first, 'major-incidents')
    expect(majors.title).toBe(`Major incidents (${e.majors})`)
    expect(majors.rows).toHaveLength(e.majors)
    expect(e.majors).toBeGreaterThan(0)
  })

  test('6.2 b, c: changes and releases with outcome', () => {
    const e = expectedFigures(data, period)
    const rows = section(first, 'changes-releases').rows
    const ended = Object.fromEntries(
      rows
        .filter((r) => r.stage === 'ended')
        .map((r) => [`${String(r.kind)}|${String(r.outcome)}|${String(r.objectivesMet)}`, r.count]),
    )
    expect(ended).toEqual(e.outcomes)
    expect(rows.find((r) => r.stage === 'raised' && r.kind === 'change')?.count).toBe(
      e.raised.change,
    )
    expect(rows.find((r) => r.stage === 'raised' && r.kind === 'release')?.count).toBe(
      e.raised.release,
    )
  })

  test('suppliers, nonconformities, complaints, satisfaction and improvements', () => {
    const e = expectedFigures(data, period)
    const suppliers = section(first, 'suppliers').rows
    for (const [name, figures] of Object.entries(e.suppliers)) {
      expect(suppliers.find((r) => r.supplier === name)).toMatchObject(figures)
    }
    // suppliers of the demo catalogue have no cases in the generated data
    for (const r of suppliers.filter((r) => !(String(r.supplier) in e.suppliers))) {
      expect(r).toMatchObject({ cases: 0, breaches: 0, reviews: 0 })
    }
    const values = (id: string) => section(first, id).rows.map((r) => r.value)
    expect(values('nonconformities')).toEqual([
      e.findings.raised,
      e.findings.closed,
      e.findings.open,
    ])
    const complaints = values('complaints')
    expect(complaints.slice(0, 4)).toEqual([
      e.complaints.raised,
      e.complaints.closed,
      e.complaints.open,
      e.satisfaction.n,
    ])
    expect(Number(complaints[4])).toBeCloseTo(e.satisfaction.avg!, 2)
    const improvements = Object.fromEntries(
      section(first, 'improvements').rows.map((r) => [
        `${String(r.status)}|${String(r.targetsAchieved)}`,
        r.count,
      ]),
    )
    expect(improvements).toEqual(e.improvements)
  })

  test('a snapshot is shown again unchanged after new cases arrive, and its hash is evidence', async () => {
    // given new cases in the period
    const more = generateReportData(99, period, 30, 900_000)
    await insertReportData(h.server.database.db, more, false)
    // when the auditor opens the stored snapshot and a manager runs the report again
    const again = await auditor.get<ReportSnapshot>(`/reports/snapshots/${first.id}`)
    const rerun = await manager.post<ReportSnapshot>(`/reports/definitions/${definitionId}/run`)
    // then the stored one is as it was, the new run sees the new cases
    expect(again.status).toBe(200)
    expect(again.body).toEqual(first)
    const sum = (s: ReportSnapshot) =>
      section(s, 'trends').rows.reduce((a, r) => a + Number(r.incidents), 0)
    expect(sum(rerun.body)).toBe(
      sum(first) + more.cases.filter((c) => c.kind === 'incident').length,
    )
    // 4.3.3: the SHA-256 of the stored content is in the evidence chain
    const text = canonicalJson(again.body.content)
    expect(createHash('sha256').update(text).digest('hex')).toBe(first.sha256)
    const evidence = await auditor.get<
      { seq: number; action: string; after: { sha256: string } }[]
    >(`/evidence?entityType=report-snapshot&entityId=${first.id}`)
    expect(evidence.body).toEqual([
      expect.objectContaining({
        seq: first.evidenceSeq,
        action: 'report.snapshot-taken',
        after: expect.objectContaining({ sha256: first.sha256 }),
      }),
    ])
    const verified = await auditor.get<{ ok: boolean }>('/evidence/verify')
    expect(verified.body.ok).toBe(true)
    const listed = await auditor.get<{ items: { id: string }[] }>(
      `/reports/snapshots?definitionId=${definitionId}`,
    )
    expect(listed.body.items.map((s) => s.id)).toEqual([rerun.body.id, first.id])
  })

  test('exports the stored snapshot as CSV and printable HTML with inline SVG charts', async () => {
    const csv = await auditor.get<string>(`/reports/snapshots/${first.id}/export.csv`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
    const lines = csv.body.split('\r\n')
    expect(lines.slice(0, 2)).toEqual(['report,Monthly service report', `snapshot,${first.id}`])
    expect(lines).toContain(`sha256,${first.sha256}`)
    const trendsAt = lines.indexOf('6.2 e Trends')
    expect(trendsAt).toBeGreaterThan(0)
    const trendRows = section(first, 'trends').rows
    expect(lines[trendsAt + 3]).toBe(
      section(first, 'trends')
        .columns.map((c) => String(trendRows[0]![c.key]))
        .join(','),
    )
    const html = await auditor.get<string>(`/reports/snapshots/${first.id}/export.html`)
    expect(html.headers.get('content-type')).toMatch(/^text\/html/)
    expect(html.body).toContain('<svg')
    expect(html.body).toContain(first.sha256)
    expect(html.body).not.toContain('<script')
  })

  test('auditors read but never run reports; customers and other staff get nothing', async () => {
    expect((await auditor.post(`/reports/definitions/${definitionId}/run`)).status).toBe(403)
    expect(
      (
        await auditor.post('/reports/definitions', {
          name: 'x',
          audience: 'y',
          sections: ['trends'],
          period: { kind: 'previous-month' },
        })
      ).status,
    ).toBe(403)
    const customer = await h.login('customer')
    const desk = await h.login('desk')
    for (const client of [customer, desk]) {
      for (const path of [
        '/reports/definitions',
        '/reports/snapshots',
        `/reports/snapshots/${first.id}`,
        `/reports/snapshots/${first.id}/export.csv`,
      ]) {
        expect((await client.get(path)).status, `${client.username} ${path}`).toBe(403)
      }
      expect((await client.post(`/reports/definitions/${definitionId}/run`)).status).toBe(403)
    }
  })

  test('refuses a definition that is not well formed', async () => {
    const bad = await manager.post<{ errors?: unknown[] }>('/reports/definitions', {
      name: 'x',
      audience: 'y',
      sections: ['no-such-section'],
      period: { kind: 'previous-month' },
    })
    expect(bad.status).toBe(400)
    const reversed = await manager.post('/reports/definitions', {
      name: 'x',
      audience: 'y',
      sections: ['trends'],
      period: { kind: 'fixed', from: period.to.toISOString(), to: period.from.toISOString() },
    })
    expect(reversed.status).toBe(400)
  })

  test('a monthly report runs once when due, even when two due-checks race', async () => {
    // given a monthly definition whose due date has passed
    const created = await manager.post<{ id: string; nextRunAt: string }>('/reports/definitions', {
      name: 'Monthly top management report',
      audience: 'top management',
      sections: ['trends', 'major-incidents'],
      period: { kind: 'previous-month' },
      schedule: 'monthly',
    })
    expect(created.status).toBe(201)
    expect(new Date(created.body.nextRunAt).getUTCDate()).toBe(1)
    await sql`update report_definitions set next_run_at = now() - interval '1 hour'
      where id = ${created.body.id}`.execute(h.server.database.db)
    // when two due-checks run at once
    const reports = h.server.services.reports
    const [a, b] = await Promise.all([reports.runDue(), reports.runDue()])
    // then one snapshot, run by the scheduler, and the next due date is next month
    const taken = [...a, ...b].filter((s) => s.definitionId === created.body.id)
    expect(taken).toHaveLength(1)
    expect(taken[0]!.ranBy).toBe('system:report-scheduler')
    expect(await reports.runDue()).toEqual([])
    const [def] = (await reports.listDefinitions()).filter((d) => d.id === created.body.id)
    expect(new Date(def!.nextRunAt!).getTime()).toBeGreaterThan(Date.now())
  })
})
