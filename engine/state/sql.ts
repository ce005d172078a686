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

/** A connection pool as node-postgres has it (the server's PGlite pool has the same shape). */
export interface Queryable {
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: unknown[] }>
  connect(): Promise<{
    query(sql: string, params?: readonly unknown[]): Promise<{ rows: unknown[] }>
    release(): void
  }>
}

/** A {@link SqlClient} over a pool: statements on any connection, a transaction on one. */
export function poolSqlClient(pool: Queryable): SqlClient {
  return {
    async query<R>(text: string, params?: unknown[]) {
      const r = await pool.query(text, params)
      return { rows: r.rows as R[] }
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      const conn = await pool.connect()
      const tx: SqlClient = {
        async query<R>(text: string, params?: unknown[]) {
          const r = await conn.query(text, params)
          return { rows: r.rows as R[] }
        },
        transaction: (inner) => inner(tx),
      }
      try {
        await conn.query('BEGIN')
        const result = await fn(tx)
        await conn.query('COMMIT')
        return result
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => {
          // the connection is unusable; the original error is what matters
        })
        throw err
      } finally {
        conn.release()
      }
    },
  }
}
