/** Small building blocks every screen uses, so the product looks like one. */
import type { ReactNode } from 'react'
import {
  PRIORITY_NAMES,
  priorityInWords,
  priorityLevel,
  type PriorityLevel,
  type PriorityScale,
} from '@shared/api/priority'
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

const priorityTone: Record<PriorityLevel, string> = {
  1: 'danger',
  2: 'warn',
  3: 'accent',
  4: '',
  5: '',
}

/**
 * A priority as a pill: the one presentation of priorities (inbox, task, case pages, reports).
 * A case's level (`scale="level"`, 1 highest) and a user task's Zeebe priority (`scale="task"`,
 * 0..100) read the same: the level's word and colour ("High"), its number in the accessible name.
 */
export function PriorityBadge({
  priority,
  scale,
}: {
  priority: number | string | null | undefined
  scale: PriorityScale
}) {
  const level = priorityLevel(priority, scale)
  if (level === undefined) return null
  return (
    <span
      className={`badge priority ${priorityTone[level]}`}
      data-priority={level}
      title={priorityInWords(level)}
    >
      {PRIORITY_NAMES[level]}
      <span className="visually-hidden"> (priority {level})</span>
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

/**
 * The server's message for field `key` of a failed request (ajv's errors, `/key` or deeper), in
 * words people understand where the raw one would quote a pattern; undefined when none.
 */
export function fieldErrorOf(
  error: unknown,
  key: string,
  patternHint?: string,
): string | undefined {
  if (!(error instanceof ApiError)) return undefined
  const found = error.errors.find((e) => e.path === `/${key}` || e.path.startsWith(`/${key}/`))
  if (!found) return undefined
  return patternHint && /pattern/.test(found.message) ? patternHint : found.message
}

/** The field errors of a failed request that name none of `keys` (shown in the banner). */
export function otherFieldErrors(error: unknown, keys: readonly string[]): string[] {
  if (!(error instanceof ApiError)) return []
  return error.errors
    .filter((e) => !keys.some((k) => e.path === `/${k}` || e.path.startsWith(`/${k}/`)))
    .map((e) => `${e.path.replace(/^\//, '') || 'request'}: ${e.message}`)
}

/**
 * A labelled form field with its error: the control (rendered by `children` with the props it
 * needs) is marked aria-invalid and described by the message under it.
 */
export function Field({
  id,
  label,
  error,
  children,
}: {
  id: string
  label: string
  error: string | undefined
  children: (control: {
    id: string
    'aria-invalid': true | undefined
    'aria-describedby': string | undefined
  }) => ReactNode
}) {
  const errorId = `${id}-error`
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': error ? errorId : undefined,
      })}
      {error && (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
    </div>
  )
}

/**
 * A form's error banner: when the server named fields the form shows (`keys`), it points to
 * them instead of repeating its generic "request body is invalid"; anything else as usual.
 */
export function FormErrorBanner({ error, keys }: { error: unknown; keys: readonly string[] }) {
  if (error instanceof ApiError && error.errors.length > 0) {
    const other = otherFieldErrors(error, keys)
    const marked = error.errors.length - other.length
    return (
      <div role="alert" className="banner error">
        {marked > 0 && `Check the marked field${marked === 1 ? '' : 's'}.`}
        {other.map((o) => (
          <div key={o}>{o}</div>
        ))}
      </div>
    )
  }
  return <ErrorBanner error={error} />
}
