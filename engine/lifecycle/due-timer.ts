/**
 * With the system clock, the engine arms one OS timer for the earliest item of its due-date
 * index (timers, job deadlines, back-offs, message TTLs), so idle instances cost no CPU.
 */
import type { Clock } from '../api'

export class DueTimer {
  private timer: NodeJS.Timeout | null = null
  private armedFor = Infinity

  /** @param fire runs when the armed moment has come (the engine's tick) */
  constructor(
    private readonly clock: Clock,
    private readonly fire: () => void,
  ) {}

  /** Arms the timer for `next` (the index's earliest due date), or stops it when undefined. */
  arm(next: number | undefined): void {
    if (next === undefined) {
      this.stop()
      return
    }
    if (this.timer && this.armedFor <= next) return
    if (this.timer) clearTimeout(this.timer)
    this.armedFor = next
    const delay = Math.min(Math.max(0, next - this.clock.now()), 2_147_483_647)
    this.timer = setTimeout(() => {
      this.timer = null
      this.armedFor = Infinity
      this.fire()
    }, delay)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.armedFor = Infinity
  }
}
