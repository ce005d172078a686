/**
 * The SQL aggregates of the service report (ISO/IEC 20000-1 6.2 a–f), over every record of the
 * period (no page size). Plain PostgreSQL through Kysely, so PGlite and a PostgreSQL server give
 * the same figures. Each section says in `measuredAs` exactly how its figures are measured.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB } from '../db/schema'
import { majorIncidentSql } from '../cases/major-incident'
import { businessSecondsSql } from '../cases/service-calendar'
import { satisfaction } from './satisfaction-section'
import { costs } from './costs-section'
import { SectionId, type Cell, type Granularity, type ReportSection } from './report-model'

/**
 * Statuses during which the SLA resolution clock stands still: the service was restored and the
 * procedure waits for the customer to confirm (`resolved`, Task_ConfirmResolution), or the case
 * waits for the customer or a supplier. Time in them is not counted as resolution time.
 */
export const CLOCK_PAUSED_STATUSES = [
  'resolved',
  'waiting-for-customer',
  'waiting-for-supplier',
  'pending',
  'on-hold',
] as const

/** Kinds whose work the SLAs' response and resolution targets apply to (8.1). */
export const SLA_KINDS = ['incident', 'service-request'] as const

/** Kinds counted as workload, with the column names of the trends table. */
export const WORKLOAD_KINDS = {
  incident: 'incidents',
  'service-request': 'serviceRequests',
  problem: 'problems',
  change: 'changes',
  release: 'releases',
  complaint: 'complaints',
} as const

/** The period a report covers: `from` inclusive, `to` exclusive. */
export interface Period {
  from: Date
  to: Date
}

export interface Ctx {
  db: Kysely<DB>
  period: Period
  granularity: Granularity
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`
const inPeriod = (col: RawBuilder<unknown>, p: Period) =>
  sql`(${col} >= ${ts(p.from)} and ${col} < ${ts(p.to)})`
const list = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`))
const bucketOf = (g: Granularity, col: RawBuilder<unknown>) =>
  sql<string>`to_char(date_trunc(${sql.lit(g)}, ${col} at time zone 'UTC'), 'YYYY-MM-DD')`

async function rows<T>(db: Kysely<DB>, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db)).rows
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
const isoOf = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v as string).toISOString()

/** Bucket labels (YYYY-MM-DD of the week's Monday or the month's first day, UTC) over a period. */
export function bucketsOf(period: Period, g: Granularity): string[] {
  const start = new Date(period.from)
  if (g === 'month') start.setUTCDate(1)
  else start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7))
  start.setUTCHours(0, 0, 0, 0)
  const out: string[] = []
  for (let d = start; d < period.to;) {
    out.push(d.toISOString().slice(0, 10))
    d = new Date(d)
    if (g === 'month') d.setUTCMonth(d.getUTCMonth() + 1)
    else d.setUTCDate(d.getUTCDate() + 7)
  }
  return out
}

const pct = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : null)

/**
 * The versions of the SLAs' controlled documents (`sla:<id>`) with the span each was in force:
 * from its effective date until a higher version took effect (or it was withdrawn). The same rule
 * as `sms/documents` `inForce` (the highest version whose effective date has come), read for any
 * past instant: superseded versions count for the time they were in force.
 */
const slaVersionsSql = sql`select substr(d.subject, 5) as sla_id, v.version, v.effective_from,
      least(
        min(v.effective_from) over (partition by v.document_id order by v.version desc
          rows between unbounded preceding and 1 preceding),
        case when v.status = 'withdrawn' then v.withdrawn_at end) as until,
      v.data -> 'targets' as targets, nullif(v.data -> 'calendar', 'null'::jsonb) as calendar
    from sms_document_versions v join sms_documents d on d.id = v.document_id
    where d.subject like 'sla:%' and v.data is not null and v.effective_from is not null
      and v.status in ('approved', 'effective', 'superseded', 'withdrawn')`

/**
 * Per case of `scope` (a CTE with `id`, `kind`, `service_id`, `priority`, `created_at`): the agreed
 * SLA of its service and the targets and calendar of the SLA document version in force when the
 * case was recorded (the record's own when no version was in force then).
 */
