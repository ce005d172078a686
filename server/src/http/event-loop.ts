/**
 * Event-loop lag of the HTTP thread, measured (`perf_hooks.monitorEventLoopDelay`), not guessed:
 * HTTP, socket.io and whatever shares the thread answer late when the loop is blocked. Figures
 * cover the last full window (default 10 s) and the worst since start; a window whose p99 passes
 * the threshold is logged with its figures, so a stall is never silent.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { Logger } from '../log'

export interface EventLoopLag {
  /** Length of the window the percentiles cover. */
  windowMs: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** The largest delay seen since the server started. */
  worstMs: number
  /** Windows whose p99 passed the threshold since start. */
  slowWindows: number
  thresholdMs: number
}

export interface EventLoopMonitor {
  status(): EventLoopLag
  stop(): void
}

const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10

export function startEventLoopMonitor(options: {
  log: Logger
  thresholdMs: number
  windowMs?: number
}): EventLoopMonitor {
  const { log, thresholdMs } = options
  const windowMs = options.windowMs ?? 10_000
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  let last = { p50Ms: 0, p99Ms: 0, maxMs: 0 }
  let worstMs = 0
  let slowWindows = 0
  const roll = () => {
    // an empty window (nothing sampled yet) reads as NaN/huge: leave the figures as they were
    if (histogram.count === 0) return
    last = {
      p50Ms: ms(histogram.percentile(50)),
      p99Ms: ms(histogram.percentile(99)),
      maxMs: ms(histogram.max),
    }
    worstMs = Math.max(worstMs, last.maxMs)
    histogram.reset()
    if (thresholdMs > 0 && last.p99Ms > thresholdMs) {
      slowWindows++
      log.warn(
        `event loop lag p99 ${last.p99Ms} ms (max ${last.maxMs} ms, p50 ${last.p50Ms} ms) over the last ${windowMs / 1000} s passed ${thresholdMs} ms: requests on this thread waited`,
      )
    }
  }
  const timer = setInterval(roll, windowMs)
  timer.unref()
  return {
    status: () => ({ windowMs, ...last, worstMs, slowWindows, thresholdMs }),
    stop() {
      clearInterval(timer)
      histogram.disable()
    },
  }
}
