/**
 * The live compliance matrix (ISO/IEC 20000-1:2011 clauses 4–9): per requirement, the procedure
 * elements (from the deployed diagrams), records, documents, registers and reports that carry
 * it, the evidence of a period that counts for it, the tests that prove it, and its status; and
 * the drill-down from one requirement to the entries, instances and records behind its counts.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { EvidenceQuery } from '../evidence/audit-trail'
import { toEntry, type EvidenceEntry, type EvidenceRow } from '../evidence/entry'
import { NotFoundError } from '../errors'
import { bpmnLinks } from './bpmn-links'
import { declaredLinks } from './declared-links'
import type { EvidenceCount, EvidenceLink } from './evidence-link'
import {
  countPerLink,
  instancesPerRequirement,
  linksCondition,
  ELEMENT_COMPLETED,
  type Period,
} from './matchers'
import {
  requirements,
  requirementsById,
  requirementsOfClause,
  type Requirement,
} from './requirements'
import { scanTestTags, type TestTag } from './test-tags'

export type { Period } from './matchers'

/** A requirement's status in a period. */
export const ComplianceStatus = {
  Evidenced: 'evidenced',
  NoEvidence: 'no-evidence',
  NotCarried: 'not-carried',
} as const
export type ComplianceStatus = (typeof ComplianceStatus)[keyof typeof ComplianceStatus]

/** A link with its count in the period. */
export interface CountedLink {
  type: EvidenceLink['type']
  ref: string
  label: string
  count: EvidenceCount | null
  evidence: number | null
  /** For element links: where the replay and the diagram find it. */
  bpmnProcessId?: string
  elementId?: string
}

export type Counts = Record<EvidenceCount, number> & { total: number }

/** One row of the matrix. */
export interface MatrixRow extends Requirement {
  elements: CountedLink[]
  records: CountedLink[]
  tests: { file: string; line: number; name: string }[]
  counts: Counts
  status: ComplianceStatus
}

export interface ComplianceServiceDeps {
  db: Kysely<DB>
  /** The repository root, where the tests are read for their tags. */
  repoRoot: string
  /** Verifies the whole evidence chain (`AuditTrail.verify`). */
  verify: () => Promise<unknown>
}

const emptyCounts = (): Counts => ({
  instances: 0,
  records: 0,
  documents: 0,
  reviews: 0,
  reports: 0,
  total: 0,
})

export class ComplianceService {
  private testTags?: Promise<TestTag[]>
  private readonly versionLinks = new Map<string, Promise<EvidenceLink[]>>()

  constructor(private readonly deps: ComplianceServiceDeps) {}

  get db(): Kysely<DB> {
    return this.deps.db
  }

  /** The verification of the whole evidence chain. */
  async verifyChain(): Promise<Record<string, unknown>> {
    const { checkpoint: _signedNow, ...rest } = (await this.deps.verify()) as Record<
      string,
      unknown
    >
    return rest
  }

  /** Element links of the deployed (current) version of every procedure. */
  async elementLinks(): Promise<EvidenceLink[]> {
    const versions = await this.deps.db
      .selectFrom('process_versions')
      .select(['process_definition_key', 'bpmn_process_id', 'checksum'])
      .where('state', '=', 'deployed')
      .orderBy('bpmn_process_id')
      .execute()
    const links: EvidenceLink[] = []
    const seen = new Set<string>()
    for (const v of versions) {
      for (const l of await this.linksOfVersion(v.process_definition_key, v.checksum)) {
        // a file may hold several processes: only the version's own
        if (l.matcher?.element?.bpmnProcessId !== v.bpmn_process_id || seen.has(l.ref)) continue
        seen.add(l.ref)
        links.push(l)
      }
    }
    return links
  }

  /** A version's element links, parsed once per version (a deployed version never changes). */
  private linksOfVersion(definitionKey: string, checksum: string): Promise<EvidenceLink[]> {
    const key = `${definitionKey}:${checksum}`
    let found = this.versionLinks.get(key)
    if (!found) {
      found = this.deps.db
        .selectFrom('process_versions')
        .select('xml')
        .where('process_definition_key', '=', definitionKey)
        .executeTakeFirstOrThrow()
        .then((v) => bpmnLinks(v.xml))
        .catch(() => [] as EvidenceLink[])
      this.versionLinks.set(key, found)
    }
    return found
  }

