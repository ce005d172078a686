/**
 * ISO/IEC 20000-1 7.1: customer satisfaction is measured by surveys, sent to the requester when
 * a case of a configured kind closes and to every customer contact periodically
 * (`relationship_settings`), answered by the customer in the web app (their own only) and
 * reported (report section `satisfaction`, management review input a).
 */
import { sql, type Kysely } from 'kysely'
import { Role } from '../auth/roles'
import { nextReference } from '../cases'
import type { DB } from '../db/schema'
import { iso, isoOrNull } from '../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { ConflictError, NotFoundError } from '../errors'
import type { NotificationService } from '../notifications/notification.service'
import { getSettings } from './settings'

/** Why a survey was sent. */
export const SurveyTrigger = { CaseClosure: 'case-closure', Periodic: 'periodic' } as const
export type SurveyTrigger = (typeof SurveyTrigger)[keyof typeof SurveyTrigger]

/** One survey. */
export interface Survey {
  id: string
  username: string
  organisationId: string | null
  trigger: SurveyTrigger
  caseKind: string | null
  caseId: string | null
  serviceId: string | null
  sentAt: string
  answeredAt: string | null
  /** 1 (very dissatisfied) … 5 (very satisfied). */
  score: number | null
  comment: string | null
}

export const answerBody = {
  type: 'object',
  additionalProperties: false,
  required: ['score'],
  properties: {
    score: { type: 'integer', minimum: 1, maximum: 5 },
    comment: { type: 'string', maxLength: 4000 },
  },
} as const

const DAY = 86_400_000
/** Cases closed longer ago than this are not surveyed when the sweep first meets them. */
const CLOSURE_WINDOW_DAYS = 30

