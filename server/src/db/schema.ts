/**
 * Table types for Kysely. Each migration in `migrations/` that adds a table adds its type here.
 */
import type { ColumnType, Generated } from 'kysely'

type CreatedAt = ColumnType<Date, Date | string | undefined, never>

/** A person who logs in. `roles` is a subset of {@link Role}. */
export interface UsersTable {
  id: Generated<number>
  username: string
  display_name: string
  email: string | null
  password_hash: string
  roles: string[]
  active: Generated<boolean>
  created_at: CreatedAt
}

/** A team whose members share tasks (BPMN candidate groups). */
export interface GroupsTable {
  id: string
  name: string
  description: string | null
}

export interface UserGroupsTable {
  user_id: number
  group_id: string
  /** Group leads may assign the group's tasks to members. */
  is_lead: Generated<boolean>
}

export interface SessionsTable {
  /** SHA-256 of the cookie value; the raw token never reaches the database. */
  id: string
  user_id: number
  csrf_token: string
  created_at: CreatedAt
  expires_at: Date
}

export interface DB {
  users: UsersTable
  groups: GroupsTable
  user_groups: UserGroupsTable
  sessions: SessionsTable
}
