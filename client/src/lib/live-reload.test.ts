import { describe, expect, it } from 'vitest'
import { reloadScheduler, type SchedulerClock } from './live-reload'

/** A clock moved by hand: timers fire when `advance` passes them. */
function manualClock() {
  let now = 0
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  const clock: SchedulerClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(++seq, { at: now + ms, fn })
      return seq
    },
    clearTimeout: (h) => void timers.delete(h as number),
  }
  const advance = (ms: number) => {
    const end = now + ms
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      timers.delete(due[0])
      now = due[1].at
      due[1].fn()
    }
    now = end
  }
  return { clock, advance }
}

describe('reloads asked for by live events', () => {
  it('turns a burst of events into one reload after a quiet moment', () => {
    const { clock, advance } = manualClock()
    let reloads = 0
    const s = reloadScheduler(() => reloads++, { delayMs: 250, minIntervalMs: 2000, clock })
    for (let i = 0; i < 10; i++) {
      s.request()
      advance(100)
    }
    expect(reloads).toBe(0)
    advance(250)
    expect(reloads).toBe(1)
  })

  it('never reloads more often than the minimum interval', () => {
    const { clock, advance } = manualClock()
    let reloads = 0
    const s = reloadScheduler(() => reloads++, { delayMs: 250, minIntervalMs: 2000, clock })
    for (let i = 0; i < 20; i++) {
      s.request()
      advance(500)
    }
    // 10 s of events every 500 ms: at most one reload per 2 s
    expect(reloads).toBeLessThanOrEqual(5)
    expect(reloads).toBeGreaterThanOrEqual(4)
  })

  it('does not reload a hidden page, and reloads once when it is shown again', () => {
    const { clock, advance } = manualClock()
    let reloads = 0
    const s = reloadScheduler(() => reloads++, {
      delayMs: 250,
      minIntervalMs: 1000,
      visible: false,
      clock,
    })
    for (let i = 0; i < 5; i++) {
      s.request()
      advance(1000)
    }
    expect(reloads).toBe(0)
    s.visibilityChanged(true)
    advance(300)
    expect(reloads).toBe(1)
    s.visibilityChanged(false)
    s.visibilityChanged(true)
    advance(2000)
    expect(reloads).toBe(1)
  })
})
