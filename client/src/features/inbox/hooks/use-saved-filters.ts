/** Named inbox filters kept in localStorage per user. */
import { useCallback, useState } from 'react'
import type { TaskQuery } from '../api/tasks'

export interface SavedFilter {
  name: string
  query: Partial<TaskQuery>
}

const keyOf = (username: string) => `inbox.filters.${username}`

function read(username: string): SavedFilter[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(keyOf(username)) ?? '[]')
    return Array.isArray(v) ? (v as SavedFilter[]) : []
  } catch {
    // a corrupt entry is ignored; saving replaces it
    return []
  }
}

/** The user's saved filters plus save/remove. */
export function useSavedFilters(username: string) {
  const [filters, setFilters] = useState(() => read(username))
  const persist = useCallback(
    (next: SavedFilter[]) => {
      localStorage.setItem(keyOf(username), JSON.stringify(next))
      setFilters(next)
    },
    [username],
  )
  const save = (name: string, query: Partial<TaskQuery>) =>
    persist([...filters.filter((f) => f.name !== name), { name, query }])
  const remove = (name: string) => persist(filters.filter((f) => f.name !== name))
  return { filters, save, remove }
}