const caseTargetsSql = (target: 'response' | 'resolution') => sql`select s.*, t.sla_id, t.sla_name,
      v.version as sla_version,
      (coalesce(v.targets, t.targets) -> (s.priority::text) ->> ${`${target}Minutes`})::float8
        as target_minutes,
      coalesce(v.calendar, t.calendar) as calendar
    from scope s
    left join targets t on t.service_id = s.service_id
    left join versions v on v.sla_id = t.sla_id and s.created_at >= v.effective_from
      and (v.until is null or s.created_at < v.until)`

/** 6.2 a: performance against every target of every agreed SLA. */
async function slaPerformance({ db, period }: Ctx): Promise<ReportSection> {
  const targets = sql`select distinct on (service_id) id as sla_id, name as sla_name, service_id,
      data -> 'targets' as targets, nullif(data -> 'calendar', 'null'::jsonb) as calendar
    from slas where status = 'agreed' order by service_id, created_at desc, id desc`
  const paused = list(CLOCK_PAUSED_STATUSES)
  const resolution = await rows(
    db,
    sql<Record<string, unknown>>`with targets as (${targets}), versions as (${slaVersionsSql}),
    scope as (
      select c.id, c.kind, c.service_id, c.priority, c.created_at, c.closed_at from cases c
      where c.kind in (${list(SLA_KINDS)}) and c.status = 'closed'
        and ${inPeriod(sql`c.closed_at`, period)}
    ),
    applied as (${caseTargetsSql('resolution')}),
    measured as (
      select s.service_id, s.priority, s.sla_id, s.sla_name, s.sla_version, s.target_minutes,
        (case when s.calendar is null
          then extract(epoch from (s.closed_at - s.created_at))::float8 - coalesce(p.secs, 0)
          else ${businessSecondsSql(sql`s.created_at`, sql`s.closed_at`, sql`s.calendar`)}
            - coalesce(bp.secs, 0) end) / 60.0
          as minutes,
        exists (select 1 from sla_breaches b where b.case_id = s.id and b.case_kind = s.kind
          and b.target = 'resolution') as breached
      from applied s
      -- each case's own history through its index. Time paused = Σ leaving a paused status −
      -- Σ entering one (each stay is an exit minus its entry); a case created in a paused
      -- status has one exit more than entries, its stay starting at creation.
      left join lateral (
        select coalesce(sum(extract(epoch from h.changed_at)::float8) filter (where h.from_status in (${paused})), 0)
          - coalesce(sum(extract(epoch from h.changed_at)::float8) filter (where h.to_status in (${paused})), 0)
          - extract(epoch from s.created_at)::float8 * (count(*) filter (where h.from_status in (${paused}))
            - count(*) filter (where h.to_status in (${paused}))) as secs
        from case_status_history h where h.case_id = s.id and h.case_kind = s.kind
      ) p on true
      -- an SLA with a service calendar: business time paused, stay by stay (each stay from the
      -- previous change, or creation, to the change leaving the paused status)
      left join lateral (
        select sum(${businessSecondsSql(sql`coalesce(x.prev, s.created_at)`, sql`x.changed_at`, sql`s.calendar`)}) as secs
        from (select h.from_status, h.changed_at,
            lag(h.changed_at) over (order by h.changed_at, h.id) as prev
          from case_status_history h
          where s.calendar is not null and h.case_id = s.id and h.case_kind = s.kind) x
        where x.from_status in (${paused})
      ) bp on true
    )
    select m.sla_id, m.sla_name, m.sla_version, sv.name as service, m.priority, m.target_minutes,
      count(*)::int as cases,
      count(*) filter (where m.breached)::int as breached,
      count(*) filter (where m.minutes > m.target_minutes)::int as over_target,
      count(*) filter (where m.target_minutes is not null and not m.breached
        and m.minutes <= m.target_minutes)::int as met,
      round(avg(m.minutes)::numeric, 1)::float8 as avg_minutes
    from measured m left join services sv on sv.id = m.service_id
    group by m.sla_id, m.sla_name, m.sla_version, sv.name, m.priority, m.target_minutes
    order by sv.name nulls last, m.priority nulls last, m.sla_version nulls first`,
  )
  // the response: the first status change after the case was recorded (anyone moving it on:
  // classified, in progress, asked the customer), or its closure when nothing was recorded before;
  // still unanswered at the end of the period (or now, if sooner): missed once the target has
  // passed, pending before
  const asOf = sql`least(${ts(period.to)}, now())`
  const response = await rows(
    db,
    sql<Record<string, unknown>>`with targets as (${targets}), versions as (${slaVersionsSql}),
    scope as (
      select c.id, c.kind, c.service_id, c.priority, c.created_at, c.closed_at from cases c
      where c.kind in (${list(SLA_KINDS)}) and ${inPeriod(sql`c.created_at`, period)}
    ),
    applied as (${caseTargetsSql('response')}),
    measured as (
      select s.service_id, s.priority, s.sla_id, s.sla_name, s.sla_version, s.target_minutes,
        coalesce(fr.at, s.closed_at) is not null as answered,
        ${businessSecondsSql(sql`s.created_at`, sql`coalesce(fr.at, s.closed_at, ${asOf})`, sql`s.calendar`)}
          / 60.0 as minutes,
        exists (select 1 from sla_breaches b where b.case_id = s.id and b.case_kind = s.kind
          and b.target = 'response') as breached
      from applied s
      left join lateral (
        select min(h.changed_at) as at from case_status_history h
        where h.case_id = s.id and h.case_kind = s.kind
      ) fr on true
    )
    select m.sla_id, m.sla_name, m.sla_version, sv.name as service, m.priority, m.target_minutes,
      count(*)::int as cases,
      count(*) filter (where m.breached)::int as breached,
      count(*) filter (where m.minutes > m.target_minutes)::int as over_target,
      count(*) filter (where m.answered and m.minutes <= m.target_minutes)::int as met,
      count(*) filter (where not m.answered and m.minutes <= m.target_minutes)::int as pending,
      round((avg(m.minutes) filter (where m.answered))::numeric, 1)::float8 as avg_minutes
    from measured m left join services sv on sv.id = m.service_id
    group by m.sla_id, m.sla_name, m.sla_version, sv.name, m.priority, m.target_minutes
    order by sv.name nulls last, m.priority nulls last, m.sla_version nulls first`,
  )
  const out: Record<string, Cell>[] = []
  for (const r of response) {
    const target = numOrNull(r.target_minutes)
    const met = num(r.met)
    const missed = num(r.over_target)
    out.push({
      target: 'response',
      sla: (r.sla_name as string | null) ?? null,
      slaVersion: numOrNull(r.sla_version),
      service: (r.service as string | null) ?? null,
      priority: numOrNull(r.priority),
      targetMinutes: target,
      cases: num(r.cases),
      breached: num(r.breached),
      overTarget: target === null ? null : missed,
      met: target === null ? null : met,
      pending: target === null ? null : num(r.pending),
      percentMet: target === null ? null : pct(met, met + missed),
      avgMinutes: numOrNull(r.avg_minutes),
    })
  }
  for (const r of resolution) {
    const target = numOrNull(r.target_minutes)
    out.push({
      target: 'resolution',
      sla: (r.sla_name as string | null) ?? null,
      slaVersion: numOrNull(r.sla_version),
      service: (r.service as string | null) ?? null,
      priority: numOrNull(r.priority),
      targetMinutes: target,
      cases: num(r.cases),
      breached: num(r.breached),
      overTarget: num(r.over_target),
      met: target === null ? null : num(r.met),
      pending: null,
      percentMet: target === null ? null : pct(num(r.met), num(r.cases)),
      avgMinutes: numOrNull(r.avg_minutes),
    })
  }
  return {
    id: SectionId.SlaPerformance,
    title: 'Performance against SLA targets',
    clause: '6.2 a',
    measuredAs:
      'Per target of the agreed SLA of each service, for incidents and service requests, by priority, ' +
      'each case against the targets of the SLA document version in force when it was recorded (its ' +
      '"SLA version"; the SLA record\'s own targets when no version was in force then), so a target ' +
      'changed during the period measures the cases before and after the change each by its own. ' +
      'Response: cases created in the period; the response is the first status change after the case ' +
      'was recorded (anyone moving it on), or its closure when nothing was recorded before; response time ' +
      '= response − creation; met = answered within the target, "over target" = answered late or still ' +
      'unanswered with the target passed by the end of the period, pending = unanswered and the target ' +
      'not yet passed; % met = met of met and over target. Resolution: cases closed in the period ' +
      '(cancelled and rejected cases are not resolved and are left out); resolution time = closure − ' +
      `creation minus the time spent in the statuses ${CLOCK_PAUSED_STATUSES.join(', ')} (service ` +
      "restored and waiting for the customer's confirmation, or waiting for the customer or a supplier, " +
      'the SLA clock paused), taken from the status history; "over target" the cases whose measured time ' +
      'exceeds the target; met = neither over target nor a resolution breach recorded. "Breaches recorded" ' +
      'counts the breaches the procedure recorded (Timer_ResponseTargetBreached, ' +
      "Timer_ResolutionTargetBreached). Times count in the business hours of the SLA's service calendar " +
      '(its time zone, working days, opening hours and holidays) when the SLA names one, the same calendar ' +
      'the procedure sets the due dates with; otherwise around the clock. Cases without an SLA target are ' +
      'listed with an empty target and no percentage.',
    columns: [
      { key: 'target', label: 'Target' },
      { key: 'sla', label: 'SLA' },
      { key: 'slaVersion', label: 'SLA version' },
      { key: 'service', label: 'Service' },
      { key: 'priority', label: 'Priority' },
      { key: 'targetMinutes', label: 'Target (min)' },
      { key: 'cases', label: 'Cases' },
      { key: 'breached', label: 'Breaches recorded' },
      { key: 'overTarget', label: 'Over target (measured)' },
      { key: 'met', label: 'Met' },
      { key: 'pending', label: 'Pending' },
      { key: 'percentMet', label: '% met' },
      {
        key: 'avgMinutes',
        label: 'Avg time (min, excl. waiting; business hours per SLA calendar)',
      },
    ],
    rows: out,
  }
}

