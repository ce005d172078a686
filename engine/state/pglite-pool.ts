/**
 * A pg-Pool-shaped front for one PGlite instance, in-process or on a thread of its own
 * (`PGliteThread`). PGlite has a single connection, so the pool hands it out to one
 * borrower at a time: a transaction (the engine's, or one Kysely opens in the server) cannot
 * interleave with other queries.
 */
import { poolSqlClient, type SqlClient } from './sql'

/** What the pool uses of a PGlite: the instance itself or a `PGliteThread`. */
export interface PGliteConnection {
  query(
    sql: string,
    params?: unknown[],
    options?: { blob?: Blob },
  ): Promise<{ rows: unknown[]; affectedRows?: number }>
  close(): Promise<void>
  /**
   * True when statements are posted to another thread in the order `query` is called (a
   * `PGliteThread`): the pool then pipelines a transaction's ends (below).
   */
  readonly pipelines?: boolean
}

/** A transaction's first statement and its ends, as Kysely and `poolSqlClient` send them. */
const BEGIN = /^\s*(begin|start transaction)\b/i
const END = /^\s*(commit|rollback)\s*;?\s*$/i

interface PooledClient {
  query(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: unknown[]; rowCount: number; command: string }>
  release(): void
}

export class PGlitePool {
  private tail: Promise<void> = Promise.resolve()

  constructor(readonly pglite: PGliteConnection) {}

  /** This pool as a {@link SqlClient}, with COPY for bulk loads. */
  sqlClient(): SqlClient {
    return {
      ...poolSqlClient(this),
      copyFrom: (table, columns, data) => this.copyFrom(table, columns, data),
    }
  }

  /** Waits for the connection; the caller must `release()` it. */
  async connect(): Promise<PooledClient> {
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const previous = this.tail
    this.tail = previous.then(() => released)
    await previous
    let done = false
    const pglite = this.pglite
    const releaseOnce = () => {
      if (!done) {
        done = true
        release()
      }
    }
    // On a thread, each answer waits for this thread's event loop before the next statement
    // goes out, and the database thread idles meanwhile, holding its one connection (issue
    // 21). So `begin` is posted without waiting for its answer (it travels with the
    // transaction's first statement, whose answer reports a failed begin), and the connection
    // is handed on as soon as `commit`/`rollback` is posted: the next borrower's statements
    // queue behind it on the database thread, which runs them in order.
    let begun: Promise<unknown> | undefined
    return {
      async query(sql, params) {
        const pipelined = pglite.pipelines === true
        if (pipelined && BEGIN.test(sql) && !params?.length) {
          begun = pglite.query(sql)
          begun.catch(() => undefined)
          return { rows: [], rowCount: 0, command: 'BEGIN' }
        }
        const before = begun
        begun = undefined
        const answer = pglite.query(sql, params as unknown[] | undefined)
        if (pipelined && END.test(sql)) releaseOnce()
        const [, result] = await Promise.all([before, answer])
        const command = sql.trimStart().split(/\s+/, 1)[0]?.toUpperCase() ?? ''
        return {
          rows: result.rows,
          rowCount: result.affectedRows ?? result.rows.length,
          command,
        }
      },
      release: releaseOnce,
    }
  }

  /**
   * Loads rows in COPY text format into `table` (`SqlClient.copyFrom`): COPY reads them from a
   * blob PGlite mounts as /dev/blob, no JSON parameter to build and parse, the cheapest way
   * into a table (the engine's record log appends with it).
   */
  async copyFrom(table: string, columns: readonly string[], data: string): Promise<void> {
    const client = await this.connect()
    try {
      await this.pglite.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], {
        blob: new Blob([data]),
      })
    } finally {
      client.release()
    }
  }

  async query(sql: string, params?: readonly unknown[]) {
    const client = await this.connect()
    try {
      return await client.query(sql, params)
    } finally {
      client.release()
    }
  }

  async end(): Promise<void> {
    const client = await this.connect()
    try {
      await this.pglite.close()
    } finally {
      client.release()
    }
  }
}
