/**
 * Evidence matchers as SQL over the `evidence` table (aliased `e`): the condition an entry meets
 * when it evidences a link, and the aggregate counts per link over a period. Plain PostgreSQL,
 * so PGlite and a server give the same figures.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB } from '../db/schema'
import type { EvidenceLink, EvidenceMatcher } from './evidence-link'

/** The engine's evidence action for a completed element (see `evidence/engine-evidence.ts`). */
export const ELEMENT_COMPLETED = 'engine.process_instance.element_completed'

/** A half-open period [from, to). */
export interface Period {
  from: Date
  to: Date
}

/** The SQL condition on `e` (an evidence row) of one matcher. */
export function matcherCondition(m: EvidenceMatcher): RawBuilder<boolean> {
  const parts: RawBuilder<unknown>[] = []
  if (m.element) {
    parts.push(
      sql`e.action = ${ELEMENT_COMPLETED}`,
      sql`e.after->>'elementId' = ${m.element.elementId}`,
      sql`e.process_instance_key in (select process_instance_key from process_instances where bpmn_process_id = ${m.element.bpmnProcessId})`,
    )
  }
  if (m.entityType) parts.push(sql`e.entity_type = ${m.entityType}`)
  if (m.actions && m.actions.length > 0) {
    parts.push(sql`e.action in (${sql.join(m.actions.map((a) => sql`${a}`))})`)
  }
  if (m.documentKind) {
    parts.push(sql`e.entity_id in (select id from sms_documents where kind = ${m.documentKind})`)
  }
  if (m.reportSection) {
    parts.push(
      sql`e.entity_id in (select rs.id from report_snapshots rs join report_definitions rd on rd.id = rs.definition_id where rd.sections @> jsonb_build_array(${m.reportSection}::text))`,
    )
  }
  if (parts.length === 0) return sql<boolean>`false`
  return sql<boolean>`(${sql.join(parts, sql` and `)})`
}

/** Entries that evidence any of the links (false when none has a matcher). */
export function linksCondition(links: readonly EvidenceLink[]): RawBuilder<boolean> {
  const conds = links.flatMap((l) => (l.matcher ? [matcherCondition(l.matcher)] : []))
  if (conds.length === 0) return sql<boolean>`false`
  return sql<boolean>`(${sql.join(conds, sql` or `)})`
}

const inPeriod = (p: Period) => sql`e.at >= ${p.from} and e.at < ${p.to}`

/**
 * How many entries of the period evidence each link: distinct process instances for element
 * links, entries for the others. One query per link shape (elements, actions, document kinds,
 * report sections), not one per link.
 */
export async function countPerLink(
  db: Kysely<DB>,
  links: readonly EvidenceLink[],
  period: Period,
): Promise<Map<string, number>> {
  const byElement = new Map<string, number>()
  const elementRows = await sql<{ pid: string; el: string; n: string | number }>`
    select pi.bpmn_process_id as pid, e.after->>'elementId' as el,
           count(distinct e.process_instance_key) as n
    from evidence e join process_instances pi on pi.process_instance_key = e.process_instance_key
    where e.action = ${ELEMENT_COMPLETED} and ${inPeriod(period)}
    group by 1, 2`.execute(db)
  for (const r of elementRows.rows) byElement.set(`${r.pid}/${r.el}`, Number(r.n))

  const byAction = new Map<string, number>()
  const actionRows = await sql<{ t: string; a: string; n: string | number }>`
    select e.entity_type as t, e.action as a, count(*) as n from evidence e
    where ${inPeriod(period)} and e.action <> ${ELEMENT_COMPLETED} group by 1, 2`.execute(db)
  for (const r of actionRows.rows) byAction.set(`${r.t}\n${r.a}`, Number(r.n))

  const byDocument = new Map<string, number>()
  const docRows = await sql<{ k: string; a: string; n: string | number }>`
    select d.kind as k, e.action as a, count(*) as n
    from evidence e join sms_documents d on d.id = e.entity_id
    where e.entity_type = 'sms-document' and ${inPeriod(period)} group by 1, 2`.execute(db)
  for (const r of docRows.rows) byDocument.set(`${r.k}\n${r.a}`, Number(r.n))

  const bySection = new Map<string, number>()
  const sectionRows = await sql<{ s: string; n: string | number }>`
    select s.section as s, count(*) as n
    from evidence e
    join report_snapshots rs on rs.id = e.entity_id
    join report_definitions rd on rd.id = rs.definition_id
    cross join lateral jsonb_array_elements_text(rd.sections) as s(section)
    where e.action = 'report.snapshot-taken' and ${inPeriod(period)} group by 1`.execute(db)
  for (const r of sectionRows.rows) bySection.set(r.s, Number(r.n))

  const counts = new Map<string, number>()
  for (const l of links) {
    const m = l.matcher
    if (!m) continue
    let n = 0
    if (m.element) n = byElement.get(`${m.element.bpmnProcessId}/${m.element.elementId}`) ?? 0
    else if (m.reportSection) n = bySection.get(m.reportSection) ?? 0
    else if (m.documentKind) {
      for (const a of m.actions ?? []) n += byDocument.get(`${m.documentKind}\n${a}`) ?? 0
    } else if (m.entityType) {
      for (const a of m.actions ?? []) n += byAction.get(`${m.entityType}\n${a}`) ?? 0
    }
    counts.set(`${l.type}:${l.ref}`, n)
  }
  return counts
}

/**
 * Distinct process instances of the period that completed at least one of each requirement's
 * elements (an instance passing two of its elements counts once).
 */
export async function instancesPerRequirement(
  db: Kysely<DB>,
  links: readonly EvidenceLink[],
  period: Period,
): Promise<Map<string, number>> {
  const tuples = links.flatMap((l) =>
    l.matcher?.element
      ? l.requirements.map(
          (r) =>
            sql`(${r}, ${l.matcher!.element!.bpmnProcessId}, ${l.matcher!.element!.elementId})`,
        )
      : [],
  )
  const out = new Map<string, number>()
  if (tuples.length === 0) return out
  const rows = await sql<{ req: string; n: string | number }>`
    with l(req, pid, el) as (values ${sql.join(tuples)})
    select l.req as req, count(distinct e.process_instance_key) as n
    from evidence e
    join process_instances pi on pi.process_instance_key = e.process_instance_key
    join l on l.pid = pi.bpmn_process_id and l.el = e.after->>'elementId'
    where e.action = ${ELEMENT_COMPLETED} and ${inPeriod(period)}
    group by l.req`.execute(db)
  for (const r of rows.rows) out.set(r.req, Number(r.n))
  return out
}
