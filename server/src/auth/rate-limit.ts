/**
 * A fixed-window limiter for login attempts, keyed by client address and username, held in
 * memory (one server process).
 */
export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>()

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt; returns seconds to wait when over the limit, else 0. */
  hit(key: string): number {
    const now = this.now()
    let entry = this.hits.get(key)
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + this.windowMs }
      this.hits.set(key, entry)
    }
    entry.count++
    if (this.hits.size > 10_000) this.prune(now)
    return entry.count > this.limit ? Math.ceil((entry.resetAt - now) / 1000) : 0
  }

  reset(key: string): void {
    this.hits.delete(key)
  }

  private prune(now: number) {
    for (const [k, v] of this.hits) if (v.resetAt <= now) this.hits.delete(k)
  }
}
