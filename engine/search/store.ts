/**
 * The secondary storage as the REST routes see it: where its tables are and the projection
 * that fills them (engine/search/projection.ts).
 */
import type { EngineApi } from '../api'
import type { SqlClient } from '../state/sql'
import { SearchProjection } from './projection'

export interface SearchStore {
  readonly sql: SqlClient
  readonly projection: SearchProjection
}

/** Starts the projection of `engine`'s records into `sql` (catching up from the log first). */
export async function openSearchStore(options: {
  engine: Pick<EngineApi, 'onRecord' | 'readRecords'>
  sql: SqlClient
  onError?: (err: unknown) => void
}): Promise<SearchStore> {
  const projection = await SearchProjection.start(options)
  return { sql: options.sql, projection }
}
