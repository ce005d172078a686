import type { Kysely } from 'kysely'

/**
 * The engine's steps as case evidence come from Camunda 8.8's v2 searches (issue 14), which have
 * no record positions: the instance tracker reads a time window again on each pass (secondary
 * storage lags the engine), so `engine_evidence_seen` keeps which steps (`<action>:<key>`) are
 * already in the evidence trail, written in the transaction of their entry, so none is written
 * twice. The record-log cursors of `record_cursors` are no longer moved ('instances',
 * 'inbox-activations'); the tracker keeps its time cursor there ('instances-v2', epoch ms).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('engine_evidence_seen')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('engine_evidence_seen').execute()
}
