/** The engine's options and the lines it writes about itself. */
import type { Clock } from '../api'
import type { SqlClient } from '../state/sql'

/** Options of `createEngine` (engine.ts). */
export interface CreateEngineOptions {
  /** Database for the record log and snapshots (PGlite or PostgreSQL). */
  sql: SqlClient
  /** Time source; default the system clock (the engine then fires due work by itself). */
  clock?: Clock
  /**
   * Write a snapshot after this many records (default 100,000), at most once per
   * `snapshotMinIntervalMs` (default 60 s of wall time), and on close. A snapshot serializes the
   * whole state, so its cost grows with the number of running instances.
   */
  snapshotEveryRecords?: number
  snapshotMinIntervalMs?: number
  /**
   * Where the engine writes one line per change of its log's state (down, recovered); default
   * the console. Lines name the database error, never the connection string.
   */
  logger?: EngineLogger
  /**
   * Back-off between attempts to recover after a failed commit: the first wait and the
   * longest (default 200 ms doubling up to 5 s).
   */
  recoveryBackoffMs?: { initial: number; max: number }
}

/** The lines the engine writes about itself. */
export interface EngineLogger {
  warn(message: string): void
  info(message: string): void
}

export const consoleLogger: EngineLogger = {
  warn: (m) => console.warn(m),
  info: (m) => console.info(m),
}

/** The message of a database error, without anything but its text. */
export const errorText = (err: unknown): string =>
  err instanceof Error ? err.message : String(err)
