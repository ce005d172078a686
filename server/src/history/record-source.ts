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

/**
 * Reads the record log of an engine running elsewhere (`npm run engine`) over its HTTP/JSON
 * history endpoint; new records are picked up by polling from the last position seen.
 */
export function httpRecordSource(
  baseUrl: string,
  options: {
    pollMs?: number
    onError?: (err: unknown) => void
    /** Sent as `authorization: Bearer <token>` (a standalone engine's ENGINE_TOKEN). */
    bearerToken?: string
  } = {},
): RecordSource & { close(): void } {
  const base = baseUrl.replace(/\/+$/, '')
  const read = async (q: RecordQuery): Promise<EngineRecord[]> => {
    const params = new URLSearchParams()
    params.set('afterPosition', String(q.afterPosition ?? 0))
    params.set('limit', String(Math.min(q.limit ?? 1000, 10_000)))
    if (q.processInstanceKey) params.set('processInstanceKey', q.processInstanceKey)
    if (q.valueTypes?.length) params.set('valueType', q.valueTypes.join(','))
    const res = await fetch(`${base}/records?${params.toString()}`, {
      headers: options.bearerToken ? { authorization: `Bearer ${options.bearerToken}` } : {},
    })
    if (!res.ok) throw new Error(`engine history endpoint answered ${res.status}`)
    const body = (await res.json()) as { records: EngineRecord[] }
    return body.records
  }
  const listeners = new Set<(r: EngineRecord) => void>()
  let position = -1
  let timer: NodeJS.Timeout | undefined
  let polling = false
  const poll = async () => {
    if (polling || listeners.size === 0) return
    polling = true
    try {
      if (position < 0) {
        // start from the end: subscribers catch up with `read` themselves
        let last = 0
        for (;;) {
          const page = await read({ afterPosition: last, limit: 10_000 })
          if (page.length === 0) break
          last = page[page.length - 1]!.position
        }
        position = last
      }
      for (;;) {
        const page = await read({ afterPosition: position, limit: 1000 })
        for (const r of page) for (const l of listeners) l(r)
        if (page.length === 0) break
        position = page[page.length - 1]!.position
      }
    } catch (err) {
      options.onError?.(err)
    } finally {
      polling = false
    }
  }
  return {
    read,
    subscribe(listener) {
      listeners.add(listener)
      timer ??= setInterval(() => void poll(), options.pollMs ?? 500)
      timer.unref()
      void poll()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && timer) {
          clearInterval(timer)
          timer = undefined
        }
      }
    },
    close() {
      listeners.clear()
      if (timer) clearInterval(timer)
      timer = undefined
    },
  }
}
