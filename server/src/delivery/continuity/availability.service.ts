/**
 * Availability measured against each service's target (ISO/IEC 20000-1 6.3.3) from recorded
 * outages and incident records. Over a period, a service is **down** while an unplanned outage
 * is recorded for it, or while a major incident on it (the agreed definition, 8.1) is open — from
 * its recording to its resolution — unless an outage names that incident (then the outage's own
 * times count). Overlaps count once. Planned outages (agreed maintenance) are shown apart and do
 * not count against the target. Availability = (period − downtime) / period × 100.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import { iso, isoOrNull } from '../../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../../evidence/audit-sink'
import { NotFoundError } from '../../errors'
import { nextReference } from '../../cases/references'
import type { Actor } from '../../cases/access'
import { UnprocessableError } from '../../cases/change-control'
import { majorIncidentSql } from '../../cases/major-incident'
import { requireServiceOwner } from '../access'

export interface OutageInput {
  serviceId: string
  startedAt: string
  endedAt?: string | null
  planned: boolean
  incidentId?: string | null
  description?: string
}

export interface Outage {
  id: string
  serviceId: string
  startedAt: string
  endedAt: string | null
  planned: boolean
  incidentId: string | null
  description: string
  recordedBy: string
  recordedAt: string
}

/** One interval of downtime and where it comes from. */
export interface DownInterval {
  from: string
  to: string
  source: { kind: 'outage' | 'incident'; id: string }
}

/** Availability of one service over one period. */
export interface ServiceAvailability {
  serviceId: string
  serviceName: string
  from: string
  to: string
  /** Percent, or null without requirements. */
  target: number | null
  periodMinutes: number
  downtimeMinutes: number
  plannedDowntimeMinutes: number
  /** Percent, 3 decimals. */
  availability: number
  met: boolean | null
  intervals: DownInterval[]
}

const MINUTE = 60_000

/** Total length of the union of intervals, ms (overlaps once). */
export function unionLength(intervals: { from: number; to: number }[]): number {
  const sorted = intervals.filter((i) => i.to > i.from).sort((a, b) => a.from - b.from)
  let total = 0
  let cur: { from: number; to: number } | undefined
  for (const i of sorted) {
    if (!cur || i.from > cur.to) {
      if (cur) total += cur.to - cur.from
      cur = { ...i }
    } else cur.to = Math.max(cur.to, i.to)
  }
  if (cur) total += cur.to - cur.from
  return total
}

export class AvailabilityService {
  constructor(private readonly deps: { db: Kysely<DB>; audit: AuditSink; now: () => Date }) {}

  async outages(filter: { serviceId?: string } = {}): Promise<Outage[]> {
    let q = this.deps.db.selectFrom('service_outages').selectAll()
    if (filter.serviceId) q = q.where('service_id', '=', filter.serviceId)
    const rows = await q.orderBy('started_at', 'desc').limit(1000).execute()
    return rows.map((r) => ({
      id: r.id,
      serviceId: r.service_id,
      startedAt: iso(r.started_at),
      endedAt: isoOrNull(r.ended_at),
      planned: r.planned,
      incidentId: r.incident_id,
      description: r.description,
      recordedBy: r.recorded_by,
      recordedAt: iso(r.recorded_at),
    }))
  }

