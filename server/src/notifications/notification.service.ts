/**
 * The notification outbox (8.1: customers kept informed, top management told of major
 * incidents, escalations to interested parties). Every notification is a row, shown in-app to
 * its recipient (a user, or every member of a group); with an SMTP URL configured, pending rows
 * are also mailed. A dedupe key makes enqueueing idempotent (a re-delivered job notifies once).
 */
import type { Kysely, Selectable } from 'kysely'
import { sql } from 'kysely'
import type { DB, NotificationsTable } from '../db/schema'
import { NotFoundError, UserError } from '../errors'
import type { Logger } from '../log'
import type { EventBus } from '../realtime/bus'
import { sendMail, type MailMessage } from './smtp'
import { render, type Template, type TemplateContext } from './templates'

/** A notification as the API returns it. */
export interface Notification {
  id: number
  recipient: string | null
  recipientGroup: string | null
  template: string
  subject: string
  body: string
  caseKind: string | null
  caseId: string | null
  createdAt: string
  readAt: string | null
  emailStatus: string
}

export interface EnqueueInput {
  /** Unique per intended notification, e.g. `job:<jobKey>`; a repeat is ignored. */
  dedupeKey: string
  recipient?: string | null
  recipientGroup?: string | null
  template: Template
  context: TemplateContext
}

export interface NotificationServiceDeps {
  db: Kysely<DB>
  /** `smtp://user:pass@host:port` or `smtps://…`; empty = in-app only (the default). */
  smtpUrl?: string
  /** Sender address for mails. Default `sms@localhost`. */
  mailFrom?: string
  bus?: EventBus
  log?: Logger
}

const toNotification = (r: Selectable<NotificationsTable>): Notification => ({
  id: r.id,
  recipient: r.recipient,
  recipientGroup: r.recipient_group,
  template: r.template,
  subject: r.subject,
  body: r.body,
  caseKind: r.case_kind,
  caseId: r.case_id,
  createdAt: new Date(r.created_at).toISOString(),
  readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
  emailStatus: r.email_status,
})

export class NotificationService {
  constructor(private readonly deps: NotificationServiceDeps) {}

  /** Whether mails are sent (an SMTP URL is configured). */
  get mailEnabled(): boolean {
    return !!this.deps.smtpUrl
  }

