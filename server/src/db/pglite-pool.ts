/**
 * A pg-Pool-shaped front for one PGlite instance. PGlite has a single connection, so the pool
 * hands it out to one borrower at a time: a transaction opened by Kysely cannot interleave
 * with queries of the engine or of another request.
 */
import type { PGlite } from '@electric-sql/pglite'
import { copyIntoPglite } from '../../../engine/index'

interface PooledClient {
  query(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: unknown[]; rowCount: number; command: string }>
  release(): void
}

export class PGlitePool {
  private tail: Promise<void> = Promise.resolve()

  constructor(readonly pglite: PGlite) {}

  /** Waits for the connection; the caller must `release()` it. */
  async connect(): Promise<PooledClient> {
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const previous = this.tail
    this.tail = previous.then(() => released)
    await previous
    let done = false
    const pglite = this.pglite
    return {
      async query(sql, params) {
        const result = await pglite.query(sql, params as unknown[] | undefined)
        const command = sql.trimStart().split(/\s+/, 1)[0]?.toUpperCase() ?? ''
        return {
          rows: result.rows,
          rowCount: result.affectedRows ?? result.rows.length,
          command,
        }
      },
      release() {
        if (!done) {
          done = true
          release()
        }
      },
    }
  }

  /** Loads rows in COPY text format into `table` (the engine's record log appends with it). */
  async copyFrom(table: string, columns: readonly string[], data: string): Promise<void> {
    const client = await this.connect()
    try {
      await copyIntoPglite(this.pglite, table, columns, data)
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
