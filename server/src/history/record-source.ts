/**
 * Where the server reads the engine's record log: the embedded engine's in-process reader. The
 * record log is the engine's public history (what Zeebe's exporters publish); with an external
 * Zeebe cluster an exporter would feed the same interface.
 */
import type { EngineRecord } from '../../../engine/state/records'

export type { EngineRecord }

export interface RecordQuery {
  afterPosition?: number
  limit?: number
  processInstanceKey?: string
  valueTypes?: string[]
}

export interface RecordSource {
  read(query: RecordQuery): Promise<EngineRecord[]>
  /** Calls `listener` for each new durable record; returns the unsubscribe function. */
  subscribe(listener: (record: EngineRecord) => void): () => void
}

/** Adapts anything with the engine's `readRecords`/`onRecord` (the embedded engine). */
export function recordSourceOf(engine: {
  readRecords(q: RecordQuery): Promise<EngineRecord[]>
  onRecord(listener: (r: EngineRecord) => void): () => void
}): RecordSource {
  return {
    read: (q) => engine.readRecords(q),
    subscribe: (l) => engine.onRecord(l),
  }
}
