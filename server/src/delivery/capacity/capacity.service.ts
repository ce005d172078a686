/**
 * Capacity management (ISO/IEC 20000-1 6.5): requirements per service and CI (current and
 * forecast demand, performance target, thresholds), measured utilisation recorded over the API
 * or imported as CSV (all rows or none), and the thresholds: a measurement at or above the
 * critical threshold raises an incident or a change (as the requirement says) unless one it
 * raised is still open. Every write is one transaction with its evidence entry (4.3.3).
 */
import type { Kysely, Selectable } from 'kysely'
import type { CapacityMeasurementsTable, CapacityRequirementsTable, DB } from '../../db/schema'
import { iso } from '../../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../../evidence/audit-sink'
import { ConflictError, NotFoundError } from '../../errors'
import { nextReference } from '../../cases/references'
import { systemActor, type Actor } from '../../cases/access'
import type { CaseService } from '../../cases'
import { UnprocessableError } from '../../cases/change-control'
import { ownerGroupOf, requireOwner } from '../access'
import {
  UtilisationLevel,
  type BreachAction,
  type CapacityRequirement,
  type Measurement,
  type MeasurementInput,
  type MeasurementSource,
} from './capacity-model'
import { parseMeasurementsCsv } from './csv'

export interface RequirementInput {
  serviceId?: string | null
  ciId?: string | null
  metric: string
  unit: string
  capacity: number
  currentDemand: number
  forecastDemand: number
  forecastDate: string
  performanceTarget?: string
  warningPercent: number
  criticalPercent: number
  breachAction: BreachAction
  ownerGroup?: string
}
export type RequirementPatch = Partial<RequirementInput> & { version: number }

type ReqRow = Selectable<CapacityRequirementsTable>

const toMeasurement = (m: Selectable<CapacityMeasurementsTable>): Measurement => ({
  id: m.id,
  requirementId: m.requirement_id,
  measuredAt: iso(m.measured_at),
  value: m.value,
  utilisationPercent: m.utilisation_percent,
  level: m.level as UtilisationLevel,
  source: m.source as MeasurementSource,
  raisedCaseId: m.raised_case_id,
  recordedBy: m.recorded_by,
})

/** The level of a utilisation against a requirement's thresholds. */
export const levelOf = (r: Pick<ReqRow, 'warning_percent' | 'critical_percent'>, pct: number) =>
  pct >= r.critical_percent
    ? UtilisationLevel.Critical
    : pct >= r.warning_percent
      ? UtilisationLevel.Warning
      : UtilisationLevel.Normal

const dateOnly = (v: Date | string) => iso(v).slice(0, 10)

