/**
 * Service report benchmark (issue 15: every standard report < 1 s with 1,000,000 cases, on
 * PGlite and PostgreSQL). Fills a fresh database with cases of every kind spread over three
 * years (bulk `insert … select from generate_series`), with status histories, SLA breaches,
 * SLAs, suppliers and reviews, then times each standard section of the service report over the
 * last month, and the whole report. Prints figures; it is not a test.
 *
 *   npm run bench:reports                          # 1,000,000 cases, PGlite
 *   npm run bench:reports -- 200000                # fewer cases
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:reports
 *     # also PostgreSQL: a database of its own is created there and dropped afterwards
 *   BENCH_LANES=postgres npm run bench:reports     # one lane only (pglite | postgres)
 *   BENCH_KEEP=1 …                                 # keep the PostgreSQL database (prints its URL)
 *   BENCH_REUSE_URL=postgres://…/bench_reports_x …  # time again on a kept database, no fill
 */
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { openDatabase, type Database } from '../server/src/db/database'
import type { DB } from '../server/src/db/schema'
import { allSections } from '../server/src/reports/report-model'
import { applyReportSettings, computeSections } from '../server/src/reports/report-sections'
import { percentile } from './stats'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const RUNS = 5
const serverUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || ''
const keep = process.env.BENCH_KEEP === '1'
const reuseUrl = process.env.BENCH_REUSE_URL ?? ''
const lanes = (process.env.BENCH_LANES ?? (serverUrl ? 'pglite,postgres' : 'pglite')).split(',')

const SPAN_FROM = '2023-07-01T00:00:00Z'
const SPAN_SECONDS = 3 * 365 * 86_400
const period = { from: new Date('2026-05-01T00:00:00Z'), to: new Date('2026-06-01T00:00:00Z') }

/** Fills `db` with TOTAL cases and their histories, breaches, SLAs, suppliers and reviews. */
export async function fill(db: Kysely<DB>) {
  await sql`insert into services (id, name, created_by)
    select 'svc-' || i, 'Service ' || i, 'bench' from generate_series(1, 20) i`.execute(db)
  await sql`insert into slas (id, service_id, name, created_by, data)
    select 'sla-' || i, 'svc-' || i, 'SLA ' || i, 'bench',
      '{"targets":{"1":{"responseMinutes":15,"resolutionMinutes":240},"2":{"responseMinutes":30,"resolutionMinutes":480},"3":{"responseMinutes":60,"resolutionMinutes":1440},"4":{"responseMinutes":120,"resolutionMinutes":2880}}}'::jsonb
    from generate_series(1, 15) i`.execute(db)
  await sql`insert into suppliers (id, name, relationship_owner, created_by)
    select 'sup-' || i, 'Supplier ' || i, 'supplier', 'bench' from generate_series(1, 10) i`.execute(
    db,
  )
  const kinds = sql`(array['incident','incident','incident','incident','incident','incident',
    'incident','incident','incident','incident','service-request','service-request',
    'service-request','service-request','change','change','release','problem','complaint',
    case when i % 40 < 20 then 'audit-finding' else 'improvement' end])[i % 20 + 1]`
  const batch = 100_000
  for (let start = 1; start <= TOTAL; start += batch) {
    const end = Math.min(TOTAL, start + batch - 1)
    await sql`insert into cases (id, kind, status, priority, title, service_id, supplier_id,
        assigned_group, created_by, created_at, closed_at, data)
      select 'C-' || i, k, case when closed then 'closed' else 'in-progress' end, (i % 4) + 1,
        'case ' || i, case when i % 21 = 0 then null else 'svc-' || (i % 20 + 1) end,
        case when i % 3 = 0 then 'sup-' || (i % 10 + 1) end,
        (array['service-desk','network','change-managers'])[i % 3 + 1], 'bench', created,
        case when closed then created + ((i::bigint * 7919) % 432000) * interval '1 second' end,
        case when k = 'incident' then jsonb_build_object('impact', (i / 7) % 3 + 1,
          'major', (i % 4) = 0 and (i / 7) % 3 = 0) else '{}'::jsonb end
      from (select i, ${kinds} as k,
          ${SPAN_FROM}::timestamptz + (i::float8 * ${SPAN_SECONDS} / ${TOTAL}) * interval '1 second' as created,
          i % 7 <> 0 as closed
        from generate_series(${start}::int, ${end}::int) i) g`.execute(db)
  }
  // incidents and requests go classified → in-progress → resolved (waiting) → closed
  for (let start = 1; start <= TOTAL; start += batch) {
    const end = Math.min(TOTAL, start + batch - 1)
    await sql`insert into case_status_history (case_kind, case_id, from_status, to_status, actor,
        changed_at)
      select c.kind, c.id, s.f, s.t, 'bench', c.created_at + s.frac * (c.closed_at - c.created_at)
      from cases c cross join (values (1, 'new', 'classified', 0.1), (2, 'classified', 'in-progress', 0.2),
        (3, 'in-progress', 'resolved', 0.7), (4, 'resolved', 'closed', 1.0)) s(n, f, t, frac)
      where c.id in (select 'C-' || i from generate_series(${start}::int, ${end}::int) i)
        and c.kind in ('incident', 'service-request') and c.closed_at is not null
      order by c.id, s.n`.execute(db)
  }
  await sql`insert into sla_breaches (case_kind, case_id, target, breached_at, priority, service_id,
      supplier_id)
    select c.kind, c.id, case when (substr(c.id, 3)::int) % 20 = 3 then 'response' else 'resolution' end,
      c.created_at + interval '1 hour', c.priority, c.service_id, c.supplier_id
    from cases c where c.kind in ('incident', 'service-request') and (substr(c.id, 3)::int) % 10 = 3`.execute(
    db,
  )
  await sql`insert into supplier_reviews (supplier_id, process_instance_key, outcome, reviewed_at)
    select 'sup-' || (i % 10 + 1), 'bench-review-' || i,
      '{"performance":{"targets":[{"met":true},{"met":false}]}}'::jsonb,
      ${SPAN_FROM}::timestamptz + i * interval '9 days'
    from generate_series(1, 120) i`.execute(db)
  await sql`analyze`.execute(db)
}