export class SurveysService {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      audit: AuditSink
      notifications: NotificationService
      now: () => Date
    },
  ) {}

  /**
   * Sends the surveys due: one per closed case of a surveyed kind whose requester is a customer
   * (closed in the last 30 days, never twice), and one per customer contact whose last periodic
   * survey is `periodicSurveyDays` old. Each survey, its notification and its evidence entry
   * commit together. Returns the surveys sent.
   */
  async sweep(): Promise<Survey[]> {
    const now = this.deps.now()
    const settings = await getSettings(this.deps.db)
    const sent: Survey[] = []
    if (settings.surveyKinds.length) {
      const closed = await this.deps.db
        .selectFrom('cases as c')
        .innerJoin('users as u', 'u.username', 'c.requester')
        .select(['c.id', 'c.kind', 'c.service_id', 'c.requester', 'u.organisation_id'])
        .where('c.kind', 'in', settings.surveyKinds)
        .where('c.status', '=', 'closed')
        .where('c.closed_at', '>=', new Date(now.getTime() - CLOSURE_WINDOW_DAYS * DAY))
        .where(sql<boolean>`${Role.Customer} = any(u.roles)`)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('satisfaction_surveys as s')
                .select('s.id')
                .whereRef('s.case_id', '=', 'c.id'),
            ),
          ),
        )
        .orderBy('c.closed_at')
        .limit(500)
        .execute()
      for (const c of closed) {
        sent.push(
          await this.send({
            username: c.requester!,
            organisationId: c.organisation_id ?? null,
            trigger: SurveyTrigger.CaseClosure,
            caseKind: c.kind,
            caseId: c.id,
            serviceId: c.service_id,
          }),
        )
      }
    }
    const since = new Date(now.getTime() - settings.periodicSurveyDays * DAY)
    const due = await this.deps.db
      .selectFrom('users as u')
      .select(['u.username', 'u.organisation_id'])
      .where('u.active', '=', true)
      .where(sql<boolean>`${Role.Customer} = any(u.roles)`)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('satisfaction_surveys as s')
              .select('s.id')
              .whereRef('s.username', '=', 'u.username')
              .where('s.trigger', '=', SurveyTrigger.Periodic)
              .where('s.sent_at', '>', since),
          ),
        ),
      )
      .orderBy('u.username')
      .execute()
    for (const u of due) {
      sent.push(
        await this.send({
          username: u.username,
          organisationId: u.organisation_id ?? null,
          trigger: SurveyTrigger.Periodic,
          caseKind: null,
          caseId: null,
          serviceId: null,
        }),
      )
    }
    return sent
  }

  private async send(s: Omit<Survey, 'id' | 'sentAt' | 'answeredAt' | 'score' | 'comment'>) {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const id = await nextReference(tx, 'CSAT')
      const row = await tx
        .insertInto('satisfaction_surveys')
        .values({
          id,
          username: s.username,
          organisation_id: s.organisationId,
          trigger: s.trigger,
          case_kind: s.caseKind,
          case_id: s.caseId,
          service_id: s.serviceId,
          sent_at: this.deps.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      const survey = toSurvey(row)
      await this.deps.notifications.enqueue(
        {
          dedupeKey: `survey:${id}`,
          recipient: s.username,
          template: 'satisfaction-survey',
          context: {
            ...(s.caseKind && s.caseId ? { caseKind: s.caseKind, caseId: s.caseId } : {}),
            title: id,
          },
        },
        tx,
      )
      return {
        result: survey,
        evidence: {
          actor: 'system:satisfaction-surveys',
          action: 'satisfaction-survey.sent',
          entityType: 'satisfaction-survey',
          entityId: id,
          after: survey,
        },
      }
    })
  }

  /** A customer's own surveys, open ones first (7.1: customers see only their own). */
  async mine(username: string): Promise<Survey[]> {
    const rows = await this.deps.db
      .selectFrom('satisfaction_surveys')
      .selectAll()
      .where('username', '=', username)
      .orderBy(sql`answered_at is not null`)
      .orderBy('sent_at', 'desc')
      .limit(200)
      .execute()
    return rows.map(toSurvey)
  }

  /** Every survey (staff), newest first, optionally of one organisation or service. */
  async list(filter: { organisationId?: string; serviceId?: string } = {}): Promise<Survey[]> {
    let q = this.deps.db.selectFrom('satisfaction_surveys').selectAll()
    if (filter.organisationId) q = q.where('organisation_id', '=', filter.organisationId)
    if (filter.serviceId) q = q.where('service_id', '=', filter.serviceId)
    return (await q.orderBy('sent_at', 'desc').limit(1000).execute()).map(toSurvey)
  }

  /** The customer answers their survey: another's is a 404, an answered one a 409. */
  async answer(id: string, username: string, input: { score: number; comment?: string }) {
    return writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const row = await tx
        .selectFrom('satisfaction_surveys')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst()
      if (!row || row.username !== username) throw new NotFoundError(`No survey ${id}.`)
      if (row.answered_at) throw new ConflictError(`Survey ${id} is answered already.`)
      const updated = await tx
        .updateTable('satisfaction_surveys')
        .set({
          score: input.score,
          comment: input.comment?.trim() || null,
          answered_at: this.deps.now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      const after = toSurvey(updated)
      return {
        result: after,
        evidence: {
          actor: username,
          action: 'satisfaction-survey.answered',
          entityType: 'satisfaction-survey',
          entityId: id,
          after,
        },
      }
    })
  }
}

type Row = {
  id: string
  username: string
  organisation_id: string | null
  trigger: string
  case_kind: string | null
  case_id: string | null
  service_id: string | null
  sent_at: Date | string
  answered_at: Date | string | null
  score: number | null
  comment: string | null
}

function toSurvey(r: Row): Survey {
  return {
    id: r.id,
    username: r.username,
    organisationId: r.organisation_id,
    trigger: r.trigger as SurveyTrigger,
    caseKind: r.case_kind,
    caseId: r.case_id,
    serviceId: r.service_id,
    sentAt: iso(r.sent_at),
    answeredAt: isoOrNull(r.answered_at),
    score: r.score,
    comment: r.comment,
  }
}
