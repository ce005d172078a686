/**
 * 6.2, 7.1: customer satisfaction as the surveys measured it (`satisfaction_surveys`, see
 * `server/src/relationship`): surveys sent in the period, answered, the response rate, the average
 * score (1 very dissatisfied … 5 very satisfied) and the dissatisfied answers (score 1–2), in
 * all, by trigger (after a case closed, periodic), by service and by customer organisation.
 */
import { sql } from 'kysely'
import { SectionId, type Cell, type ReportSection } from './report-model'
import type { Ctx } from './report-sections'

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

/** The section `satisfaction`. */
export async function satisfaction({ db, period }: Ctx): Promise<ReportSection> {
  const from = period.from.toISOString()
  const to = period.to.toISOString()
  const found = await sql<Record<string, unknown>>`
    with s as (
      select s.*, sv.name as service, o.name as organisation
      from satisfaction_surveys s
        left join services sv on sv.id = s.service_id
        left join customer_organisations o on o.id = s.organisation_id
      where s.sent_at >= ${from}::timestamptz and s.sent_at < ${to}::timestamptz
    ), scopes as (
      select 'all' as dimension, 'all surveys' as scope, s.* from s
      union all select 'trigger', s.trigger, s.* from s
      union all select 'service', coalesce(s.service, 'no service'), s.* from s
      union all select 'customer', coalesce(s.organisation, 'no organisation'), s.* from s
    )
    select dimension, scope, count(*)::int as sent,
      count(answered_at)::int as answered,
      round(avg(score)::numeric, 2)::float8 as avg,
      count(*) filter (where score <= 2)::int as dissatisfied
    from scopes group by dimension, scope
    order by case dimension when 'all' then 0 when 'trigger' then 1 when 'service' then 2 else 3 end,
      scope`.execute(db)
  const rows: Record<string, Cell>[] = found.rows.map((r) => {
    const sent = num(r.sent)
    const answered = num(r.answered)
    return {
      dimension: String(r.dimension),
      scope: String(r.scope),
      sent,
      answered,
      percentAnswered: sent ? Math.round((answered / sent) * 1000) / 10 : null,
      averageScore: numOrNull(r.avg),
      dissatisfied: num(r.dissatisfied),
    }
  })
  if (!rows.length) {
    rows.push({
      dimension: 'all',
      scope: 'all surveys',
      sent: 0,
      answered: 0,
      percentAnswered: null,
      averageScore: null,
      dissatisfied: 0,
    })
  }
  return {
    id: SectionId.Satisfaction,
    title: 'Customer satisfaction',
    clause: '6.2, 7.1',
    measuredAs:
      'Satisfaction surveys (7.1) sent in the period, after a case closed or periodically, and those ' +
      'answered so far; average score 1 (very dissatisfied) to 5 (very satisfied) over the answers; ' +
      'dissatisfied = answers scoring 1 or 2. By trigger, service (of the closed case) and customer organisation.',
    columns: [
      { key: 'dimension', label: 'By' },
      { key: 'scope', label: 'Scope' },
      { key: 'sent', label: 'Sent' },
      { key: 'answered', label: 'Answered' },
      { key: 'percentAnswered', label: '% answered' },
      { key: 'averageScore', label: 'Average score' },
      { key: 'dissatisfied', label: 'Dissatisfied' },
    ],
    rows,
  }
}