async function openLane(
  lane: string,
): Promise<{ database: Database; drop: () => Promise<void>; reused?: boolean }> {
  if (reuseUrl) {
    const database = await openDatabase({ databaseUrl: reuseUrl, pgliteDir: '' })
    return { database, drop: () => database.close(), reused: true }
  }
  if (lane === 'pglite') {
    const database = await openDatabase({ databaseUrl: '', pgliteDir: 'memory://' })
    return { database, drop: () => database.close() }
  }
  if (!serverUrl) throw new Error('the postgres lane needs BENCH_DATABASE_URL or TEST_DATABASE_URL')
  const name = `bench_reports_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const u = new URL(serverUrl)
  u.pathname = `/${name}`
  const database = await openDatabase({ databaseUrl: u.toString(), pgliteDir: '' })
  return {
    database,
    async drop() {
      await database.close()
      if (keep) {
        console.log(`  kept: BENCH_REUSE_URL=${u.toString()}`)
        return
      }
      const c = new pg.Client({ connectionString: serverUrl })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

async function bench(lane: string) {
  const { database, drop, reused } = await openLane(lane)
  try {
    const db = database.db
    const t0 = performance.now()
    if (!reused) {
      console.log(`\n${lane}: filling ${TOTAL.toLocaleString('en')} cases…`)
      await fill(db)
    }
    const counts = await sql<{ cases: number; history: number; breaches: number }>`select
        (select count(*) from cases)::int as cases,
        (select count(*) from case_status_history)::int as history,
        (select count(*) from sla_breaches)::int as breaches`.execute(db)
    const c = counts.rows[0]!
    console.log(
      `  filled in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${c.cases} cases, ${c.history} status changes, ${c.breaches} SLA breaches`,
    )
    console.log(`  report period ${period.from.toISOString()} – ${period.to.toISOString()}`)
    console.log('  section              median ms   max ms   rows   (target < 1000 ms)')
    for (const id of [...allSections, 'whole report'] as const) {
      const times: number[] = []
      let rows = 0
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now()
        // as a run does: one transaction with the report settings
        const out = await db.transaction().execute(async (tx) => {
          await applyReportSettings(tx)
          return computeSections(tx, id === 'whole report' ? allSections : [id], period, 'week')
        })
        times.push(performance.now() - t)
        rows = out.reduce((a, s) => a + s.rows.length, 0)
      }
      const median = percentile(times, 50)
      const max = Math.max(...times)
      console.log(
        `  ${id.padEnd(20)} ${median.toFixed(0).padStart(9)} ${max.toFixed(0).padStart(8)} ${String(rows).padStart(6)}   ${
          id === 'whole report' ? '' : median < 1000 ? 'ok' : 'SLOW'
        }`,
      )
    }
  } finally {
    await drop()
  }
}

async function main() {
  for (const lane of reuseUrl ? ['postgres'] : lanes) await bench(lane.trim())
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