const groupLabel = (v: unknown, none: string) => (v === null || v === undefined ? none : String(v))

/** 6.2 c: workload per service and group, per week or month. */
async function workload({ db, period, granularity }: Ctx): Promise<ReportSection> {
  const kinds = Object.keys(WORKLOAD_KINDS)
  const found = await rows(
    db,
    sql<Record<string, unknown>>`select x.bucket, sv.name as service, x.grp,
        sum(x.opened)::int as opened, sum(x.closed)::int as closed
      from (
        select ${bucketOf(granularity, sql`c.created_at`)} as bucket, c.service_id,
          c.assigned_group as grp, count(*) as opened, 0 as closed
        from cases c where c.kind in (${list(kinds)}) and ${inPeriod(sql`c.created_at`, period)}
        group by 1, 2, 3
        union all
        select ${bucketOf(granularity, sql`c.closed_at`)}, c.service_id, c.assigned_group, 0, count(*)
        from cases c where c.kind in (${list(kinds)}) and ${inPeriod(sql`c.closed_at`, period)}
        group by 1, 2, 3
      ) x left join services sv on sv.id = x.service_id
      group by x.bucket, sv.name, x.grp
      order by x.bucket, sv.name nulls last, x.grp nulls last`,
  )
  return {
    id: SectionId.Workload,
    title: 'Workload per service and group',
    clause: '6.2 c',
    measuredAs:
      `Cases of the kinds ${kinds.join(', ')} opened (created) and closed (reached a final status) in each ` +
      `${granularity} of the period (UTC; weeks start on Monday), by the service and the assigned group on ` +
      'the record now.',
    columns: [
      { key: 'bucket', label: granularity === 'week' ? 'Week of' : 'Month' },
      { key: 'service', label: 'Service' },
      { key: 'group', label: 'Group' },
      { key: 'opened', label: 'Opened' },
      { key: 'closed', label: 'Closed' },
    ],
    rows: found.map((r) => ({
      bucket: String(r.bucket),
      service: groupLabel(r.service, '(no service)'),
      group: groupLabel(r.grp, '(no group)'),
      opened: num(r.opened),
      closed: num(r.closed),
    })),
  }
}

