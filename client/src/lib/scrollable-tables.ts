/**
 * Tables wider than the screen scroll sideways inside themselves (styles.css, phones). A
 * scrolling box must be reachable with the keyboard to be scrolled without a pointer (WCAG
 * 2.1.1, axe-core `scrollable-region-focusable`): such a table without a link or button of its
 * own gets `tabindex="0"` while it scrolls, and loses it again when the window is wide enough.
 */
import { useEffect } from 'react'

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]'
/** Marks the tabindex set here, so one set by a screen is never removed. */
const MARK = 'data-scroll-focus'

function update(root: HTMLElement): void {
  for (const table of root.querySelectorAll<HTMLTableElement>('table')) {
    const scrolls = table.scrollWidth > table.clientWidth + 1
    const marked = table.hasAttribute(MARK)
    if (scrolls && !marked && !table.hasAttribute('tabindex') && !table.querySelector(FOCUSABLE)) {
      table.setAttribute('tabindex', '0')
      table.setAttribute(MARK, '')
    } else if (!scrolls && marked) {
      table.removeAttribute('tabindex')
      table.removeAttribute(MARK)
    }
  }
}

/** Keeps the scrolling tables under the element with id `rootId` keyboard-reachable. */
export function useScrollableTables(rootId: string): void {
  useEffect(() => {
    const root = document.getElementById(rootId)
    if (!root) return
    let queued = false
    const schedule = () => {
      if (queued) return
      queued = true
      requestAnimationFrame(() => {
        queued = false
        update(root)
      })
    }
    schedule()
    const observer = new MutationObserver(schedule)
    observer.observe(root, { childList: true, subtree: true })
    window.addEventListener('resize', schedule)
    return () => {
      observer.disconnect()
      window.removeEventListener('resize', schedule)
    }
  }, [rootId])
}
