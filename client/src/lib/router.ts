/**
 * A tiny history router: the current location as React state, `navigate`, a `Link` that
 * keeps normal link behaviour (middle click, new tab), and path patterns with `:params`.
 */
import {
  createElement,
  useSyncExternalStore,
  type AnchorHTMLAttributes,
  type MouseEvent,
} from 'react'

const listeners = new Set<() => void>()
const notify = () => listeners.forEach((l) => l())
if (typeof window !== 'undefined') window.addEventListener('popstate', notify)

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
const snapshot = () => window.location.pathname + window.location.search

/** Goes to `to` (path plus optional query) without reloading. */
export function navigate(to: string, { replace = false } = {}): void {
  if (to === snapshot()) return
  if (replace) window.history.replaceState(null, '', to)
  else window.history.pushState(null, '', to)
  notify()
  window.scrollTo(0, 0)
}

/** The current path and query parameters; re-renders on every navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot)
  const i = href.indexOf('?')
  return {
    path: i < 0 ? href : href.slice(0, i),
    query: new URLSearchParams(i < 0 ? '' : href.slice(i)),
  }
}

/** Matches `/cases/:kind/:id` against a path; returns the decoded params or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean)
  const s = path.split('/').filter(Boolean)
  if (p.length !== s.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < p.length; i++) {
    const part = p[i]!
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(s[i]!)
    else if (part !== s[i]) return null
  }
  return params
}

/** Replaces the query string of the current path, keeping the path. */
export function setQuery(params: Record<string, string | undefined>): void {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v)
  const s = q.toString()
  navigate(window.location.pathname + (s ? `?${s}` : ''), { replace: true })
}

/** An anchor that navigates in-app on a plain left click. */
export function Link({
  href,
  onClick,
  ...rest
}: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const current = useLocation().path
  return createElement('a', {
    ...rest,
    href,
    'aria-current': rest['aria-current'] ?? (current === href ? 'page' : undefined),
    onClick: (e: MouseEvent<HTMLAnchorElement>) => {
      onClick?.(e)
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
        return
      e.preventDefault()
      navigate(href)
    },
  })
}