/** 6.2 e (and b, c): cases opened per kind, closed, and major incidents, per week or month. */
async function trends({ db, period, granularity }: Ctx): Promise<ReportSection> {
  const kinds = Object.keys(WORKLOAD_KINDS) as (keyof typeof WORKLOAD_KINDS)[]
  const opened = await rows(
    db,
    sql<Record<string, unknown>>`select ${bucketOf(granularity, sql`c.created_at`)} as bucket,
        ${sql.join(
          kinds.map(
            (k) => sql`count(*) filter (where c.kind = ${k})::int as ${sql.id(WORKLOAD_KINDS[k])}`,
          ),
        )},
        count(*) filter (where c.kind = 'incident' and ${majorIncidentSql('c')})::int as majors
      from cases c where c.kind in (${list(kinds)}) and ${inPeriod(sql`c.created_at`, period)}
      group by 1`,
  )
  const closed = await rows(
    db,
    sql<Record<string, unknown>>`select ${bucketOf(granularity, sql`c.closed_at`)} as bucket,
        count(*)::int as closed
      from cases c where c.kind in (${list(kinds)}) and ${inPeriod(sql`c.closed_at`, period)}
      group by 1`,
  )
  const byBucket = new Map(opened.map((r) => [String(r.bucket), r]))
  const closedBy = new Map(closed.map((r) => [String(r.bucket), num(r.closed)]))
  const series = kinds.map((k) => WORKLOAD_KINDS[k])
  return {
    id: SectionId.Trends,
    title: 'Trends',
    clause: '6.2 e',
    measuredAs:
      `Cases created per ${granularity} (UTC) by kind, major incidents among the incidents created (the ` +
      "incident procedure's own rule, see cases/major-incident.ts), and cases of these kinds closed per " +
      `${granularity}.`,
    columns: [
      { key: 'bucket', label: granularity === 'week' ? 'Week of' : 'Month' },
      ...series.map((s) => ({ key: s, label: s.replace(/[A-Z]/g, (m) => ` ${m.toLowerCase()}`) })),
      { key: 'majorIncidents', label: 'major incidents' },
      { key: 'closed', label: 'closed (all kinds)' },
    ],
    rows: bucketsOf(period, granularity).map((b) => {
      const r = byBucket.get(b)
      return {
        bucket: b,
        ...Object.fromEntries(series.map((s) => [s, num(r?.[s])])),
        majorIncidents: num(r?.majors),
        closed: closedBy.get(b) ?? 0,
      }
    }),
    chart: {
      kind: 'line',
      label: `Cases opened per ${granularity}`,
      x: 'bucket',
      series: ['incidents', 'serviceRequests', 'changes', 'majorIncidents', 'closed'],
    },
  }
}

