/**
 * Login sessions stored in the database. The cookie holds a random token; the table holds its
 * SHA-256, so a database read does not yield usable cookies.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { Role } from './roles'

/** The authenticated user of a request. */
export interface SessionUser {
  id: number
  username: string
  displayName: string
  email: string | null
  roles: Role[]
  /** Group ids and whether the user leads each. */
  groups: { id: string; isLead: boolean }[]
}

export interface Session {
  user: SessionUser
  csrfToken: string
  expiresAt: Date
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex')

/** The stored id of a session: the SHA-256 of its cookie token (never the token itself). */
export const sessionIdOf = hash

export class SessionStore {
  private readonly endedListeners = new Set<(sessionId: string) => void>()

  constructor(
    private readonly db: Kysely<DB>,
    private readonly ttlMs: number,
  ) {}

  /** Creates a session; returns the raw cookie token and the CSRF token. */
  async create(userId: number): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url')
    const csrfToken = randomBytes(24).toString('base64url')
    const expiresAt = new Date(Date.now() + this.ttlMs)
    await this.db
      .insertInto('sessions')
      .values({ id: hash(token), user_id: userId, csrf_token: csrfToken, expires_at: expiresAt })
      .execute()
    return { token, csrfToken, expiresAt }
  }

  /** The live session for a cookie token, sliding its expiry; undefined when unknown or expired. */
  async get(token: string): Promise<Session | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'sessions.id as sid',
        'sessions.csrf_token',
        'sessions.expires_at',
        'users.id',
        'users.username',
        'users.display_name',
        'users.email',
        'users.roles',
        'users.active',
      ])
      .where('sessions.id', '=', hash(token))
      .executeTakeFirst()
    if (!row || !row.active || new Date(row.expires_at) < new Date()) return undefined
    const groups = await this.db
      .selectFrom('user_groups')
      .select(['group_id', 'is_lead'])
      .where('user_id', '=', row.id)
      .orderBy('group_id')
      .execute()
    const expiresAt = new Date(Date.now() + this.ttlMs)
    // Slide the expiry at most once a minute to keep reads cheap.
    if (new Date(row.expires_at).getTime() < expiresAt.getTime() - 60_000) {
      await this.db
        .updateTable('sessions')
        .set({ expires_at: expiresAt })
        .where('id', '=', row.sid)
        .execute()
    }
    return {
      csrfToken: row.csrf_token,
      expiresAt,
      user: {
        id: row.id,
        username: row.username,
        displayName: row.display_name,
        email: row.email,
        roles: row.roles as Role[],
        groups: groups.map((g) => ({ id: g.group_id, isLead: g.is_lead })),
      },
    }
  }

  async delete(token: string): Promise<void> {
    const id = hash(token)
    await this.db.deleteFrom('sessions').where('id', '=', id).execute()
    for (const listener of this.endedListeners) listener(id)
  }

  /** Calls `listener` with the id of each session ended by {@link delete} (a logout). */
  onEnded(listener: (sessionId: string) => void): () => void {
    this.endedListeners.add(listener)
    return () => this.endedListeners.delete(listener)
  }

  /**
   * Which of the session ids `ids` are still live (not expired, not deleted, user active),
   * without sliding their expiry: a connected socket is no activity of its user.
   */
  async liveOf(ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set()
    const rows = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select('sessions.id')
      .where('sessions.id', 'in', ids)
      .where('sessions.expires_at', '>', new Date())
      .where('users.active', '=', true)
      .execute()
    return new Set(rows.map((r) => r.id))
  }

  async deleteExpired(): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<', new Date()).execute()
  }
}
