/**
 * 4.5.4.2: the `internal-auditors` group, whose members conduct internal audits and record their
 * findings, exists on every installation (not only where demo data was seeded): the internal
 * audit procedure and the access rules name it.
 */
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`insert into groups (id, name, description) values ('internal-auditors',
    'Internal auditors', 'Conduct internal audits and record findings (4.5.4.2).')
    on conflict (id) do nothing`.execute(db)
}
