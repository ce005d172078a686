/**
 * Information security incidents (ISO/IEC 20000-1 6.6.3, 8.1): an incident classified as a
 * security incident is reported here (once), which starts `processes/security-incident.bpmn`;
 * the procedure tells the information security group, records the handling (category,
 * containment, information affected) and whether it was reported to the authorities. The type,
 * volume and impact of security incidents are analysed for trends (6.6.3, 4.5.5). Every write is
 * one transaction with its evidence entry (4.3.3).
 */
import type { Kysely, Selectable } from 'kysely'
import type { DB, SecurityIncidentsTable } from '../db/schema'
import { iso, isoOrNull } from '../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { NotFoundError } from '../errors'
import type { NotificationService } from '../notifications/notification.service'
import { INFORMATION_SECURITY } from './access'
import type { SecurityIncident, SecurityIncidentCategory } from './security-model'

/** The message that starts the security incident procedure, correlated by incident id. */
export const SECURITY_INCIDENT_MESSAGE = 'security-incident-reported'

/** What the handling task records. */
export interface SecurityHandling {
  category: SecurityIncidentCategory
  informationAffected: string
  containment: string
  personalData?: boolean
  reportToAuthorities: boolean
  authority?: string | null
  authorityReference?: string | null
  reportedAt?: string | null
  lessons?: string | null
}

/** Security incidents per month and category, for the trend analysis (6.6.3). */
export interface SecurityTrendLine {
  month: string
  category: string
  count: number
  reportedToAuthorities: number
  highPriority: number
}

