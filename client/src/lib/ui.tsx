/** Small building blocks every screen uses, so the product looks like one. */
import type { ReactNode } from 'react'
import { ApiError } from './api'

/** An error as a banner; problem JSON details included. */
export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null
  const status = error instanceof ApiError ? `${error.status} ${error.title}: ` : ''
  const text = error instanceof Error ? error.message : String(error)
  return (
    <div role="alert" className="banner error">
      {status}
      {text}
    </div>
  )
}

/** A polite loading line. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p aria-busy="true" className="muted">
      {label}
    </p>
  )
}

/** Nothing to show. */
export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>
}

const tone: Record<string, string> = {
  open: 'accent',
  new: 'accent',
  claimed: 'warn',
  'in-review': 'warn',
  'in progress': 'warn',
  'in-progress': 'warn',
  draft: '',
  approved: 'ok',
  deployed: 'ok',
  completed: 'ok',
  resolved: 'ok',
  closed: 'ok',
  active: 'accent',
  superseded: '',
  rejected: 'danger',
  cancelled: '',
  breached: 'danger',
  incident: 'danger',
  error: 'danger',
  warn: 'warn',
}

/** A status as a coloured pill. */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return null
  return <span className={`badge ${tone[status.toLowerCase()] ?? ''}`}>{status}</span>
}

/** Priority 1-4 (ITIL) or 0-100 (task) as a pill. */
export function PriorityBadge({ priority }: { priority: number | string | null | undefined }) {
  if (priority === null || priority === undefined || priority === '') return null
  const n = Number(priority)
  const high = n > 4 ? n >= 75 : n === 1
  const mid = n > 4 ? n >= 50 : n === 2
  const label = n > 4 ? (high ? 'High' : mid ? 'Medium' : 'Low') : `P${n}`
  return (
    <span className={`badge ${high ? 'danger' : mid ? 'warn' : ''}`} title={`Priority ${n}`}>
      {label}
    </span>
  )
}

/** Previous/next paging with "x–y of total". */
export function Pager({
  page,
  pageSize,
  total,
  onPage,
}: {
  page: number
  pageSize: number
  total: number
  onPage: (page: number) => void
}) {
  const last = Math.max(1, Math.ceil(total / pageSize))
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1
  const to = Math.min(total, page * pageSize)
  return (
    <nav className="pager" aria-label="Pagination">
      <span className="muted small">
        {from}–{to} of {total}
      </span>
      <button disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <button disabled={page >= last} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  )
}

/** Key/value pairs of a record, skipping nested objects unless asked. */
export function Props({ entries }: { entries: [string, ReactNode][] }) {
  return (
    <dl className="props">
      {entries.map(([k, v]) => (
        <div key={k} style={{ display: 'contents' }}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  )
}
