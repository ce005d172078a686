/**
 * Toasts: short confirmations of completed actions ("Task completed", "Saved"), announced by
 * screen readers through one polite live region that is always in the page (a region inserted
 * together with its text is not announced). They stay across navigation, close by themselves
 * after a few seconds (not while the pointer or focus is on them) and have a close button.
 */
import { useSyncExternalStore } from 'react'

/** How a toast is coloured. */
export const ToastTone = { Ok: 'ok', Info: 'info', Error: 'error' } as const
export type ToastTone = (typeof ToastTone)[keyof typeof ToastTone]

interface Toast {
  id: number
  message: string
  tone: ToastTone
}

/** How long a toast stays, ms. */
const TOAST_MS = 6000
/** At most this many at once; older ones make room. */
const MAX_TOASTS = 3

let toasts: readonly Toast[] = []
let nextId = 1
const held = new Set<number>()
const listeners = new Set<() => void>()
const emit = () => listeners.forEach((l) => l())

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

function dismiss(id: number): void {
  held.delete(id)
  toasts = toasts.filter((t) => t.id !== id)
  emit()
}

function expire(id: number): void {
  if (held.has(id)) setTimeout(() => expire(id), 1000)
  else dismiss(id)
}

/** Shows `message` as a toast. */
export function toast(message: string, tone: ToastTone = ToastTone.Ok): void {
  const id = nextId++
  toasts = [...toasts, { id, message, tone }].slice(-MAX_TOASTS)
  emit()
  setTimeout(() => expire(id), TOAST_MS)
}

/**
 * The live region the toasts appear in; rendered once by the app shell. A polite live region
 * without the status role: a page's own status banner stays the one `status` on the page.
 */
export function Toaster() {
  const list = useSyncExternalStore(subscribe, () => toasts)
  return (
    <div className="toasts" aria-live="polite" data-testid="toasts">
      {list.map((t) => (
        <div
          key={t.id}
          className={`toast ${t.tone}`}
          onMouseEnter={() => held.add(t.id)}
          onMouseLeave={() => held.delete(t.id)}
          onFocus={() => held.add(t.id)}
          onBlur={() => held.delete(t.id)}
        >
          <span>{t.message}</span>
          <button
            type="button"
            className="toast-close"
            aria-label="Dismiss"
            onClick={() => dismiss(t.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  )
}
