/**
 * The CMDB beyond plain CI records (9.1): relations CI↔CI and CI↔service, the change history of
 * each CI, impact analysis over relations (for change assessment, 9.2), the RFCs, problems and
 * known errors associated with a CI, and baselines (named snapshots of a set of CIs, taken before
 * a release is deployed, 9.3). Every change writes evidence in the same transaction.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, ForbiddenError, NotFoundError, UserError } from '../errors'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { canCreate, canReadKind, canWrite, type Actor } from './access'
import { nextReference } from './references'
import { iso } from '../db/timestamps'

/** A relation from a CI to another CI or to a service. */
export interface CiRelation {
  id: number
  ciId: string
  targetKind: 'ci' | 'service'
  targetId: string
  relationType: string
  createdBy: string
  createdAt: string
}

/** One entry of a CI's change history. */
export interface CiHistoryEntry {
  id: number
  at: string
  actor: string
  action: string
  before: unknown
  after: unknown
}

export interface Baseline {
  id: string
  name: string
  description: string
  releaseId: string | null
  createdBy: string
  createdAt: string
  /** CI records as they were when the baseline was taken. */
  items: { ciId: string; snapshot: unknown }[]
}

/** What a change to some CIs may touch: the CIs reachable over relations and their services. */
export interface Impact {
  cis: { id: string; name: string; ciType: string; status: string; depth: number }[]
  services: { id: string; name: string }[]
}

/** Relation types between CIs and from CIs to services. */
export const RelationType = {
  DependsOn: 'depends-on',
  RunsOn: 'runs-on',
  ConnectsTo: 'connects-to',
  PartOf: 'part-of',
  Supports: 'supports',
  BacksUp: 'backs-up',
} as const
export type RelationType = (typeof RelationType)[keyof typeof RelationType]

