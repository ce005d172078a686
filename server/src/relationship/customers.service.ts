/**
 * ISO/IEC 20000-1 7.1: customers as organisations with a named relationship manager, and their
 * contacts — the customer users who log in (`users.organisation_id`), not a second list of
 * people. An organisation names the services it takes and when its next service review is due
 * (6.1: reviews at planned intervals, `processes/service-review.bpmn`).
 */
import { sql, type Kysely } from 'kysely'
import { Role } from '../auth/roles'
import { nextReference } from '../cases'
import { UnprocessableError } from '../cases/change-control'
import type { DB } from '../db/schema'
import { iso, isoOrNull } from '../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { ConflictError, NotFoundError } from '../errors'

/** A contact of a customer organisation (a customer user). */
export interface Contact {
  username: string
  displayName: string
  email: string | null
}

/** A customer organisation (7.1). */
export interface Organisation {
  id: string
  name: string
  /** The staff member who manages the relationship (username). */
  relationshipManager: string
  /** Services of the catalogue it takes (`SVC-…`). */
  services: string[]
  /** Days between service reviews with this customer (6.1). */
  reviewIntervalDays: number
  nextReviewAt: string | null
  notes: string | null
  active: boolean
  contacts: Contact[]
  createdBy: string
  createdAt: string
}

export interface OrganisationInput {
  name: string
  relationshipManager: string
  services?: string[]
  reviewIntervalDays?: number
  nextReviewAt?: string | null
  notes?: string | null
  active?: boolean
}

const DAY = 86_400_000

