import { describe, expect, it } from 'vitest'
import type { Logger } from '../log'
import { startEventLoopMonitor } from './event-loop'

/** A logger that keeps its warnings for the test to read. */
const quietLog = (warnings: string[]): Logger => ({
  debug() {},
  info() {},
  warn: (msg) => void warnings.push(msg),
  error() {},
  fatal() {},
})

const block = (ms: number) => {
  const until = Date.now() + ms
  while (Date.now() < until) {
    // a synchronous stall, as a WebAssembly database call on the HTTP thread makes one
  }
}

describe('event-loop lag of the HTTP thread', () => {
  it('measures a stall and logs the window that passed the threshold', async () => {
    const warnings: string[] = []
    const log = quietLog(warnings)
    const monitor = startEventLoopMonitor({ log, thresholdMs: 50, windowMs: 400 })
    try {
      await new Promise((r) => setTimeout(r, 50))
      block(150)
      await new Promise((r) => setTimeout(r, 600))
      const lag = monitor.status()
      expect(lag.worstMs).toBeGreaterThanOrEqual(100)
      expect(lag.slowWindows).toBeGreaterThanOrEqual(1)
      expect(warnings.some((w) => /event loop lag p99 .* passed 50 ms/.test(w))).toBe(true)
    } finally {
      monitor.stop()
    }
  })

  it('stays quiet while the loop is free', async () => {
    const warnings: string[] = []
    const log = quietLog(warnings)
    const monitor = startEventLoopMonitor({ log, thresholdMs: 500, windowMs: 100 })
    try {
      await new Promise((r) => setTimeout(r, 350))
      const lag = monitor.status()
      expect(lag.p99Ms).toBeLessThan(500)
      expect(lag.slowWindows).toBe(0)
      expect(warnings).toEqual([])
    } finally {
      monitor.stop()
    }
  })
})