  /** Every link: declared in code and declared in the deployed diagrams. */
  async links(): Promise<EvidenceLink[]> {
    return [...(await this.elementLinks()), ...declaredLinks()]
  }

  /** Tagged tests (read once per process: the files ship with the release). */
  tests(): Promise<TestTag[]> {
    return (this.testTags ??= scanTestTags(this.deps.repoRoot))
  }

  /** Ids the links or tests name that the catalogue does not know. */
  async unknownIds(): Promise<{ ref: string; id: string }[]> {
    const links = await this.links()
    const tests = await this.tests()
    return [
      ...links.flatMap((l) => l.requirements.map((id) => ({ ref: `${l.type}:${l.ref}`, id }))),
      ...tests.flatMap((t) =>
        t.requirements.map((id) => ({ ref: `test:${t.file}:${t.line}`, id })),
      ),
    ].filter((x) => !requirementsById.has(x.id))
  }

  /** The matrix for a period, optionally of one clause and its sub-clauses. */
  async matrix(period: Period, clause?: string): Promise<MatrixRow[]> {
    const links = await this.links()
    const tests = await this.tests()
    const counts = await countPerLink(this.deps.db, links, period)
    const instances = await instancesPerRequirement(this.deps.db, links, period)
    const selected = clause ? requirementsOfClause(clause) : requirements
    return selected.map((r) => this.row(r, links, tests, counts, instances.get(r.id) ?? 0))
  }

  private row(
    r: Requirement,
    links: readonly EvidenceLink[],
    tests: readonly TestTag[],
    counts: Map<string, number>,
    instances: number,
  ): MatrixRow {
    const mine = links.filter((l) => l.requirements.includes(r.id))
    const counted = mine.map((l): CountedLink => {
      const n = l.matcher ? (counts.get(`${l.type}:${l.ref}`) ?? 0) : null
      return {
        type: l.type,
        ref: l.ref,
        label: l.label,
        count: l.count ?? null,
        evidence: n,
        ...(l.matcher?.element
          ? {
              bpmnProcessId: l.matcher.element.bpmnProcessId,
              elementId: l.matcher.element.elementId,
            }
          : {}),
      }
    })
    const total = emptyCounts()
    total.instances = instances
    for (const l of counted) {
      if (l.type !== 'element' && l.count && l.evidence) total[l.count] += l.evidence
    }
    total.total = total.instances + total.records + total.documents + total.reviews + total.reports
    const proving = tests
      .filter((t) => t.requirements.includes(r.id))
      .map((t) => ({ file: t.file, line: t.line, name: t.name }))
    const carried = counted.length > 0 || proving.length > 0
    return {
      ...r,
      elements: counted.filter((l) => l.type === 'element'),
      records: counted.filter((l) => l.type !== 'element'),
      tests: proving,
      counts: total,
      status: !carried
        ? ComplianceStatus.NotCarried
        : total.total > 0
          ? ComplianceStatus.Evidenced
          : ComplianceStatus.NoEvidence,
    }
  }

  /** The links of one requirement; 404 for an id the catalogue does not know. */
  async linksOf(id: string): Promise<EvidenceLink[]> {
    if (!requirementsById.has(id)) throw new NotFoundError(`No requirement ${id}.`)
    return (await this.links()).filter((l) => l.requirements.includes(id))
  }

  /** The SQL condition on evidence rows `e` evidencing a requirement. */
  async condition(id: string) {
    return linksCondition(await this.linksOf(id))
  }

  /** The evidence entries of a period that evidence a requirement, newest first. */
  async entries(id: string, period: Period, limit = 200): Promise<EvidenceEntry[]> {
    const cond = await this.condition(id)
    const rows = await sql<EvidenceRow>`
      select e.* from evidence e
      where ${cond} and e.at >= ${period.from} and e.at < ${period.to}
      order by e.seq desc limit ${limit}`.execute(this.deps.db)
    return rows.rows.map(toEntry)
  }

