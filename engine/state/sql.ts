/**
 * What the engine needs of a SQL database: a query function and transactions. A node-postgres
 * pool and PGlite both fit (the server adapts its own connection to this shape).
 */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>
  /**
   * Optional bulk load: `COPY table (columns) FROM STDIN` with `data` in COPY's text format
   * (tab-separated, `\N` for null, one row per line), as one statement (atomic on its own).
   * Clients that offer it let the record log skip building and parsing an INSERT's JSON
   * parameter; without it the log uses one multi-row INSERT.
   */
  copyFrom?(table: string, columns: readonly string[], data: string): Promise<void>
}