export class CustomersService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  async list(): Promise<Organisation[]> {
    const rows = await this.deps.db
      .selectFrom('customer_organisations')
      .selectAll()
      .orderBy('name')
      .execute()
    const contacts = await this.contactsOf(this.deps.db)
    return rows.map((r) => toOrganisation(r, contacts.get(r.id) ?? []))
  }

  async get(id: string, db: Kysely<DB> = this.deps.db): Promise<Organisation> {
    const r = await db
      .selectFrom('customer_organisations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!r) throw new NotFoundError(`No customer organisation ${id}.`)
    return toOrganisation(r, (await this.contactsOf(db, id)).get(id) ?? [])
  }

  /** The organisation a customer user is a contact of, if any. */
  async ofUser(username: string): Promise<Organisation | undefined> {
    const u = await this.deps.db
      .selectFrom('users')
      .select('organisation_id')
      .where('username', '=', username)
      .executeTakeFirst()
    return u?.organisation_id ? this.get(u.organisation_id) : undefined
  }

  async create(input: OrganisationInput, actor: string): Promise<Organisation> {
    await this.checkRefs(input)
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const clash = await tx
        .selectFrom('customer_organisations')
        .select('id')
        .where(sql`lower(name)`, '=', input.name.toLowerCase())
        .executeTakeFirst()
      if (clash) throw new ConflictError(`A customer named "${input.name}" exists: ${clash.id}.`)
      const id = await nextReference(tx, 'ORG')
      const interval = input.reviewIntervalDays ?? 90
      await tx
        .insertInto('customer_organisations')
        .values({
          id,
          name: input.name,
          relationship_manager: input.relationshipManager,
          services: input.services ?? [],
          review_interval_days: interval,
          // the first review one interval from now unless planned otherwise (6.1)
          next_review_at:
            input.nextReviewAt ?? new Date(this.deps.now().getTime() + interval * DAY),
          notes: input.notes ?? null,
          active: input.active ?? true,
          created_by: actor,
          created_at: this.deps.now(),
        })
        .execute()
      const after = await this.get(id, tx)
      return {
        result: after,
        evidence: {
          actor,
          action: 'customer.created',
          entityType: 'customer',
          entityId: id,
          after,
        },
      }
    })
  }

  async update(id: string, input: Partial<OrganisationInput>, actor: string) {
    await this.checkRefs(input)
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await this.get(id, tx)
      await tx
        .updateTable('customer_organisations')
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.relationshipManager !== undefined
            ? { relationship_manager: input.relationshipManager }
            : {}),
          ...(input.services !== undefined ? { services: input.services } : {}),
          ...(input.reviewIntervalDays !== undefined
            ? { review_interval_days: input.reviewIntervalDays }
            : {}),
          ...(input.nextReviewAt !== undefined ? { next_review_at: input.nextReviewAt } : {}),
          ...(input.notes !== undefined ? { notes: input.notes } : {}),
          ...(input.active !== undefined ? { active: input.active } : {}),
        })
        .where('id', '=', id)
        .execute()
      const after = await this.get(id, tx)
      return {
        result: after,
        evidence: {
          actor,
          action: 'customer.updated',
          entityType: 'customer',
          entityId: id,
          before,
          after,
        },
      }
    })
  }

  /** Makes a customer user a contact of the organisation (a user is a contact of one only). */
  async setContact(id: string, username: string, member: boolean, actor: string) {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await this.get(id, tx)
      const user = await tx
        .selectFrom('users')
        .select(['id', 'roles', 'organisation_id'])
        .where('username', '=', username)
        .executeTakeFirst()
      if (!user) throw new NotFoundError(`No user ${username}.`)
      if (!user.roles.includes(Role.Customer)) {
        throw new UnprocessableError(`${username} is not a customer: contacts are customer users.`)
      }
      if (member && user.organisation_id && user.organisation_id !== id) {
        throw new ConflictError(`${username} is a contact of ${user.organisation_id}.`)
      }
      if (!member && user.organisation_id !== id) {
        throw new NotFoundError(`${username} is not a contact of ${id}.`)
      }
      await tx
        .updateTable('users')
        .set({ organisation_id: member ? id : null })
        .where('id', '=', user.id)
        .execute()
      const after = await this.get(id, tx)
      return {
        result: after,
        evidence: {
          actor,
          action: member ? 'customer.contact-added' : 'customer.contact-removed',
          entityType: 'customer',
          entityId: id,
          before: before.contacts,
          after: after.contacts,
        },
      }
    })
  }

  /** The relationship manager is a staff user; the services exist. */
  private async checkRefs(input: Partial<OrganisationInput>) {
    if (input.relationshipManager !== undefined) {
      const u = await this.deps.db
        .selectFrom('users')
        .select('roles')
        .where('username', '=', input.relationshipManager)
        .where('active', '=', true)
        .executeTakeFirst()
      if (!u?.roles.includes(Role.Staff)) {
        throw new UnprocessableError(
          `The relationship manager must be an active staff user; ${input.relationshipManager} is not (7.1).`,
        )
      }
    }
    if (input.services?.length) {
      const found = await this.deps.db
        .selectFrom('services')
        .select('id')
        .where('id', 'in', input.services)
        .execute()
      const missing = input.services.filter((s) => !found.some((f) => f.id === s))
      if (missing.length) throw new UnprocessableError(`No service ${missing.join(', ')}.`)
    }
  }

  private async contactsOf(db: Kysely<DB>, id?: string): Promise<Map<string, Contact[]>> {
    let q = db
      .selectFrom('users')
      .select(['username', 'display_name', 'email', 'organisation_id'])
      .where('organisation_id', 'is not', null)
    if (id) q = q.where('organisation_id', '=', id)
    const rows = await q.orderBy('username').execute()
    const out = new Map<string, Contact[]>()
    for (const r of rows) {
      const list = out.get(r.organisation_id!) ?? []
      list.push({ username: r.username, displayName: r.display_name, email: r.email })
      out.set(r.organisation_id!, list)
    }
    return out
  }
}

type Row = {
  id: string
  name: string
  relationship_manager: string
  services: string[]
  review_interval_days: number
  next_review_at: Date | string | null
  notes: string | null
  active: boolean
  created_by: string
  created_at: Date | string
}

function toOrganisation(r: Row, contacts: Contact[]): Organisation {
  return {
    id: r.id,
    name: r.name,
    relationshipManager: r.relationship_manager,
    services: r.services,
    reviewIntervalDays: r.review_interval_days,
    nextReviewAt: isoOrNull(r.next_review_at),
    notes: r.notes,
    active: r.active,
    contacts,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
  }
}
