/**
 * ISO/IEC 20000-1 4.5.4.2: the audit programme of a year: the internal audits planned for it,
 * which clause each covers, and per clause whether it is covered, by which audits, what earlier
 * audits found there (open and all nonconformities) and when it was last audited, so the
 * programme is planned from status, importance and earlier results and its gaps are visible.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import { auditableClauses } from './clauses'
import { areasOfAudit } from './independence'
import { instantOf } from '../../forms/date-ranges'

/** One audit of the programme. */
export interface ProgrammeAudit {
  id: string
  title: string
  status: string
  auditor: string | null
  clauses: string[]
  processes: string[]
  plannedStart: string | null
  plannedEnd: string | null
  nonconformities: number | null
}

/** Coverage of one clause. */
export interface ClauseCoverage {
  clause: string
  title: string
  processes: readonly string[]
  audits: string[]
  covered: boolean
  /** Nonconformities found on the clause by earlier audits (any year), and those still open. */
  earlierNonconformities: number
  openNonconformities: number
  lastAuditedAt: string | null
}

/** The programme of a year. */
export interface AuditProgramme {
  year: number
  audits: ProgrammeAudit[]
  coverage: ClauseCoverage[]
  /** Clauses no audit of the year covers. */
  gaps: string[]
  /** Corrective actions past their due date and not closed (escalate them). */
  overdueActions: { findingId: string; owner: string | null; due: string; clause: string | null }[]
}

const yearOf = (data: Record<string, unknown>, createdAt: Date | string) =>
  typeof data.year === 'number' ? data.year : new Date(createdAt).getUTCFullYear()

export async function auditProgramme(
  db: Kysely<DB>,
  year: number,
  now: Date,
): Promise<AuditProgramme> {
  const rows = await db
    .selectFrom('cases')
    .select(['id', 'title', 'status', 'assignee', 'data', 'created_at', 'closed_at'])
    .where('kind', '=', 'internal-audit')
    .where('status', '!=', 'cancelled')
    .orderBy('id')
    .execute()
  const audits: ProgrammeAudit[] = []
  const lastAudited = new Map<string, string>()
  for (const r of rows) {
    const data = (r.data ?? {}) as Record<string, unknown>
    const { clauses, processes } = areasOfAudit(data)
    if (r.closed_at) {
      const at = new Date(r.closed_at).toISOString()
      for (const c of clauses) if ((lastAudited.get(c) ?? '') < at) lastAudited.set(c, at)
    }
    if (yearOf(data, r.created_at) !== year) continue
    audits.push({
      id: r.id,
      title: r.title ?? '',
      status: r.status,
      auditor: r.assignee,
      clauses,
      processes,
      plannedStart: typeof data.plannedStart === 'string' ? data.plannedStart : null,
      plannedEnd: typeof data.plannedEnd === 'string' ? data.plannedEnd : null,
      nonconformities: typeof data.nonconformities === 'number' ? data.nonconformities : null,
    })
  }
  const findings = await db
    .selectFrom('cases')
    .select([
      'id',
      'status',
      'assignee',
      sql<string | null>`data ->> 'clause'`.as('clause'),
      sql<string | null>`data ->> 'findingType'`.as('type'),
      sql<string | null>`data ->> 'actionDue'`.as('due'),
    ])
    .where('kind', '=', 'audit-finding')
    .execute()
  const coverage = auditableClauses.map((c): ClauseCoverage => {
    const covering = audits.filter((a) => a.clauses.includes(c.clause)).map((a) => a.id)
    const ncs = findings.filter((f) => f.clause === c.clause && f.type === 'nonconformity')
    return {
      clause: c.clause,
      title: c.title,
      processes: c.processes,
      audits: covering,
      covered: covering.length > 0,
      earlierNonconformities: ncs.length,
      openNonconformities: ncs.filter((f) => f.status !== 'closed').length,
      lastAuditedAt: lastAudited.get(c.clause) ?? null,
    }
  })
  const overdueActions = findings
    .filter((f) => f.status !== 'closed' && f.due)
    .filter((f) => (instantOf(f.due) ?? Infinity) < now.getTime())
    .map((f) => ({ findingId: f.id, owner: f.assignee, due: f.due!, clause: f.clause }))
  return {
    year,
    audits,
    coverage,
    gaps: coverage.filter((c) => !c.covered).map((c) => c.clause),
    overdueActions,
  }
}