  /**
   * The evidence API's list filtered to a requirement (`GET /api/evidence?requirement=`), with
   * the list's other filters.
   */
  async listEvidence(id: string, q: EvidenceQuery): Promise<EvidenceEntry[]> {
    const parts = [await this.condition(id)]
    if (q.entityType) parts.push(sql<boolean>`e.entity_type = ${q.entityType}`)
    if (q.entityId) parts.push(sql<boolean>`e.entity_id = ${q.entityId}`)
    if (q.actor) parts.push(sql<boolean>`e.actor = ${q.actor}`)
    if (q.processInstanceKey) {
      parts.push(sql<boolean>`e.process_instance_key = ${q.processInstanceKey}`)
    }
    if (q.from) parts.push(sql<boolean>`e.at >= ${new Date(q.from)}`)
    if (q.to) parts.push(sql<boolean>`e.at < ${new Date(q.to)}`)
    if (q.afterSeq !== undefined) parts.push(sql<boolean>`e.seq > ${q.afterSeq}`)
    if (q.beforeSeq !== undefined) parts.push(sql<boolean>`e.seq < ${q.beforeSeq}`)
    const order = q.order === 'desc' ? sql`desc` : sql`asc`
    const rows = await sql<EvidenceRow>`
      select e.* from evidence e where ${sql.join(parts, sql` and `)}
      order by e.seq ${order} limit ${Math.min(q.limit ?? 200, 1000)}`.execute(this.deps.db)
    return rows.rows.map(toEntry)
  }

  /** Everything behind a requirement's counts in a period. */
  async drillDown(id: string, period: Period, limit = 500) {
    const row = (await this.matrixOf(id, period))!
    const entries = await this.entries(id, period, limit)
    const instanceKeys = [
      ...new Set(
        entries.filter((e) => e.action === ELEMENT_COMPLETED).map((e) => e.processInstanceKey!),
      ),
    ]
    const procs = instanceKeys.length
      ? await this.deps.db
          .selectFrom('process_instances')
          .select(['process_instance_key', 'bpmn_process_id', 'case_kind', 'case_id', 'version'])
          .where('process_instance_key', 'in', instanceKeys)
          .execute()
      : []
    const procOf = new Map(procs.map((p) => [p.process_instance_key, p]))
    const instances = new Map<string, Record<string, unknown>>()
    const records = new Map<string, Record<string, unknown>>()
    for (const e of [...entries].reverse()) {
      if (e.action === ELEMENT_COMPLETED) {
        const p = procOf.get(e.processInstanceKey!)
        const elementId = (e.after as { elementId?: string } | null)?.elementId ?? null
        const key = `${e.processInstanceKey}/${elementId}`
        if (!instances.has(key)) {
          instances.set(key, {
            processInstanceKey: e.processInstanceKey,
            bpmnProcessId: p?.bpmn_process_id ?? null,
            version: p?.version ?? null,
            elementId,
            caseKind: p?.case_kind ?? e.entityType,
            caseId: p?.case_id ?? e.entityId,
            at: e.at,
            seq: e.seq,
          })
        }
      } else {
        const key = `${e.entityType}/${e.entityId}`
        if (!records.has(key)) {
          records.set(key, {
            entityType: e.entityType,
            entityId: e.entityId,
            action: e.action,
            at: e.at,
            seq: e.seq,
          })
        }
      }
    }
    return {
      requirement: row,
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      instances: [...instances.values()],
      records: [...records.values()],
      entries,
      truncated: entries.length >= limit,
    }
  }

  private async matrixOf(id: string, period: Period): Promise<MatrixRow | undefined> {
    const r = requirementsById.get(id)
    if (!r) throw new NotFoundError(`No requirement ${id}.`)
    const links = await this.links()
    const counts = await countPerLink(this.deps.db, links, period)
    const instances = await instancesPerRequirement(this.deps.db, links, period)
    return this.row(r, links, await this.tests(), counts, instances.get(id) ?? 0)
  }
}
