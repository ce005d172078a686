/**
 * The one due-date index: timers, job timeouts, job back-offs and message TTLs in a binary
 * min-heap. Entries are validated when they come due (stale ones are dropped), so cancelling
 * work never needs to search the heap.
 */
export interface DueEntry {
  due: number
  kind: 'timer' | 'job-timeout' | 'job-backoff' | 'message'
  key: number
}

/** Min-heap of due items ordered by due time. */
export class DueIndex {
  private readonly heap: DueEntry[] = []

  get size(): number {
    return this.heap.length
  }

  push(entry: DueEntry): void {
    const h = this.heap
    h.push(entry)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (h[parent]!.due <= h[i]!.due) break
      ;[h[parent], h[i]] = [h[i]!, h[parent]!]
      i = parent
    }
  }

  /** The earliest due time, or undefined when empty. */
  peekDue(): number | undefined {
    return this.heap[0]?.due
  }

  pop(): DueEntry | undefined {
    const h = this.heap
    const top = h[0]
    const last = h.pop()
    if (h.length > 0 && last) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && h[l]!.due < h[m]!.due) m = l
        if (r < h.length && h[r]!.due < h[m]!.due) m = r
        if (m === i) break
        ;[h[m], h[i]] = [h[i]!, h[m]!]
        i = m
      }
    }
    return top
  }
}
