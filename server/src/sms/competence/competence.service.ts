/**
 * Competence and training (ISO/IEC 20000-1 4.4.2): the competences each role requires (a role
 * is a staff group, e.g. `cab`, or the lead of one, `lead:service-desk`), people's training and
 * qualifications with their dates (planned training is the training plan; completing it records
 * its evidence), the gaps per role, and the check run when someone becomes a group lead or a
 * CAB member. Every write is one transaction with its evidence entry.
 */
import type { Kysely, Selectable } from 'kysely'
import type { DB, SmsPersonCompetencesTable } from '../../db/schema'
import { iso, isoOrNull } from '../../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../../evidence/audit-sink'
import { ConflictError, NotFoundError, UserError } from '../../errors'

export const RecordKind = { Training: 'training', Qualification: 'qualification' } as const
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind]
export const RecordStatus = { Planned: 'planned', Completed: 'completed' } as const
export type RecordStatus = (typeof RecordStatus)[keyof typeof RecordStatus]

export interface Competence {
  id: string
  name: string
  description: string
}
export interface PersonRecordInput {
  username: string
  competenceId: string
  kind: RecordKind
  title: string
  status: RecordStatus
  plannedFor?: string
  achievedAt?: string
  expiresAt?: string
  evidence?: string
}
export interface PersonRecord extends Omit<
  PersonRecordInput,
  'plannedFor' | 'achievedAt' | 'expiresAt' | 'evidence'
> {
  id: number
  plannedFor: string | null
  achievedAt: string | null
  expiresAt: string | null
  evidence: string
  recordedBy: string
  recordedAt: string
}
/** A competence a person lacks for a role they hold. */
export interface CompetenceGap {
  role: string
  username: string
  competenceId: string
  competence: string
  /** `missing`, `expired` or `planned` (training planned, not yet done). */
  reason: 'missing' | 'expired' | 'planned'
}

const day = (v: Date | string | null) => (v == null ? null : iso(v).slice(0, 10))
const toRecord = (r: Selectable<SmsPersonCompetencesTable>): PersonRecord => ({
  id: r.id,
  username: r.username,
  competenceId: r.competence_id,
  kind: r.kind as RecordKind,
  title: r.title,
  status: r.status as RecordStatus,
  plannedFor: day(r.planned_for),
  achievedAt: day(r.achieved_at),
  expiresAt: day(r.expires_at),
  evidence: r.evidence,
  recordedBy: r.recorded_by,
  recordedAt: isoOrNull(r.recorded_at) ?? '',
})

/** The roles a membership makes someone hold: the group, and its lead when they lead it. */
export const rolesOf = (groups: readonly { id: string; isLead?: boolean }[]) =>
  groups.flatMap((g) => (g.isLead ? [g.id, `lead:${g.id}`] : [g.id]))

/**
 * The gaps of the given people in the given roles, as of `today` (YYYY-MM-DD): every required
 * competence without a completed, unexpired record.
 */
async function gapsOf(
  db: Kysely<DB>,
  holders: { username: string; role: string }[],
  today: string,
): Promise<CompetenceGap[]> {
  if (!holders.length) return []
  const roles = [...new Set(holders.map((h) => h.role))]
  const required = await db
    .selectFrom('sms_role_competences as rc')
    .innerJoin('sms_competences as c', 'c.id', 'rc.competence_id')
    .select(['rc.role', 'rc.competence_id', 'c.name'])
    .where('rc.role', 'in', roles)
    .execute()
  if (!required.length) return []
  const users = [...new Set(holders.map((h) => h.username))]
  const records = (
    await db
      .selectFrom('sms_person_competences')
      .selectAll()
      .where('username', 'in', users)
      .execute()
  ).map(toRecord)
  const gaps: CompetenceGap[] = []
  for (const h of holders) {
    for (const req of required.filter((r) => r.role === h.role)) {
      const mine = records.filter(
        (r) => r.username === h.username && r.competenceId === req.competence_id,
      )
      const done = mine.filter((r) => r.status === RecordStatus.Completed && r.achievedAt)
      if (done.some((r) => !r.expiresAt || r.expiresAt >= today)) continue
      gaps.push({
        role: h.role,
        username: h.username,
        competenceId: req.competence_id,
        competence: req.name,
        reason: done.length ? 'expired' : mine.length ? 'planned' : 'missing',
      })
    }
  }
  return gaps
}

/**
 * 4.4.2: the competences someone lacks for the roles their group memberships give them (asked
 * when a group lead or a CAB member is assigned; the answer warns, it does not refuse).
 */
export async function competenceWarnings(
  db: Kysely<DB>,
  username: string,
  groups: readonly { id: string; isLead?: boolean }[],
  today: string,
): Promise<CompetenceGap[]> {
  return gapsOf(
    db,
    rolesOf(groups).map((role) => ({ username, role })),
    today,
  )
}

/**
 * 4.4.2: each role's required competences, its holders (active members of the group, or its
 * lead) and their gaps as of `today` (YYYY-MM-DD). Also an input of the management review
 * (4.5.4.3 d).
 */
export async function roleGaps(db: Kysely<DB>, today: string) {
  const requirements = await db
    .selectFrom('sms_role_competences')
    .selectAll()
    .orderBy('role')
    .orderBy('competence_id')
    .execute()
  const roles = [...new Set(requirements.map((r) => r.role))]
  const members = await db
    .selectFrom('user_groups')
    .innerJoin('users', 'users.id', 'user_groups.user_id')
    .select(['users.username', 'user_groups.group_id', 'user_groups.is_lead'])
    .where('users.active', '=', true)
    .execute()
  const holders = members.flatMap((m) =>
    rolesOf([{ id: m.group_id, isLead: m.is_lead }])
      .filter((role) => roles.includes(role))
      .map((role) => ({ username: m.username, role })),
  )
  const gaps = await gapsOf(db, holders, today)
  return roles.map((role) => ({
    role,
    requires: requirements.filter((r) => r.role === role).map((r) => r.competence_id),
    holders: holders
      .filter((h) => h.role === role)
      .map((h) => h.username)
      .sort(),
    gaps: gaps.filter((g) => g.role === role),
  }))
}