  /** Records an outage of a service (its owner, an SMS manager); 422 for a wrong incident or end. */
  async recordOutage(input: OutageInput, actor: Actor): Promise<Outage> {
    await requireServiceOwner(this.deps.db, actor, input.serviceId, 'Recording an outage')
    if (input.endedAt && Date.parse(input.endedAt) < Date.parse(input.startedAt)) {
      throw new UnprocessableError('An outage cannot end before it starts.')
    }
    const id = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      if (input.incidentId) {
        const inc = await tx
          .selectFrom('cases')
          .select(['id', 'service_id'])
          .where('kind', '=', 'incident')
          .where('id', '=', input.incidentId)
          .executeTakeFirst()
        if (!inc) throw new UnprocessableError(`No incident ${input.incidentId}.`)
        if (inc.service_id && inc.service_id !== input.serviceId) {
          throw new UnprocessableError(
            `${input.incidentId} is on ${inc.service_id}, not ${input.serviceId}.`,
          )
        }
      }
      const id = await nextReference(tx, 'OUT')
      const row = await tx
        .insertInto('service_outages')
        .values({
          id,
          service_id: input.serviceId,
          started_at: new Date(input.startedAt),
          ended_at: input.endedAt ? new Date(input.endedAt) : null,
          planned: input.planned,
          incident_id: input.incidentId ?? null,
          description: input.description ?? '',
          recorded_by: actor.username,
          recorded_at: this.deps.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: id,
        evidence: {
          actor: actor.username,
          action: 'outage.recorded',
          entityType: 'outage',
          entityId: id,
          after: row,
        },
      }
    })
    const out = (await this.outages({ serviceId: input.serviceId })).find((o) => o.id === id)
    if (!out) throw new NotFoundError(`No outage ${id}.`)
    return out
  }

  /** 6.3.3: availability of one service (or every service with requirements) over a period. */
  async measure(period: {
    from: string
    to: string
    serviceId?: string
  }): Promise<ServiceAvailability[]> {
    const from = Date.parse(period.from)
    const to = Math.min(Date.parse(period.to), this.deps.now().getTime())
    if (!(to > from))
      throw new UnprocessableError(
        'The period must end after it starts (and not start in the future).',
      )
    let services = this.deps.db.selectFrom('services').select(['id', 'name']).orderBy('id')
    if (period.serviceId) services = services.where('id', '=', period.serviceId)
    else
      services = services.where((eb) =>
        eb('id', 'in', eb.selectFrom('continuity_requirements').select('service_id')),
      )
    const rows = await services.execute()
    if (period.serviceId && !rows.length) throw new NotFoundError(`No service ${period.serviceId}.`)
    return Promise.all(rows.map((s) => this.measureOne(s, from, to)))
  }

  private async measureOne(
    s: { id: string; name: string },
    from: number,
    to: number,
  ): Promise<ServiceAvailability> {
    const db = this.deps.db
    const req = await db
      .selectFrom('continuity_requirements')
      .select('availability_target')
      .where('service_id', '=', s.id)
      .executeTakeFirst()
    const outages = await db
      .selectFrom('service_outages')
      .selectAll()
      .where('service_id', '=', s.id)
      .where('started_at', '<', new Date(to))
      .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', new Date(from))]))
      .execute()
    const covered = new Set(outages.map((o) => o.incident_id).filter(Boolean))
    const incidents = await db
      .selectFrom('cases as c')
      .select(['c.id', 'c.created_at', 'c.closed_at'])
      .select((eb) =>
        eb
          .selectFrom('case_status_history as h')
          .select((e) => e.fn.min('h.changed_at').as('at'))
          .whereRef('h.case_id', '=', 'c.id')
          .where('h.case_kind', '=', 'incident')
          .where('h.to_status', 'in', ['resolved', 'closed'])
          .as('resolved_at'),
      )
      .where('c.kind', '=', 'incident')
      .where('c.service_id', '=', s.id)
      .where(majorIncidentSql('c'), '=', true)
      .where('c.created_at', '<', new Date(to))
      .execute()
    const clip = (a: number, b: number) => ({ from: Math.max(a, from), to: Math.min(b, to) })
    const down: (DownInterval & { a: number; b: number })[] = []
    let planned = 0
    const plannedIntervals: { from: number; to: number }[] = []
    for (const o of outages) {
      const c = clip(Date.parse(iso(o.started_at)), o.ended_at ? Date.parse(iso(o.ended_at)) : to)
      if (c.to <= c.from) continue
      if (o.planned) plannedIntervals.push(c)
      else
        down.push({
          a: c.from,
          b: c.to,
          from: new Date(c.from).toISOString(),
          to: new Date(c.to).toISOString(),
          source: { kind: 'outage', id: o.id },
        })
    }
    for (const i of incidents) {
      if (covered.has(i.id)) continue
      const end = i.resolved_at ?? i.closed_at
      const c = clip(Date.parse(iso(i.created_at)), end ? Date.parse(iso(end)) : to)
      if (c.to <= c.from) continue
      down.push({
        a: c.from,
        b: c.to,
        from: new Date(c.from).toISOString(),
        to: new Date(c.to).toISOString(),
        source: { kind: 'incident', id: i.id },
      })
    }
    planned = unionLength(plannedIntervals)
    const downMs = unionLength(down.map((d) => ({ from: d.a, to: d.b })))
    const periodMs = to - from
    const availability = Math.round(((periodMs - downMs) / periodMs) * 100_000) / 1000
    const target = req ? Number(req.availability_target) : null
    return {
      serviceId: s.id,
      serviceName: s.name,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      target,
      periodMinutes: periodMs / MINUTE,
      downtimeMinutes: downMs / MINUTE,
      plannedDowntimeMinutes: planned / MINUTE,
      availability,
      met: target === null ? null : availability >= target,
      intervals: down
        .sort((x, y) => x.a - y.a)
        .map(({ from: f, to: t, source }) => ({ from: f, to: t, source })),
    }
  }
}