export class SecurityIncidentsService {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      audit: AuditSink
      notifications: NotificationService
      now: () => Date
    },
  ) {}

  /**
   * Records that an incident is a security incident; returns whether its procedure still has to
   * be started (a repeated report of a started one returns false).
   */
  async report(incidentId: string, actor: string): Promise<boolean> {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const existing = await tx
        .selectFrom('security_incidents')
        .select(['process_instance_key'])
        .where('incident_id', '=', incidentId)
        .executeTakeFirst()
      if (existing) return { result: existing.process_instance_key === null, evidence: null }
      const row = await tx
        .insertInto('security_incidents')
        .values({
          incident_id: incidentId,
          status: 'reported',
          notified_groups: [],
          opened_at: this.deps.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: true,
        evidence: {
          actor,
          action: 'security-incident.reported',
          entityType: 'incident',
          entityId: incidentId,
          after: row,
        },
      }
    })
  }

  /** The procedure took it up: the information security group is told (once). */
  async open(incidentId: string, instanceKey: string, actor: string) {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await tx
        .selectFrom('security_incidents')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .forUpdate()
        .executeTakeFirst()
      const incident = await tx
        .selectFrom('cases')
        .select(['title', 'priority', 'service_id'])
        .where('id', '=', incidentId)
        .where('kind', '=', 'incident')
        .executeTakeFirst()
      if (!incident) throw new NotFoundError(`No incident ${incidentId}.`)
      if (before?.process_instance_key === instanceKey) return { result: before, evidence: null }
      const now = this.deps.now()
      const row = before
        ? await tx
            .updateTable('security_incidents')
            .set({ process_instance_key: instanceKey, notified_groups: [INFORMATION_SECURITY] })
            .where('incident_id', '=', incidentId)
            .returningAll()
            .executeTakeFirstOrThrow()
        : await tx
            .insertInto('security_incidents')
            .values({
              incident_id: incidentId,
              process_instance_key: instanceKey,
              status: 'reported',
              notified_groups: [INFORMATION_SECURITY],
              opened_at: now,
            })
            .returningAll()
            .executeTakeFirstOrThrow()
      await this.deps.notifications.enqueue(
        {
          dedupeKey: `security-incident:${incidentId}:${instanceKey}`,
          recipientGroup: INFORMATION_SECURITY,
          template: 'security-incident',
          context: {
            caseKind: 'incident',
            caseId: incidentId,
            title: incident.title,
            detail: `Priority ${incident.priority ?? '?'}${incident.service_id ? `, service ${incident.service_id}` : ''}.`,
          },
        },
        tx,
      )
      return {
        result: row,
        evidence: {
          actor,
          action: 'security-incident.opened',
          entityType: 'incident',
          entityId: incidentId,
          before: before ?? null,
          after: row,
          processInstanceKey: instanceKey,
        },
      }
    })
  }

  /** Records the handling and the report to the authorities (once per instance). */
  async record(
    incidentId: string,
    handling: SecurityHandling,
    handledBy: string,
    instanceKey: string,
  ): Promise<SecurityIncident> {
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const before = await tx
        .selectFrom('security_incidents')
        .selectAll()
        .where('incident_id', '=', incidentId)
        .forUpdate()
        .executeTakeFirst()
      if (!before) throw new NotFoundError(`No security incident ${incidentId}.`)
      if (before.status === 'handled') return { result: null, evidence: null }
      const reported = handling.reportToAuthorities
      const after = await tx
        .updateTable('security_incidents')
        .set({
          status: 'handled',
          category: handling.category,
          handling: JSON.stringify({
            informationAffected: handling.informationAffected,
            containment: handling.containment,
            personalData: handling.personalData ?? false,
            lessons: handling.lessons ?? '',
          }),
          reported_to_authorities: reported,
          authority: reported ? (handling.authority ?? null) : null,
          authority_reference: reported ? (handling.authorityReference ?? null) : null,
          reported_at: reported && handling.reportedAt ? new Date(handling.reportedAt) : null,
          handled_by: handledBy,
          handled_at: this.deps.now(),
        })
        .where('incident_id', '=', incidentId)
        .returningAll()
        .executeTakeFirstOrThrow()
      return {
        result: null,
        evidence: {
          actor: handledBy,
          action: 'security-incident.handled',
          entityType: 'incident',
          entityId: incidentId,
          before,
          after,
          processInstanceKey: instanceKey,
        },
      }
    })
    return this.get(incidentId)
  }

  private async rows() {
    return this.deps.db
      .selectFrom('security_incidents as s')
      .leftJoin('cases as c', (j) => j.onRef('c.id', '=', 's.incident_id'))
      .selectAll('s')
      .select(['c.title as title', 'c.priority as priority'])
      .orderBy('s.opened_at', 'desc')
      .execute()
  }

  async list(): Promise<SecurityIncident[]> {
    return (await this.rows()).map(toIncident)
  }

  async get(incidentId: string): Promise<SecurityIncident> {
    const found = (await this.rows()).find((r) => r.incident_id === incidentId)
    if (!found) throw new NotFoundError(`No security incident ${incidentId}.`)
    return toIncident(found)
  }

  /** 6.6.3: type, volume and impact of security incidents per month (opened from `from` to `to`). */
  async trends(from: Date, to: Date): Promise<SecurityTrendLine[]> {
    const rows = (await this.rows()).filter((r) => {
      const t = Date.parse(iso(r.opened_at))
      return t >= from.getTime() && t <= to.getTime()
    })
    const lines = new Map<string, SecurityTrendLine>()
    for (const r of rows) {
      const month = iso(r.opened_at).slice(0, 7)
      const category = r.category ?? 'unclassified'
      const key = `${month}|${category}`
      const line = lines.get(key) ?? {
        month,
        category,
        count: 0,
        reportedToAuthorities: 0,
        highPriority: 0,
      }
      line.count++
      if (r.reported_to_authorities) line.reportedToAuthorities++
      if (r.priority !== null && r.priority <= 2) line.highPriority++
      lines.set(key, line)
    }
    return [...lines.values()].sort(
      (a, b) => a.month.localeCompare(b.month) || a.category.localeCompare(b.category),
    )
  }
}

function toIncident(
  r: Selectable<SecurityIncidentsTable> & { title: string | null; priority: number | null },
): SecurityIncident {
  return {
    incidentId: r.incident_id,
    title: r.title,
    priority: r.priority,
    processInstanceKey: r.process_instance_key,
    status: r.status as SecurityIncident['status'],
    notifiedGroups: r.notified_groups,
    category: r.category as SecurityIncidentCategory | null,
    handling: (r.handling ?? null) as Record<string, unknown> | null,
    reportedToAuthorities: r.reported_to_authorities,
    authority: r.authority,
    authorityReference: r.authority_reference,
    reportedAt: isoOrNull(r.reported_at),
    handledBy: r.handled_by,
    openedAt: iso(r.opened_at),
    handledAt: isoOrNull(r.handled_at),
  }
}
