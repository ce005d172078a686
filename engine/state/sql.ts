/**
 * What the engine needs of a SQL database: a query function and transactions. A node-postgres
 * pool and PGlite both fit (the server adapts its own connection to this shape).
 */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>
}