export class CompetenceService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  private today = () => this.deps.now().toISOString().slice(0, 10)

  async competences(): Promise<Competence[]> {
    return this.deps.db.selectFrom('sms_competences').selectAll().orderBy('id').execute()
  }

  async createCompetence(c: Competence, actor: string): Promise<Competence> {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const row = await tx
        .insertInto('sms_competences')
        .values(c)
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst()
      if (!row) throw new ConflictError(`A competence ${c.id} exists.`)
      return {
        result: row,
        evidence: {
          actor,
          action: 'competence.created',
          entityType: 'competence',
          entityId: c.id,
          after: row,
        },
      }
    })
  }

  /** The competences a role requires, replaced as a whole. */
  async setRoleRequirements(role: string, competenceIds: string[], actor: string) {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const known = competenceIds.length
        ? await tx
            .selectFrom('sms_competences')
            .select('id')
            .where('id', 'in', competenceIds)
            .execute()
        : []
      const unknown = competenceIds.filter((id) => !known.some((k) => k.id === id))
      if (unknown.length) throw new UserError(`Unknown competences: ${unknown.join(', ')}.`)
      const group = role.replace(/^lead:/, '')
      if (
        !(await tx.selectFrom('groups').select('id').where('id', '=', group).executeTakeFirst())
      ) {
        throw new UserError(`No group ${group}: a role is a group id or lead:<group id>.`)
      }
      const before = (
        await tx
          .selectFrom('sms_role_competences')
          .select('competence_id')
          .where('role', '=', role)
          .execute()
      ).map((r) => r.competence_id)
      await tx.deleteFrom('sms_role_competences').where('role', '=', role).execute()
      if (competenceIds.length) {
        await tx
          .insertInto('sms_role_competences')
          .values(competenceIds.map((competence_id) => ({ role, competence_id })))
          .execute()
      }
      return {
        result: { role, competences: competenceIds },
        evidence: {
          actor,
          action: 'role-competences.set',
          entityType: 'role',
          entityId: role,
          before,
          after: competenceIds,
        },
      }
    })
  }

  async recordsOf(username?: string): Promise<PersonRecord[]> {
    let q = this.deps.db
      .selectFrom('sms_person_competences')
      .selectAll()
      .orderBy('username')
      .orderBy('id')
    if (username) q = q.where('username', '=', username)
    return (await q.execute()).map(toRecord)
  }

  async addRecord(input: PersonRecordInput, actor: string): Promise<PersonRecord> {
    if (input.status === RecordStatus.Completed && !input.achievedAt) {
      throw new UserError('A completed training or qualification has the date it was achieved.')
    }
    if (input.status === RecordStatus.Planned && !input.plannedFor) {
      throw new UserError('Planned training has the date it is planned for.')
    }
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      if (
        !(await tx
          .selectFrom('users')
          .select('id')
          .where('username', '=', input.username)
          .executeTakeFirst())
      ) {
        throw new UserError(`No user ${input.username}.`)
      }
      if (
        !(await tx
          .selectFrom('sms_competences')
          .select('id')
          .where('id', '=', input.competenceId)
          .executeTakeFirst())
      ) {
        throw new UserError(`No competence ${input.competenceId}.`)
      }
      const row = await tx
        .insertInto('sms_person_competences')
        .values({
          username: input.username,
          competence_id: input.competenceId,
          kind: input.kind,
          title: input.title,
          status: input.status,
          planned_for: input.plannedFor ?? null,
          achieved_at: input.achievedAt ?? null,
          expires_at: input.expiresAt ?? null,
          evidence: input.evidence ?? '',
          recorded_by: actor,
          recorded_at: this.deps.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      const after = toRecord(row)
      return {
        result: after,
        evidence: {
          actor,
          action: 'competence-record.added',
          entityType: 'competence-record',
          entityId: String(row.id),
          after,
        },
      }
    })
  }

  /** Planned training completed: its date and evidence (4.4.2 training plans with evidence). */
  async completeRecord(
    id: number,
    done: { achievedAt: string; expiresAt?: string; evidence: string },
    actor: string,
  ) {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await tx
        .selectFrom('sms_person_competences')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!before) throw new NotFoundError(`No competence record ${id}.`)
      if (before.status !== RecordStatus.Planned)
        throw new ConflictError(`Record ${id} is already completed.`)
      const row = await tx
        .updateTable('sms_person_competences')
        .set({
          status: RecordStatus.Completed,
          achieved_at: done.achievedAt,
          expires_at: done.expiresAt ?? null,
          evidence: done.evidence,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      const after = toRecord(row)
      return {
        result: after,
        evidence: {
          actor,
          action: 'competence-record.completed',
          entityType: 'competence-record',
          entityId: String(id),
          before: toRecord(before),
          after,
        },
      }
    })
  }

  /** The matrix: each role's required competences, its holders and their gaps (4.4.2). */
  async matrix() {
    return {
      competences: await this.competences(),
      roles: await roleGaps(this.deps.db, this.today()),
      records: await this.recordsOf(),
    }
  }

  /** The gaps of one person for the memberships they hold or are about to get. */
  warningsFor(username: string, groups: readonly { id: string; isLead?: boolean }[]) {
    return competenceWarnings(this.deps.db, username, groups, this.today())
  }
}