export class CmdbService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink }) {}

  private async ci(id: string, actor: Actor, db: Kysely<DB> = this.deps.db) {
    if (!canReadKind(actor, 'ci')) throw new ForbiddenError('You may not read the CMDB.')
    const row = await db.selectFrom('cis').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw new NotFoundError(`No configuration item ${id}.`)
    return row
  }

  /** Relations of a CI in both directions (outgoing first). */
  async relations(
    ciId: string,
    actor: Actor,
  ): Promise<{ outgoing: CiRelation[]; incoming: CiRelation[] }> {
    await this.ci(ciId, actor)
    const rows = await this.deps.db
      .selectFrom('ci_relations')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('ci_id', '=', ciId),
          eb.and([eb('target_kind', '=', 'ci'), eb('target_id', '=', ciId)]),
        ]),
      )
      .orderBy('id')
      .execute()
    const all = rows.map(toRelation)
    return {
      outgoing: all.filter((r) => r.ciId === ciId),
      incoming: all.filter((r) => r.ciId !== ciId),
    }
  }

  /** Adds a relation; recorded in the CI's history and the evidence trail. */
  async addRelation(
    ciId: string,
    input: { targetKind: 'ci' | 'service'; targetId: string; relationType: string },
    actor: Actor,
  ): Promise<CiRelation> {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const ci = await this.ci(ciId, actor, tx)
      if (!canWrite(actor, 'ci', { ownerGroup: ci.owner_group })) {
        throw new ForbiddenError(`You may not change ${ciId}.`)
      }
      if (input.targetKind === 'ci' && input.targetId === ciId) {
        throw new UserError('A CI cannot relate to itself.', [
          { path: '/targetId', message: 'must differ from the CI' },
        ])
      }
      const table = input.targetKind === 'ci' ? 'cis' : 'services'
      const found =
        await sql`select 1 from ${sql.table(table)} where id = ${input.targetId}`.execute(tx)
      if (!found.rows.length) {
        throw new UserError('The relation target does not exist.', [
          { path: '/targetId', message: `no ${input.targetKind} ${input.targetId}` },
        ])
      }
      const row = await tx
        .insertInto('ci_relations')
        .values({
          ci_id: ciId,
          target_kind: input.targetKind,
          target_id: input.targetId,
          relation_type: input.relationType,
          created_by: actor.username,
        })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst()
      if (!row) throw new ConflictError('This relation exists already.')
      const relation = toRelation(row)
      await sql`insert into ci_history (ci_id, actor, action, before, after)
        values (${ciId}, ${actor.username}, 'relation-added', null, ${JSON.stringify(relation)}::jsonb)`.execute(
        tx,
      )
      return {
        result: relation,
        evidence: {
          actor: actor.username,
          action: 'ci.relation-added',
          entityType: 'ci',
          entityId: ciId,
          after: relation,
        },
      }
    })
  }

  /** Removes a relation (the history keeps it). */
  async removeRelation(ciId: string, relationId: number, actor: Actor): Promise<void> {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const ci = await this.ci(ciId, actor, tx)
      if (!canWrite(actor, 'ci', { ownerGroup: ci.owner_group })) {
        throw new ForbiddenError(`You may not change ${ciId}.`)
      }
      const row = await tx
        .deleteFrom('ci_relations')
        .where('id', '=', relationId)
        .where('ci_id', '=', ciId)
        .returningAll()
        .executeTakeFirst()
      if (!row) throw new NotFoundError(`No relation ${relationId} of ${ciId}.`)
      const relation = toRelation(row)
      await sql`insert into ci_history (ci_id, actor, action, before, after)
        values (${ciId}, ${actor.username}, 'relation-removed', ${JSON.stringify(relation)}::jsonb, null)`.execute(
        tx,
      )
      return {
        result: undefined,
        evidence: {
          actor: actor.username,
          action: 'ci.relation-removed',
          entityType: 'ci',
          entityId: ciId,
          before: relation,
        },
      }
    })
  }

  /** 9.1: the CI's change history, oldest first. */
  async history(ciId: string, actor: Actor): Promise<CiHistoryEntry[]> {
    await this.ci(ciId, actor)
    const rows = await this.deps.db
      .selectFrom('ci_history')
      .selectAll()
      .where('ci_id', '=', ciId)
      .orderBy('id')
      .execute()
    return rows.map((r) => ({
      id: r.id,
      at: iso(r.at),
      actor: r.actor,
      action: r.action,
      before: r.before,
      after: r.after,
    }))
  }

  /** 9.1 g, h: RFCs, problems and known errors associated with the CI (by `ciId` or by link). */
  async associatedCases(
    ciId: string,
    actor: Actor,
  ): Promise<{ kind: string; id: string; title: string; status: string }[]> {
    await this.ci(ciId, actor)
    const r = await sql<{ kind: string; id: string; title: string; status: string }>`
      select kind, id, title, status from cases
      where kind in ('change', 'problem', 'known-error')
        and (ci_id = ${ciId} or exists (
          select 1 from case_links l where
            (l.from_kind = cases.kind and l.from_id = cases.id and l.to_kind = 'ci' and l.to_id = ${ciId})
            or (l.to_kind = cases.kind and l.to_id = cases.id and l.from_kind = 'ci' and l.from_id = ${ciId})))
      order by created_at`.execute(this.deps.db)
    return r.rows
  }

  /**
   * Impact of changing `ciIds` (9.2 assessment): every CI that depends on them, directly or
   * transitively (incoming relations), and every service those CIs support.
   */
  async impact(ciIds: string[], maxDepth = 10): Promise<Impact> {
    const seen = new Map<string, number>()
    let frontier = [...new Set(ciIds)]
    frontier.forEach((id) => seen.set(id, 0))
    for (let depth = 1; depth <= maxDepth && frontier.length; depth++) {
      const rows = await this.deps.db
        .selectFrom('ci_relations')
        .select('ci_id')
        .where('target_kind', '=', 'ci')
        .where('target_id', 'in', frontier)
        .execute()
      frontier = []
      for (const r of rows) {
        if (!seen.has(r.ci_id)) {
          seen.set(r.ci_id, depth)
          frontier.push(r.ci_id)
        }
      }
    }
    const ids = [...seen.keys()]
    if (!ids.length) return { cis: [], services: [] }
    const cis = await this.deps.db
      .selectFrom('cis')
      .select(['id', 'name', 'ci_type', 'status'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute()
    const services = await this.deps.db
      .selectFrom('ci_relations')
      .innerJoin('services', 'services.id', 'ci_relations.target_id')
      .select(['services.id', 'services.name'])
      .distinct()
      .where('ci_relations.target_kind', '=', 'service')
      .where('ci_relations.ci_id', 'in', ids)
      .orderBy('services.id')
      .execute()
    return {
      cis: cis.map((c) => ({
        id: c.id,
        name: c.name,
        ciType: c.ci_type,
        status: c.status,
        depth: seen.get(c.id) ?? 0,
      })),
      services,
    }
  }

  /** 9.1/9.3: takes a baseline of `ciIds` as they are now (e.g. before a release deploys). */
  async takeBaseline(
    input: { name: string; description?: string; ciIds: string[]; releaseId?: string | null },
    actor: Actor,
  ): Promise<Baseline> {
    if (!canCreate(actor, 'ci')) throw new ForbiddenError('You may not take baselines.')
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const ids = [...new Set(input.ciIds)]
      const rows = await tx.selectFrom('cis').selectAll().where('id', 'in', ids).execute()
      const missing = ids.filter((id) => !rows.some((r) => r.id === id))
      if (missing.length) {
        throw new UserError('Some CIs do not exist.', [
          { path: '/ciIds', message: `unknown: ${missing.join(', ')}` },
        ])
      }
      if (input.releaseId) {
        const release = await tx
          .selectFrom('cases')
          .select('id')
          .where('kind', '=', 'release')
          .where('id', '=', input.releaseId)
          .executeTakeFirst()
        if (!release) {
          throw new UserError('Unknown release.', [
            { path: '/releaseId', message: `no release ${input.releaseId}` },
          ])
        }
      }
      const id = await nextReference(tx, 'BL')
      const created = await tx
        .insertInto('baselines')
        .values({
          id,
          name: input.name,
          description: input.description ?? '',
          release_id: input.releaseId ?? null,
          created_by: actor.username,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      // The snapshot holds the CI record and its relations as they are at this moment.
      const relations = await tx
        .selectFrom('ci_relations')
        .select(['ci_id', 'target_kind', 'target_id', 'relation_type'])
        .where('ci_id', 'in', ids)
        .orderBy('id')
        .execute()
      const items = rows.map((r) => ({
        ciId: r.id,
        snapshot: JSON.parse(
          JSON.stringify({
            ...r,
            relations: relations
              .filter((rel) => rel.ci_id === r.id)
              .map((rel) => ({
                targetKind: rel.target_kind,
                targetId: rel.target_id,
                relationType: rel.relation_type,
              })),
          }),
        ) as unknown,
      }))
      for (const item of items) {
        await sql`insert into baseline_items (baseline_id, ci_id, snapshot)
          values (${id}, ${item.ciId}, ${JSON.stringify(item.snapshot)}::jsonb)`.execute(tx)
      }
      const baseline: Baseline = {
        id,
        name: created.name,
        description: created.description,
        releaseId: created.release_id,
        createdBy: created.created_by,
        createdAt: iso(created.created_at),
        items,
      }
      return {
        result: baseline,
        evidence: {
          actor: actor.username,
          action: 'baseline.taken',
          entityType: 'baseline',
          entityId: id,
          after: baseline,
        },
      }
    })
  }

  /** All baselines, newest first (without items). */
  async baselines(actor: Actor, releaseId?: string): Promise<Omit<Baseline, 'items'>[]> {
    if (!canReadKind(actor, 'ci')) throw new ForbiddenError('You may not read the CMDB.')
    let q = this.deps.db.selectFrom('baselines').selectAll().orderBy('created_at', 'desc')
    if (releaseId) q = q.where('release_id', '=', releaseId)
    const rows = await q.execute()
    return rows.map((b) => ({
      id: b.id,
      name: b.name,
      description: b.description,
      releaseId: b.release_id,
      createdBy: b.created_by,
      createdAt: iso(b.created_at),
    }))
  }

  /** One baseline with the CI snapshots. */
  async baseline(id: string, actor: Actor): Promise<Baseline> {
    if (!canReadKind(actor, 'ci')) throw new ForbiddenError('You may not read the CMDB.')
    const b = await this.deps.db
      .selectFrom('baselines')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!b) throw new NotFoundError(`No baseline ${id}.`)
    const items = await this.deps.db
      .selectFrom('baseline_items')
      .select(['ci_id', 'snapshot'])
      .where('baseline_id', '=', id)
      .orderBy('ci_id')
      .execute()
    return {
      id: b.id,
      name: b.name,
      description: b.description,
      releaseId: b.release_id,
      createdBy: b.created_by,
      createdAt: iso(b.created_at),
      items: items.map((i) => ({ ciId: i.ci_id, snapshot: i.snapshot })),
    }
  }
}

function toRelation(r: {
  id: number
  ci_id: string
  target_kind: string
  target_id: string
  relation_type: string
  created_by: string
  created_at: Date
}): CiRelation {
  return {
    id: r.id,
    ciId: r.ci_id,
    targetKind: r.target_kind as 'ci' | 'service',
    targetId: r.target_id,
    relationType: r.relation_type,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
  }
}