/** Most major incidents listed one by one; the total is always exact. */
export const MAJOR_INCIDENT_LIST_LIMIT = 1000

/** 6.2 b: major incidents, by the procedure's own definition. */
async function majorIncidents({ db, period }: Ctx): Promise<ReportSection> {
  const found = await rows(
    db,
    sql<Record<string, unknown>>`select c.id, c.title, sv.name as service, c.priority, c.status,
        c.created_at, c.closed_at, count(*) over ()::int as total
      from cases c left join services sv on sv.id = c.service_id
      where c.kind = 'incident' and ${inPeriod(sql`c.created_at`, period)} and ${majorIncidentSql('c')}
      order by c.created_at, c.id limit ${MAJOR_INCIDENT_LIST_LIMIT}`,
  )
  const total = num(found[0]?.total)
  return {
    id: SectionId.MajorIncidents,
    title: `Major incidents (${total})`,
    clause: '6.2 b',
    measuredAs:
      'Incidents created in the period that are major by the agreed definition the incident procedure ' +
      'applies at Task_PrioritiseIncident (recorded as data.major; for an incident not prioritised yet, ' +
      'the same rule on its recorded priority and impact: priority 1 with impact 1). ' +
      `Listed up to ${MAJOR_INCIDENT_LIST_LIMIT}; the count in the title is exact.`,
    columns: [
      { key: 'id', label: 'Incident' },
      { key: 'title', label: 'Title' },
      { key: 'service', label: 'Service' },
      { key: 'priority', label: 'Priority' },
      { key: 'status', label: 'Status' },
      { key: 'createdAt', label: 'Created' },
      { key: 'closedAt', label: 'Closed' },
    ],
    rows: found.map((r) => ({
      id: String(r.id),
      title: String(r.title),
      service: (r.service as string | null) ?? null,
      priority: numOrNull(r.priority),
      status: String(r.status),
      createdAt: isoOf(r.created_at),
      closedAt: isoOf(r.closed_at),
    })),
  }
}

