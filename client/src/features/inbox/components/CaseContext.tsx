/** The case beside the form: its fields, SLA clock, related cases and matches. */
import { useEffect, useState } from 'react'
import { formatDateTime, formatDuration, formatValue, humanize } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { Props, StatusBadge } from '../../../lib/ui'
import type { TaskDetail } from '../api/tasks'
import { Attachments, attachmentsOf } from '../../cases'

const hidden = new Set(['data', 'version', 'activity'])

/** Time left to a target, ticking every 30 s; red once passed. */
export function SlaClock({ label, due }: { label: string; due: string | null }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000)
    return () => clearInterval(t)
  }, [])
  if (!due) return null
  const left = new Date(due).getTime() - now
  return (
    <div className="row" aria-label={`${label} target`}>
      <span className="muted small">{label}</span>
      <span className={`badge ${left < 0 ? 'danger' : left < 3600_000 ? 'warn' : 'ok'}`}>
        {left < 0 ? `overdue by ${formatDuration(left)}` : `${formatDuration(left)} left`}
      </span>
      <span className="small muted">{formatDateTime(due)}</span>
    </div>
  )
}

/** The API path of a case (`/incidents/INC-000001`), from its kind and id. */
function casePath(c: Record<string, unknown>): string | null {
  const kind =
    typeof c.kind === 'string' ? c.kind : typeof c.caseKind === 'string' ? c.caseKind : null
  const id = typeof c.id === 'string' ? c.id : typeof c.caseId === 'string' ? c.caseId : null
  if (!kind || !id) return null
  return `/${kind.endsWith('s') ? kind : `${kind}s`}/${encodeURIComponent(id)}`
}

function caseLink(c: Record<string, unknown>): string | null {
  const path = casePath(c)
  return path && `/cases${path}`
}

/** A case link as the record at its other end. */
function linkTarget(l: Record<string, unknown>, caseId: string): Record<string, unknown> {
  if (typeof l.toId !== 'string') return l
  const outgoing = l.fromId === caseId
  return {
    kind: outgoing ? l.toKind : l.fromKind,
    id: outgoing ? l.toId : l.fromId,
    title: `(${String(l.linkType ?? 'related')})`,
  }
}

function CaseList({ title, items }: { title: string; items: Record<string, unknown>[] }) {
  if (!items.length) return null
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <ul className="list-plain">
        {items.map((c, i) => {
          const href = caseLink(c)
          const label = `${formatValue(c.id ?? c.caseId ?? c.name)} ${formatValue(c.title ?? c.name ?? '')}`
          return (
            <li key={String(c.id ?? i)} className="small">
              {href ? <Link href={href}>{label}</Link> : label}{' '}
              <StatusBadge status={typeof c.status === 'string' ? c.status : null} />
              {typeof c.workaround === 'string' && (
                <div className="muted">Workaround: {c.workaround}</div>
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}

export function CaseContext({
  detail,
  canAttach,
  onChanged,
}: {
  detail: TaskDetail
  /** May add files to the case (staff working the task; customers on their own cases). */
  canAttach: boolean
  onChanged: () => void
}) {
  const c = detail.case
  const path = c && casePath(c)
  return (
    <aside className="card" aria-label="Case context">
      <h2>{c ? `${formatValue(c.id)} ${formatValue(c.title ?? '')}` : 'No case'}</h2>
      {c && caseLink(c) && (
        <p className="small">
          <Link href={caseLink(c)!}>Open the case page</Link>
        </p>
      )}
      {detail.sla && (
        <div style={{ marginBottom: '0.5rem' }}>
          {detail.sla.breached && <span className="badge danger">SLA breached</span>}
          <SlaClock label="Response" due={detail.sla.responseDue} />
          <SlaClock label="Resolution" due={detail.sla.resolutionDue} />
        </div>
      )}
      {!c && Object.keys(detail.variables).length > 0 && (
        <>
          <h3>Process variables</h3>
          <Props
            entries={Object.entries(detail.variables).map(([k, v]) => [
              humanize(k),
              formatValue(v),
            ])}
          />
        </>
      )}
      {c && (
        <Props
          entries={Object.entries({ ...c, ...(typeof c.data === 'object' && c.data ? c.data : {}) })
            .filter(([k, v]) => !hidden.has(k) && (typeof v !== 'object' || v === null))
            .map(([k, v]) => [
              humanize(k),
              k === 'status' ? <StatusBadge status={String(v)} /> : formatValue(v),
            ])}
        />
      )}
      <CaseList
        title="Related cases"
        items={(detail.related ?? []).map((l) => linkTarget(l, String(c?.id ?? '')))}
      />
      <CaseList title="Known-error matches" items={detail.matches?.knownErrors ?? []} />
      <CaseList title="Matching problems" items={detail.matches?.problems ?? []} />
      <CaseList title="Affected CIs" items={detail.matches?.cis ?? []} />
      {c && path && (
        <Attachments
          casePath={path}
          attachments={attachmentsOf(c.attachments)}
          canAttach={canAttach}
          onAdded={onChanged}
        />
      )}
    </aside>
  )
}
