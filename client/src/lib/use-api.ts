/** Loading server data into components: `useApi(path)` refetches when the path changes. */
import { useCallback, useEffect, useState } from 'react'
import { api, ApiError } from './api'

/** Result of {@link useApi}. */
export interface ApiState<T> {
  data: T | undefined
  error: ApiError | Error | undefined
  loading: boolean
  /** Fetches again (e.g. after a live event); keeps the old data while loading. */
  reload: () => void
  /** Changes the loaded data in place (a live event's delta), without a request. */
  mutate: (change: (data: T | undefined) => T | undefined) => void
}

/** GETs `path` (skipped when null) and tracks its state; stale responses are ignored. */
export function useApi<T>(path: string | null): ApiState<T> {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<ApiError | Error>()
  const [loading, setLoading] = useState(path !== null)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    if (path === null) return
    let live = true
    setLoading(true)
    api<T>(path).then(
      (d) => {
        if (!live) return
        setData(d)
        setError(undefined)
        setLoading(false)
      },
      (e: unknown) => {
        if (!live) return
        setError(e instanceof Error ? e : new Error(String(e)))
        setLoading(false)
      },
    )
    return () => {
      live = false
    }
  }, [path, tick])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  const mutate = useCallback((change: (d: T | undefined) => T | undefined) => setData(change), [])
  return { data, error, loading, reload, mutate }
}

/** Builds `/path?k=v` skipping empty values. */
export function withQuery(
  path: string,
  params: Record<string, string | number | boolean | undefined | null>,
): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `${path}?${s}` : path
}