/** 6.2 b, c: changes and releases with their outcome. */
async function changesReleases({ db, period }: Ctx): Promise<ReportSection> {
  const ended = await rows(
    db,
    sql<Record<string, unknown>>`select c.kind,
        case when o.backed_out then 'backed-out' when o.deployed then 'deployed' else c.status end
          as outcome,
        case when c.kind = 'change' then coalesce(c.data ->> 'objectivesMet', 'not recorded') end
          as objectives_met,
        count(*)::int as n
      from cases c
      -- a release's own history through its index (not a scan of every status change)
      left join lateral (
        select bool_or(h.to_status = 'backed-out') as backed_out,
          bool_or(h.to_status = 'deployed') as deployed
        from case_status_history h where h.case_id = c.id and h.case_kind = c.kind
      ) o on c.kind = 'release'
      where c.kind in ('change', 'release') and ${inPeriod(sql`c.closed_at`, period)}
      group by 1, 2, 3 order by 1, 2, 3`,
  )
  const raised = await rows(
    db,
    sql<Record<string, unknown>>`select c.kind, count(*)::int as n from cases c
      where c.kind in ('change', 'release') and ${inPeriod(sql`c.created_at`, period)}
      group by 1 order by 1`,
  )
  return {
    id: SectionId.ChangesReleases,
    title: 'Changes and releases',
    clause: '6.2 b, c',
    measuredAs:
      'Raised: changes and releases created in the period. Ended: those that reached a final status in the ' +
      'period, by outcome: a release that was backed out or deployed (per its status history, set by ' +
      'report-release-outcome) shows that outcome, otherwise its final status; a change shows its final ' +
      'status and whether the post-implementation review recorded its objectives as met.',
    columns: [
      { key: 'kind', label: 'Kind' },
      { key: 'stage', label: 'Stage' },
      { key: 'outcome', label: 'Outcome' },
      { key: 'objectivesMet', label: 'Objectives met (PIR)' },
      { key: 'count', label: 'Count' },
    ],
    rows: [
      ...raised.map((r) => ({
        label: `${String(r.kind)} raised`,
        kind: String(r.kind),
        stage: 'raised',
        outcome: null,
        objectivesMet: null,
        count: num(r.n),
      })),
      ...ended.map((r) => ({
        label: `${String(r.kind)} ${String(r.outcome)}${r.objectives_met === 'true' ? ' (met)' : r.objectives_met === 'false' ? ' (not met)' : ''}`,
        kind: String(r.kind),
        stage: 'ended',
        outcome: String(r.outcome),
        objectivesMet: (r.objectives_met as string | null) ?? null,
        count: num(r.n),
      })),
    ],
    chart: {
      kind: 'bar',
      label: 'Changes and releases by outcome',
      x: 'label',
      series: ['count'],
    },
  }
}

