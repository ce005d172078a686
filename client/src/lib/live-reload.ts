/**
 * Reloads that live events ask for, kept cheap: a burst of events gives one reload (after
 * `delayMs` of quiet), never more than one per `minIntervalMs`, and none while the page is
 * hidden — a hidden page reloads once when it is shown again.
 */
import { useEffect, useRef } from 'react'

export interface ReloadScheduler {
  /** Asks for a reload; coalesced with the others of its burst. */
  request(): void
  /** Whether the page can be seen; a hidden page only remembers that it is stale. */
  visibilityChanged(visible: boolean): void
  dispose(): void
}

export interface SchedulerClock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const realClock: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

export function reloadScheduler(
  reload: () => void,
  { delayMs = 250, minIntervalMs = 1000, visible = true, clock = realClock } = {},
): ReloadScheduler {
  let timer: unknown
  let lastAt = -Infinity
  let stale = false
  let shown = visible
  const fire = () => {
    timer = undefined
    if (!shown) {
      stale = true
      return
    }
    stale = false
    lastAt = clock.now()
    reload()
  }
  const schedule = () => {
    if (timer !== undefined) clock.clearTimeout(timer)
    const wait = Math.max(delayMs, lastAt + minIntervalMs - clock.now())
    timer = clock.setTimeout(fire, wait)
  }
  return {
    request() {
      if (!shown) {
        stale = true
        return
      }
      schedule()
    },
    visibilityChanged(v) {
      shown = v
      if (v && stale) schedule()
    },
    dispose() {
      if (timer !== undefined) clock.clearTimeout(timer)
    },
  }
}

/** A {@link reloadScheduler} bound to the page's visibility for the component's lifetime. */
export function useLiveReload(
  reload: () => void,
  options?: { delayMs?: number; minIntervalMs?: number },
) {
  const reloadRef = useRef(reload)
  reloadRef.current = reload
  const scheduler = useRef<ReloadScheduler>(undefined)
  scheduler.current ??= reloadScheduler(() => reloadRef.current(), {
    ...options,
    visible: typeof document === 'undefined' || document.visibilityState !== 'hidden',
  })
  useEffect(() => {
    const s = scheduler.current!
    const onVisibility = () => s.visibilityChanged(document.visibilityState !== 'hidden')
    document.addEventListener('visibilitychange', onVisibility)
    return () => {
      document.removeEventListener('visibilitychange', onVisibility)
      s.dispose()
    }
  }, [])
  return scheduler.current
}
