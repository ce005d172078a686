/**
 * The smallest SQL interface both drivers share: node-postgres pools and PGlite. The embedded
 * engine receives one of these for its record log, so it shares the product's database
 * without depending on the server's query layer.
 */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>
  /** Runs `fn` on one connection inside BEGIN/COMMIT, rolling back when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>
}