export class CapacityService {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      audit: AuditSink
      cases: CaseService
      now: () => Date
    },
  ) {}

  private async toRequirement(r: ReqRow): Promise<CapacityRequirement> {
    const latest = await this.deps.db
      .selectFrom('capacity_measurements')
      .selectAll()
      .where('requirement_id', '=', r.id)
      .orderBy('measured_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst()
    return {
      id: r.id,
      serviceId: r.service_id,
      ciId: r.ci_id,
      metric: r.metric,
      unit: r.unit,
      capacity: r.capacity,
      currentDemand: r.current_demand,
      forecastDemand: r.forecast_demand,
      forecastDate: dateOnly(r.forecast_date),
      performanceTarget: r.performance_target,
      warningPercent: r.warning_percent,
      criticalPercent: r.critical_percent,
      breachAction: r.breach_action as BreachAction,
      ownerGroup: r.owner_group,
      version: r.version,
      latest: latest ? toMeasurement(latest) : null,
    }
  }

  async list(): Promise<CapacityRequirement[]> {
    const rows = await this.deps.db
      .selectFrom('capacity_requirements')
      .selectAll()
      .orderBy('id')
      .execute()
    return Promise.all(rows.map((r) => this.toRequirement(r)))
  }

  private async row(id: string): Promise<ReqRow> {
    const r = await this.deps.db
      .selectFrom('capacity_requirements')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!r) throw new NotFoundError(`No capacity requirement ${id}.`)
    return r
  }

  async get(id: string): Promise<CapacityRequirement> {
    return this.toRequirement(await this.row(id))
  }

  /** The owner group of a requirement: the service's (or the CI's) unless given. */
  private async ownerOf(input: { serviceId?: string | null; ciId?: string | null }) {
    if (input.serviceId) return ownerGroupOf(this.deps.db, input.serviceId)
    const ci = await this.deps.db
      .selectFrom('cis')
      .select('owner_group')
      .where('id', '=', input.ciId ?? '')
      .executeTakeFirst()
    if (!ci) throw new UnprocessableError(`No CI ${input.ciId ?? ''}.`)
    return ci.owner_group
  }

  private check(i: Partial<RequirementInput>) {
    if (!!i.serviceId === !!i.ciId) {
      throw new UnprocessableError('A capacity requirement is of one service or of one CI.')
    }
    if (i.warningPercent! > i.criticalPercent!) {
      throw new UnprocessableError('The warning threshold cannot be above the critical one.')
    }
  }

  async create(input: RequirementInput, actor: Actor): Promise<CapacityRequirement> {
    this.check(input)
    const owner = input.ownerGroup ?? (await this.ownerOf(input))
    requireOwner(actor, [owner], 'Recording a capacity requirement')
    if (!owner) throw new UnprocessableError('Name the owner group (the service has none).')
    const id = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const id = await nextReference(tx, 'CAP')
      const now = this.deps.now()
      const row = await tx
        .insertInto('capacity_requirements')
        .values({
          id,
          service_id: input.serviceId ?? null,
          ci_id: input.ciId ?? null,
          metric: input.metric,
          unit: input.unit,
          capacity: input.capacity,
          current_demand: input.currentDemand,
          forecast_demand: input.forecastDemand,
          forecast_date: input.forecastDate,
          performance_target: input.performanceTarget ?? '',
          warning_percent: input.warningPercent,
          critical_percent: input.criticalPercent,
          breach_action: input.breachAction,
          owner_group: owner,
          created_by: actor.username,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: id,
        evidence: {
          actor: actor.username,
          action: 'capacity-requirement.created',
          entityType: 'capacity-requirement',
          entityId: id,
          after: row,
        },
      }
    })
    return this.get(id)
  }

  async update(id: string, patch: RequirementPatch, actor: Actor): Promise<CapacityRequirement> {
    const before = await this.row(id)
    requireOwner(actor, [before.owner_group], 'Changing a capacity requirement')
    this.check({
      serviceId: patch.serviceId !== undefined ? patch.serviceId : before.service_id,
      ciId: patch.ciId !== undefined ? patch.ciId : before.ci_id,
      warningPercent: patch.warningPercent ?? before.warning_percent,
      criticalPercent: patch.criticalPercent ?? before.critical_percent,
    })
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const set = {
        ...(patch.serviceId !== undefined ? { service_id: patch.serviceId } : {}),
        ...(patch.ciId !== undefined ? { ci_id: patch.ciId } : {}),
        ...(patch.metric !== undefined ? { metric: patch.metric } : {}),
        ...(patch.unit !== undefined ? { unit: patch.unit } : {}),
        ...(patch.capacity !== undefined ? { capacity: patch.capacity } : {}),
        ...(patch.currentDemand !== undefined ? { current_demand: patch.currentDemand } : {}),
        ...(patch.forecastDemand !== undefined ? { forecast_demand: patch.forecastDemand } : {}),
        ...(patch.forecastDate !== undefined ? { forecast_date: patch.forecastDate } : {}),
        ...(patch.performanceTarget !== undefined
          ? { performance_target: patch.performanceTarget }
          : {}),
        ...(patch.warningPercent !== undefined ? { warning_percent: patch.warningPercent } : {}),
        ...(patch.criticalPercent !== undefined ? { critical_percent: patch.criticalPercent } : {}),
        ...(patch.breachAction !== undefined ? { breach_action: patch.breachAction } : {}),
        ...(patch.ownerGroup !== undefined ? { owner_group: patch.ownerGroup } : {}),
      }
      const after = await tx
        .updateTable('capacity_requirements')
        .set({ ...set, version: before.version + 1, updated_at: this.deps.now() })
        .where('id', '=', id)
        .where('version', '=', patch.version)
        .returningAll()
        .executeTakeFirst()
      if (!after)
        throw new ConflictError(`${id} changed meanwhile (version ${before.version}); reload it.`)
      return {
        result: null,
        evidence: {
          actor: actor.username,
          action: 'capacity-requirement.updated',
          entityType: 'capacity-requirement',
          entityId: id,
          before,
          after,
        },
      }
    })
    return this.get(id)
  }

  async measurements(id: string, limit = 500): Promise<Measurement[]> {
    await this.row(id)
    const rows = await this.deps.db
      .selectFrom('capacity_measurements')
      .selectAll()
      .where('requirement_id', '=', id)
      .orderBy('measured_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
    return rows.map(toMeasurement)
  }

  /** Records measurements over the API (one or many; all or none). */
  record(rows: MeasurementInput[], actor: Actor) {
    return this.store(rows, 'api', actor)
  }

  /**
   * Imports a CSV file of measurements: any bad row refuses the file with one error per row
   * (422) and nothing is stored.
   */
  async importCsv(csv: string, actor: Actor) {
    const known = await this.deps.db.selectFrom('capacity_requirements').select('id').execute()
    const { rows, errors } = parseMeasurementsCsv(csv, new Set(known.map((k) => k.id)))
    if (errors.length) {
      throw new UnprocessableError(
        `The file was not imported: ${errors.length} bad row${errors.length > 1 ? 's' : ''}; nothing was stored.`,
        errors,
      )
    }
    return this.store(rows, 'csv', actor)
  }

  private async store(rows: MeasurementInput[], source: MeasurementSource, actor: Actor) {
    const reqs = new Map<string, ReqRow>()
    for (const r of rows) {
      if (!reqs.has(r.requirementId)) reqs.set(r.requirementId, await this.row(r.requirementId))
    }
    requireOwner(
      actor,
      [...reqs.values()].map((r) => r.owner_group),
      'Recording utilisation',
    )
    const stored = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const out: Selectable<CapacityMeasurementsTable>[] = []
      for (const m of rows) {
        const req = reqs.get(m.requirementId)!
        const pct = Math.round((m.value / req.capacity) * 100_000) / 1000
        out.push(
          await tx
            .insertInto('capacity_measurements')
            .values({
              requirement_id: m.requirementId,
              measured_at: new Date(m.measuredAt),
              value: m.value,
              utilisation_percent: pct,
              level: levelOf(req, pct),
              source,
              recorded_by: actor.username,
              recorded_at: this.deps.now(),
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        )
      }
      return {
        result: out,
        evidence: {
          actor: actor.username,
          action: 'capacity.measured',
          entityType: 'capacity-requirement',
          entityId: [...reqs.keys()].join(','),
          after: { source, count: out.length, measurements: out.map(toMeasurement) },
        },
      }
    })
    const raised: string[] = []
    for (const req of reqs.values()) {
      const critical = stored
        .filter((m) => m.requirement_id === req.id && m.level === UtilisationLevel.Critical)
        .sort((a, b) => Date.parse(iso(b.measured_at)) - Date.parse(iso(a.measured_at)))[0]
      if (critical) {
        const id = await this.raise(req, critical)
        if (id) raised.push(id)
      }
    }
    return { stored: stored.length, measurements: stored.map(toMeasurement), raised }
  }

  /**
   * 6.5: a critical utilisation raises an incident or a change on the service or CI, linked to
   * the measurement, unless a case it raised for the requirement is still open.
   */
  private async raise(req: ReqRow, m: Selectable<CapacityMeasurementsTable>) {
    const open = await this.deps.db
      .selectFrom('capacity_measurements as m')
      .innerJoin('cases as c', 'c.id', 'm.raised_case_id')
      .select('c.id')
      .where('m.requirement_id', '=', req.id)
      .where('c.closed_at', 'is', null)
      .executeTakeFirst()
    if (open) return null
    const what = `${req.metric} at ${m.utilisation_percent}% of capacity (${m.value} of ${req.capacity} ${req.unit}; critical from ${req.critical_percent}%)`
    const target = {
      ...(req.service_id ? { serviceId: req.service_id } : {}),
      ...(req.ci_id ? { ciId: req.ci_id } : {}),
    }
    const actor = systemActor('capacity-thresholds')
    const created =
      req.breach_action === 'change'
        ? await this.deps.cases.create(
            'change',
            {
              title: `Capacity ${req.id}: ${what}`.slice(0, 300),
              ...target,
              data: {
                scope: `Add capacity for ${req.id}: ${what}`,
                reason: `Capacity threshold breached (6.5)`,
              },
            },
            actor,
          )
        : await this.deps.cases.create(
            'incident',
            {
              title: `Capacity ${req.id}: ${what}`.slice(0, 300),
              ...target,
              data: {
                description: `Capacity threshold breached (6.5): ${what}`,
                impact: 2,
                urgency: 2,
              },
            },
            actor,
          )
    await this.deps.db
      .updateTable('capacity_measurements')
      .set({ raised_case_id: created.id })
      .where('id', '=', m.id)
      .execute()
    return created.id
  }
}
