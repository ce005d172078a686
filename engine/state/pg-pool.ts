/**
 * node-postgres pools whose connection errors never crash the process. pg emits `error` on a
 * client whose connection breaks outside a query (the server shut down or terminated the
 * backend); an `error` event nobody listens to is thrown, and kills the process. The pool
 * listens on its idle clients only, not on the ones checked out (a Kysely transaction
 * between two statements, a connection held by a caller): those need a listener of their own,
 * added here to every client the pool creates. The broken client is discarded by the pool when
 * released; the error that matters reaches whoever runs the next query on it.
 */
import pg from 'pg'

export interface PgPoolOptions extends pg.PoolConfig {
  /** Told about each connection error (default: ignored; the next query reports it). */
  onConnectionError?: (err: Error) => void
}

/** A pg pool with an `error` listener on the pool and on every client it creates. */
export function createPgPool({ onConnectionError, ...config }: PgPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    // an unreachable server fails a connection attempt in 10 s, not at the OS's TCP timeout
    connectionTimeoutMillis: 10_000,
    ...config,
  })
  const report = (err: Error) => {
    try {
      onConnectionError?.(err)
    } catch {
      // a reporting failure must not become the crash this listener prevents
    }
  }
  pool.on('error', report)
  pool.on('connect', (client) => client.on('error', report))
  return pool
}