  /**
   * Stores a notification unless one with the same dedupe key exists. Returns it and whether it
   * was created now.
   */
  async enqueue(
    input: EnqueueInput,
    /** The transaction of the change the notification belongs to (default: its own). */
    db: Kysely<DB> = this.deps.db,
  ): Promise<{ notification: Notification; created: boolean }> {
    if (!input.recipient && !input.recipientGroup) {
      throw new UserError('A notification needs a recipient or a recipient group.')
    }
    const { subject, body } = render(input.template, input.context)
    const inserted = await db
      .insertInto('notifications')
      .values({
        dedupe_key: input.dedupeKey,
        recipient: input.recipient ?? null,
        recipient_group: input.recipientGroup ?? null,
        template: input.template,
        subject,
        body,
        case_kind: input.context.caseKind ?? null,
        case_id: input.context.caseId ?? null,
        read_at: null,
        email_error: null,
        email_status: this.mailEnabled ? 'pending' : 'disabled',
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returningAll()
      .executeTakeFirst()
    if (inserted) {
      const n = toNotification(inserted)
      this.deps.bus?.publish({
        type: 'notification.created',
        recipient: n.recipient ?? `group:${n.recipientGroup ?? ''}`,
        notificationId: String(n.id),
      })
      return { notification: n, created: true }
    }
    const existing = await db
      .selectFrom('notifications')
      .selectAll()
      .where('dedupe_key', '=', input.dedupeKey)
      .executeTakeFirstOrThrow()
    return { notification: toNotification(existing), created: false }
  }

  /** Notifications for a user: addressed to them or to one of their groups, newest first. */
  async listFor(
    user: { username: string; groups: string[] },
    options: { unreadOnly?: boolean; caseKind?: string; caseId?: string; limit?: number } = {},
  ): Promise<Notification[]> {
    let q = this.deps.db
      .selectFrom('notifications')
      .selectAll()
      .where((eb) =>
        user.groups.length
          ? eb.or([eb('recipient', '=', user.username), eb('recipient_group', 'in', user.groups)])
          : eb('recipient', '=', user.username),
      )
    if (options.unreadOnly) q = q.where('read_at', 'is', null)
    if (options.caseKind) q = q.where('case_kind', '=', options.caseKind)
    if (options.caseId) q = q.where('case_id', '=', options.caseId)
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(options.limit ?? 50, 500))
      .execute()
    return rows.map(toNotification)
  }

  /** Notifications about one case (for staff and auditors looking at the case). */
  async listForCase(caseKind: string, caseId: string): Promise<Notification[]> {
    const rows = await this.deps.db
      .selectFrom('notifications')
      .selectAll()
      .where('case_kind', '=', caseKind)
      .where('case_id', '=', caseId)
      .orderBy('id')
      .execute()
    return rows.map(toNotification)
  }

  /** Marks a notification read for a user it is addressed to. */
  async markRead(id: number, user: { username: string; groups: string[] }): Promise<void> {
    const row = await this.deps.db
      .selectFrom('notifications')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    const mine =
      row &&
      (row.recipient === user.username ||
        (row.recipient_group !== null && user.groups.includes(row.recipient_group)))
    if (!mine) throw new NotFoundError(`No notification ${id}.`)
    await this.deps.db
      .updateTable('notifications')
      .set({ read_at: sql<Date>`coalesce(read_at, now())` })
      .where('id', '=', id)
      .execute()
  }

  /**
   * Mails pending notifications (at most `limit`) when SMTP is configured; addresses come from
   * `users.email` (a group notification goes to every member with an address). Returns how many
   * were sent. Failures are recorded on the row and retried up to 5 times.
   */
  async deliverPending(limit = 20): Promise<number> {
    const smtpUrl = this.deps.smtpUrl
    if (!smtpUrl) return 0
    const pending = await this.deps.db
      .selectFrom('notifications')
      .selectAll()
      .where('email_status', 'in', ['pending', 'failed'])
      .where('email_attempts', '<', 5)
      .orderBy('id')
      .limit(limit)
      .execute()
    let sent = 0
    for (const n of pending) {
      const to = await this.addressesOf(n)
      try {
        if (to.length) {
          const message: MailMessage = {
            from: this.deps.mailFrom ?? 'sms@localhost',
            to,
            subject: n.subject,
            text: n.body,
          }
          await sendMail(smtpUrl, message)
          sent++
        }
        await this.deps.db
          .updateTable('notifications')
          .set({
            email_status: to.length ? 'sent' : 'no-address',
            email_attempts: sql<number>`email_attempts + 1`,
            email_error: null,
          })
          .where('id', '=', n.id)
          .execute()
      } catch (err) {
        this.deps.log?.warn(`mail for notification ${n.id} failed`, err)
        await this.deps.db
          .updateTable('notifications')
          .set({
            email_status: 'failed',
            email_attempts: sql<number>`email_attempts + 1`,
            email_error: err instanceof Error ? err.message : String(err),
          })
          .where('id', '=', n.id)
          .execute()
      }
    }
    return sent
  }

  /**
   * Mails pending notifications every `intervalMs` while SMTP is configured (no-op otherwise).
   * Returns the function that stops it.
   */
  startMailDelivery(intervalMs = 30_000): () => void {
    if (!this.mailEnabled) return () => {}
    let running = false
    const timer = setInterval(() => {
      if (running) return
      running = true
      this.deliverPending()
        .catch((err: unknown) => this.deps.log?.warn('mail delivery failed', err))
        .finally(() => {
          running = false
        })
    }, intervalMs)
    timer.unref()
    return () => clearInterval(timer)
  }

  private async addressesOf(n: Selectable<NotificationsTable>): Promise<string[]> {
    let q = this.deps.db
      .selectFrom('users')
      .select('users.email')
      .where('users.email', 'is not', null)
    if (n.recipient) q = q.where('users.username', '=', n.recipient)
    else
      q = q
        .innerJoin('user_groups', 'user_groups.user_id', 'users.id')
        .where('user_groups.group_id', '=', n.recipient_group ?? '')
    const rows = await q.execute()
    return rows.map((r) => r.email).filter((e): e is string => !!e)
  }
}