/** 6.2 a via 7.2: supplier performance. */
async function suppliers({ db, period }: Ctx): Promise<ReportSection> {
  const found = await rows(
    db,
    sql<Record<string, unknown>>`select s.name,
        (select count(*) from cases c where c.supplier_id = s.id
          and ${inPeriod(sql`c.created_at`, period)})::int as cases,
        (select count(*) from sla_breaches b where b.supplier_id = s.id
          and ${inPeriod(sql`b.breached_at`, period)})::int as breaches,
        (select count(*) from supplier_reviews r where r.supplier_id = s.id
          and ${inPeriod(sql`r.reviewed_at`, period)})::int as reviews,
        (select count(*) filter (where e ->> 'met' = 'true') from supplier_reviews r
          cross join lateral jsonb_array_elements(case when jsonb_typeof(r.outcome -> 'performance' -> 'targets')
            = 'array' then r.outcome -> 'performance' -> 'targets' else '[]'::jsonb end) e
          where r.supplier_id = s.id and ${inPeriod(sql`r.reviewed_at`, period)})::int as targets_met,
        (select count(*) filter (where e ->> 'met' = 'false') from supplier_reviews r
          cross join lateral jsonb_array_elements(case when jsonb_typeof(r.outcome -> 'performance' -> 'targets')
            = 'array' then r.outcome -> 'performance' -> 'targets' else '[]'::jsonb end) e
          where r.supplier_id = s.id and ${inPeriod(sql`r.reviewed_at`, period)})::int as targets_missed,
        (select count(*) from supplier_reviews r
          cross join lateral jsonb_array_elements(case when jsonb_typeof(r.outcome -> 'performance' -> 'targets')
            = 'array' then r.outcome -> 'performance' -> 'targets' else '[]'::jsonb end) e
          where r.supplier_id = s.id and ${inPeriod(sql`r.reviewed_at`, period)})::int as targets_reviewed
      from suppliers s order by s.name`,
  )
  return {
    id: SectionId.Suppliers,
    title: 'Supplier performance',
    clause: '6.2 a, 7.2',
    measuredAs:
      'Per supplier: cases created in the period with the supplier on the record; SLA breaches the procedures ' +
      'recorded in the period on cases of the supplier; supplier reviews recorded in the period, and of the ' +
      'contract targets those reviews measured one by one (value achieved against the agreed value, or the ' +
      "reviewer's judgement; cases/supplier-targets.ts), how many were met and how many missed; targets not " +
      'assessed count as reviewed only.',
    columns: [
      { key: 'supplier', label: 'Supplier' },
      { key: 'cases', label: 'Cases' },
      { key: 'breaches', label: 'SLA breaches' },
      { key: 'reviews', label: 'Reviews' },
      { key: 'targetsMet', label: 'Targets met' },
      { key: 'targetsMissed', label: 'Targets missed' },
      { key: 'targetsReviewed', label: 'Targets reviewed' },
    ],
    rows: found.map((r) => ({
      supplier: String(r.name),
      cases: num(r.cases),
      breaches: num(r.breaches),
      reviews: num(r.reviews),
      targetsMet: num(r.targets_met),
      targetsMissed: num(r.targets_missed),
      targetsReviewed: num(r.targets_reviewed),
    })),
    chart: { kind: 'bar', label: 'SLA breaches per supplier', x: 'supplier', series: ['breaches'] },
  }
}

/** Raised / closed / open-at-end counts of one kind. */
async function flow(
  ctx: Ctx,
  kind: string,
): Promise<{ raised: number; closed: number; open: number }> {
  const { db, period } = ctx
  const [r] = await rows(
    db,
    sql<Record<string, unknown>>`select
        count(*) filter (where ${inPeriod(sql`c.created_at`, period)})::int as raised,
        count(*) filter (where ${inPeriod(sql`c.closed_at`, period)})::int as closed,
        count(*) filter (where c.closed_at is null or c.closed_at >= ${ts(period.to)})::int as open
      from cases c where c.kind = ${kind} and c.created_at < ${ts(period.to)}`,
  )
  return { raised: num(r?.raised), closed: num(r?.closed), open: num(r?.open) }
}

/** 6.2 d: nonconformities (audit findings) raised, closed and open. */
async function nonconformities(ctx: Ctx): Promise<ReportSection> {
  const f = await flow(ctx, 'audit-finding')
  return {
    id: SectionId.Nonconformities,
    title: 'Nonconformities',
    clause: '6.2 d',
    measuredAs:
      'Audit findings (4.5.4) created in the period, reaching a final status in the period, and not in a final ' +
      'status at the end of the period.',
    columns: [
      { key: 'measure', label: 'Measure' },
      { key: 'value', label: 'Value' },
    ],
    rows: [
      { measure: 'raised in period', value: f.raised },
      { measure: 'closed in period', value: f.closed },
      { measure: 'open at end of period', value: f.open },
    ],
  }
}

