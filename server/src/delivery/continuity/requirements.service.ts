/**
 * Continuity and availability requirements per service (ISO/IEC 20000-1 6.3.1), derived from
 * the risks of the risk register they name, and the continuity and availability plans (6.3.2):
 * controlled documents of the SMS documents register (kind `continuity-plan`) with a test
 * schedule. Every write is one transaction with its evidence entry (4.3.3).
 */
import type { Kysely, Selectable } from 'kysely'
import type { ContinuityRequirementsTable, DB } from '../../db/schema'
import { iso } from '../../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../../evidence/audit-sink'
import { NotFoundError, UserError } from '../../errors'
import type { Actor } from '../../cases/access'
import { UnprocessableError } from '../../cases/change-control'
import { ownerGroupOf, requireOwner, requireServiceOwner } from '../access'
import type { ContinuityPlan, ContinuityRequirement } from './continuity-model'

export interface RequirementInput {
  availabilityTarget: number
  rtoMinutes: number
  rpoMinutes: number
  riskIds: string[]
  notes?: string
  /** The version read, when changing an existing requirement. */
  version?: number
}

export interface PlanScheduleInput {
  services: string[]
  ownerGroup: string
  testIntervalDays: number
  nextTestAt?: string
}

const DAY = 86_400_000

export class ContinuityRequirementsService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  private async toRequirement(
    r: Selectable<ContinuityRequirementsTable>,
  ): Promise<ContinuityRequirement> {
    const service = await this.deps.db
      .selectFrom('services')
      .select('name')
      .where('id', '=', r.service_id)
      .executeTakeFirst()
    const risks = r.risk_ids.length
      ? await this.deps.db
          .selectFrom('sms_risks')
          .select(['id', 'title', 'likelihood', 'impact', 'category'])
          .where('id', 'in', r.risk_ids)
          .orderBy('id')
          .execute()
      : []
    return {
      serviceId: r.service_id,
      serviceName: service?.name ?? r.service_id,
      availabilityTarget: Number(r.availability_target),
      rtoMinutes: r.rto_minutes,
      rpoMinutes: r.rpo_minutes,
      risks: risks.map((k) => ({
        id: k.id,
        title: k.title,
        score: k.likelihood * k.impact,
        category: k.category,
      })),
      notes: r.notes,
      version: r.version,
      updatedBy: r.updated_by,
      updatedAt: iso(r.updated_at),
    }
  }

  async list(): Promise<ContinuityRequirement[]> {
    const rows = await this.deps.db
      .selectFrom('continuity_requirements')
      .selectAll()
      .orderBy('service_id')
      .execute()
    return Promise.all(rows.map((r) => this.toRequirement(r)))
  }

  async get(serviceId: string): Promise<ContinuityRequirement> {
    const r = await this.deps.db
      .selectFrom('continuity_requirements')
      .selectAll()
      .where('service_id', '=', serviceId)
      .executeTakeFirst()
    if (!r) throw new NotFoundError(`No continuity requirements for ${serviceId}.`)
    return this.toRequirement(r)
  }

  /**
   * 6.3.1: sets the requirements of a service. They come from risk assessment: every risk named
   * must be in the register, and at least one of them must be linked to the service (422).
   */
  async put(
    serviceId: string,
    input: RequirementInput,
    actor: Actor,
  ): Promise<ContinuityRequirement> {
    await requireServiceOwner(this.deps.db, actor, serviceId, 'Setting continuity requirements')
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const risks = await tx
        .selectFrom('sms_risks')
        .select(['id', 'links'])
        .where('id', 'in', input.riskIds)
        .execute()
      const missing = input.riskIds.filter((id) => !risks.some((r) => r.id === id))
      if (missing.length) {
        throw new UnprocessableError(`No risk ${missing.join(', ')} in the risk register.`)
      }
      const linked = risks.some((r) =>
        ((r.links as { services?: string[] }).services ?? []).includes(serviceId),
      )
      if (!linked) {
        throw new UnprocessableError(
          `Continuity requirements come from risk assessment (6.3.1): none of ${input.riskIds.join(', ')} is linked to ${serviceId}; link the risk to the service in the risk register first.`,
        )
      }
      const before = await tx
        .selectFrom('continuity_requirements')
        .selectAll()
        .where('service_id', '=', serviceId)
        .forUpdate()
        .executeTakeFirst()
      if (before && input.version !== before.version) {
        throw new UserError(
          `The requirements of ${serviceId} are at version ${before.version}; send the version you read.`,
        )
      }
      const values = {
        availability_target: input.availabilityTarget,
        rto_minutes: input.rtoMinutes,
        rpo_minutes: input.rpoMinutes,
        risk_ids: input.riskIds,
        notes: input.notes ?? '',
        updated_by: actor.username,
        updated_at: this.deps.now(),
      }
      const after = before
        ? await tx
            .updateTable('continuity_requirements')
            .set({ ...values, version: before.version + 1 })
            .where('service_id', '=', serviceId)
            .returningAll()
            .executeTakeFirstOrThrow()
        : await tx
            .insertInto('continuity_requirements')
            .values({ service_id: serviceId, ...values })
            .returningAll()
            .executeTakeFirstOrThrow()
      return {
        result: null,
        evidence: {
          actor: actor.username,
          action: before ? 'continuity-requirement.updated' : 'continuity-requirement.created',
          entityType: 'continuity-requirement',
          entityId: serviceId,
          ...(before ? { before } : {}),
          after,
        },
      }
    })
    return this.get(serviceId)
  }

  async plans(): Promise<ContinuityPlan[]> {
    const rows = await this.deps.db
      .selectFrom('continuity_plans as p')
      .innerJoin('sms_documents as d', 'd.id', 'p.document_id')
      .select([
        'p.document_id',
        'p.services',
        'p.owner_group',
        'p.test_interval_days',
        'p.next_test_at',
        'd.title',
        'd.effective_version',
      ])
      .orderBy('p.document_id')
      .execute()
    const out: ContinuityPlan[] = []
    for (const r of rows) {
      const last = await this.deps.db
        .selectFrom('continuity_tests')
        .select(['id', 'result', 'completed_at'])
        .where('plan_id', '=', r.document_id)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst()
      out.push({
        documentId: r.document_id,
        title: r.title,
        effectiveVersion: r.effective_version,
        services: r.services,
        ownerGroup: r.owner_group,
        testIntervalDays: r.test_interval_days,
        nextTestAt: iso(r.next_test_at),
        lastTest: last
          ? {
              id: last.id,
              result: last.result,
              completedAt: last.completed_at ? iso(last.completed_at) : null,
            }
          : null,
      })
    }
    return out
  }

  async plan(documentId: string): Promise<ContinuityPlan> {
    const p = (await this.plans()).find((x) => x.documentId === documentId)
    if (!p) throw new NotFoundError(`No continuity plan ${documentId}.`)
    return p
  }

  /**
   * 6.3.2, 6.3.3: registers (or changes) the test schedule of a continuity plan document: the
   * services it covers, who owns it, and the test interval (the first test an interval ahead
   * unless `nextTestAt` says when).
   */
  async putPlan(documentId: string, input: PlanScheduleInput, actor: Actor) {
    const owners = await Promise.all(input.services.map((s) => ownerGroupOf(this.deps.db, s)))
    requireOwner(actor, [...owners, input.ownerGroup], 'Scheduling a continuity plan')
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const doc = await tx
        .selectFrom('sms_documents')
        .select(['id', 'kind'])
        .where('id', '=', documentId)
        .executeTakeFirst()
      if (!doc) throw new NotFoundError(`No SMS document ${documentId}.`)
      if (doc.kind !== 'continuity-plan') {
        throw new UnprocessableError(`${documentId} is a ${doc.kind}, not a continuity plan.`)
      }
      const group = await tx
        .selectFrom('groups')
        .select('id')
        .where('id', '=', input.ownerGroup)
        .executeTakeFirst()
      if (!group) throw new UnprocessableError(`No group ${input.ownerGroup}.`)
      const now = this.deps.now()
      const values = {
        services: input.services,
        owner_group: input.ownerGroup,
        test_interval_days: input.testIntervalDays,
        next_test_at: input.nextTestAt
          ? new Date(input.nextTestAt)
          : new Date(now.getTime() + input.testIntervalDays * DAY),
        updated_by: actor.username,
        updated_at: now,
      }
      const after = await tx
        .insertInto('continuity_plans')
        .values({ document_id: documentId, ...values })
        .onConflict((oc) => oc.column('document_id').doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: null,
        evidence: {
          actor: actor.username,
          action: 'continuity-plan.scheduled',
          entityType: 'sms-document',
          entityId: documentId,
          after,
        },
      }
    })
    return this.plan(documentId)
  }
}
