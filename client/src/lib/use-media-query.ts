/** Whether a CSS media query matches now; re-renders when that changes (rotation, resize). */
import { useSyncExternalStore } from 'react'

/** The width below which screens get the phone layout (collapsed navigation, cards). */
export const PHONE_QUERY = '(max-width: 639.98px)'

export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query)
      list.addEventListener('change', onChange)
      return () => list.removeEventListener('change', onChange)
    },
    () => window.matchMedia(query).matches,
  )
}