/** 6.2 f: complaints and customer satisfaction where recorded. */
async function complaints(ctx: Ctx): Promise<ReportSection> {
  const f = await flow(ctx, 'complaint')
  const [s] = await rows(
    ctx.db,
    sql<Record<string, unknown>>`select count(*)::int as n,
        round(avg((c.data ->> 'satisfaction')::numeric), 2)::float8 as avg
      from cases c where c.kind in (${list(SLA_KINDS)}) and ${inPeriod(sql`c.closed_at`, ctx.period)}
        and jsonb_typeof(c.data -> 'satisfaction') = 'number'`,
  )
  return {
    id: SectionId.Complaints,
    title: 'Complaints and customer satisfaction',
    clause: '6.2 f',
    measuredAs:
      'Complaints (7.1) created, closed in the period and open at its end. Customer satisfaction: incidents ' +
      'and service requests closed in the period with a satisfaction score recorded (data.satisfaction, a ' +
      'number), and their average; none recorded shows 0 responses and no average.',
    columns: [
      { key: 'measure', label: 'Measure' },
      { key: 'value', label: 'Value' },
    ],
    rows: [
      { measure: 'complaints raised', value: f.raised },
      { measure: 'complaints closed', value: f.closed },
      { measure: 'complaints open at end of period', value: f.open },
      { measure: 'satisfaction responses', value: num(s?.n) },
      { measure: 'average satisfaction', value: numOrNull(s?.avg) },
    ],
  }
}

/** 6.2 (via 4.5.5): improvement status. */
async function improvements({ db, period }: Ctx): Promise<ReportSection> {
  const found = await rows(
    db,
    sql<Record<string, unknown>>`select c.status,
        coalesce(c.data ->> 'targetsAchieved', 'not recorded') as achieved, count(*)::int as n
      from cases c where c.kind = 'improvement' and c.created_at < ${ts(period.to)}
        and (c.closed_at is null or c.closed_at >= ${ts(period.from)})
      group by 1, 2 order by 1, 2`,
  )
  return {
    id: SectionId.Improvements,
    title: 'Improvement status',
    clause: '6.2, 4.5.5',
    measuredAs:
      'Improvements open at any time in the period (created before its end and not closed before its start), ' +
      'by their status now and whether their targets were recorded as achieved (Task_MeasureImprovement).',
    columns: [
      { key: 'status', label: 'Status' },
      { key: 'targetsAchieved', label: 'Targets achieved' },
      { key: 'count', label: 'Count' },
    ],
    rows: found.map((r) => ({
      label: `${String(r.status)} (${String(r.achieved)})`,
      status: String(r.status),
      targetsAchieved: String(r.achieved),
      count: num(r.n),
    })),
    chart: { kind: 'bar', label: 'Improvements by status', x: 'label', series: ['count'] },
  }
}

/** The query of each standard section. */
export const sectionQueries: Record<SectionId, (ctx: Ctx) => Promise<ReportSection>> = {
  [SectionId.SlaPerformance]: slaPerformance,
  [SectionId.Workload]: workload,
  [SectionId.Trends]: trends,
  [SectionId.MajorIncidents]: majorIncidents,
  [SectionId.ChangesReleases]: changesReleases,
  [SectionId.Suppliers]: suppliers,
  [SectionId.Nonconformities]: nonconformities,
  [SectionId.Complaints]: complaints,
  [SectionId.Improvements]: improvements,
  [SectionId.Satisfaction]: satisfaction,
  [SectionId.Costs]: costs,
}

/**
 * Settings for the report's transaction: no JIT compilation (on a PostgreSQL server it costs
 * more than these short aggregates take) and room to sort a period's rows in memory.
 */
export async function applyReportSettings(tx: Kysely<DB>): Promise<void> {
  await sql`set local jit = off`.execute(tx)
  await sql`set local work_mem = '32MB'`.execute(tx)
}

/** Computes the sections, in the order asked (inside a transaction: see applyReportSettings). */
export async function computeSections(
  db: Kysely<DB>,
  sections: readonly SectionId[],
  period: Period,
  granularity: Granularity,
): Promise<ReportSection[]> {
  const out: ReportSection[] = []
  for (const id of sections) out.push(await sectionQueries[id]({ db, period, granularity }))
  return out
}
