/**
 * Time sources for the engine. The system clock drives production; tests use {@link TestClock}
 * and move time by hand, then call `engine.tick()`, so timers and timeouts need no sleeping.
 */
import type { Clock } from './api'

export type { Clock } from './api'

/** Wall-clock time. With this clock the engine arms one OS timer for its earliest due item. */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock that only moves when told to. */
export class TestClock implements Clock {
  private current: number

  constructor(start: number = Date.UTC(2026, 0, 1)) {
    this.current = start
  }

  now(): number {
    return this.current
  }

  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms
  }

  /** Sets the time to the epoch milliseconds `ms`. */
  set(ms: number): void {
    this.current = ms
  }
}

/** True when `clock` is the system clock (the engine then schedules its own due work). */
export function isSystemClock(clock: Clock): boolean {
  return clock === systemClock
}
