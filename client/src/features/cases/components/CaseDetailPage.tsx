/**
 * One case: its fields (editable with optimistic locking), links, process instances (open in
 * replay), the SLA clock of incidents and service requests (paused while waiting), the activity stream (work notes, replies, status changes); CIs add their relations graph and change history.
 */
import { useState } from 'react'
import { formatDateTime, formatValue, humanize } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { useServerEvents } from '../../../lib/socket'
import { ErrorBanner, Loading, Props, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { hasRole, type User } from '../../../lib/user'
import {
  activityOf,
  addActivity,
  field,
  isFinished,
  kinds,
  linkCase,
  normalizeList,
  pluralOf,
  type CaseRecord,
} from '../api/cases'
import { isControlled, targetOfKind } from '../api/change-control'
import { slaClockKinds } from '../api/sla-clock'
import { ActivityStream } from './ActivityStream'
import { Attachments, attachmentsOf } from './Attachments'
import { CaseEditor } from './CaseEditor'
import { CiGraph, edgesOf } from './CiGraph'
import { KindExtras } from './KindExtras'
import { ChangeRecordEdits, EditsOfRecord } from './RecordEditsList'
import { SlaClock } from './SlaClock'

const structural = new Set([
  'data',
  'links',
  'processInstances',
  'process_instances',
  'statusHistory',
  'comments',
  'activity',
  'attachments',
  'relations',
  'version',
])

const bookkeeping = new Set([
  'id',
  'createdAt',
  'updatedAt',
  'createdBy',
  'version',
  'kind',
  'ciId',
])

/** Fields that differ between two versions of a record (all fields of a creation). */
function changesOf(before: unknown, after: unknown): [string, unknown, unknown][] {
  const b = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>
  const a = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>
  return [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .filter((k) => !bookkeeping.has(k) && JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => [k, before ? b[k] : undefined, a[k]])
}

const linkKinds = [
  'incident',
  'service-request',
  'problem',
  'known-error',
  'change',
  'release',
  'improvement',
  'complaint',
  'audit-finding',
  'ci',
  'service',
  'supplier',
]

/** Links this case to another record (e.g. incident → problem → known error → change, 8.2). */
function LinkForm({ kind, id, onLinked }: { kind: string; id: string; onLinked: () => void }) {
  const [toKind, setToKind] = useState('problem')
  const [toId, setToId] = useState('')
  const [linkType, setLinkType] = useState('related')
  const [error, setError] = useState<unknown>()
  return (
    <form
      aria-label="Link a case"
      style={{ marginTop: '0.5rem' }}
      onSubmit={(e) => {
        e.preventDefault()
        linkCase(kind, id, { toKind, toId, linkType }).then(() => {
          setToId('')
          setError(undefined)
          onLinked()
        }, setError)
      }}
    >
      <div className="row">
        <div className="field">
          <label htmlFor="link-kind">Kind</label>
          <select id="link-kind" value={toKind} onChange={(e) => setToKind(e.target.value)}>
            {linkKinds.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="link-id">Id</label>
          <input
            id="link-id"
            value={toId}
            onChange={(e) => setToId(e.target.value)}
            required
            size={12}
          />
        </div>
        <div className="field">
          <label htmlFor="link-type">Link type</label>
          <input
            id="link-type"
            value={linkType}
            onChange={(e) => setLinkType(e.target.value)}
            required
            size={10}
          />
        </div>
        <button type="submit" style={{ alignSelf: 'end' }}>
          Link
        </button>
      </div>
      <ErrorBanner error={error} />
    </form>
  )
}

function CiExtras({ id, name }: { id: string; name: string }) {
  const relations = useApi<unknown>(`/cis/${encodeURIComponent(id)}/relations`)
  const history = useApi<unknown>(`/cis/${encodeURIComponent(id)}/history`)
  const edges = edgesOf(id, relations.data)
  const hist = normalizeList(history.data).items
  return (
    <>
      <section className="card" aria-labelledby="ci-relations">
        <h2 id="ci-relations">Relations</h2>
        <ErrorBanner error={relations.error} />
        {edges.length ? (
          <CiGraph name={name} edges={edges} />
        ) : (
          <p className="muted">No relations.</p>
        )}
      </section>
      <section className="card" aria-labelledby="ci-history">
        <h2 id="ci-history">Change history</h2>
        <ul className="list-plain small">
          {hist.map((h, i) => (
            <li key={i}>
              <strong>{formatValue(field(h, 'action'))}</strong>{' '}
              <span className="muted">
                {formatDateTime(field(h, 'at') as string)} · {formatValue(field(h, 'actor'))}
              </span>
              <ul className="small">
                {changesOf(field(h, 'before'), field(h, 'after')).map(([k, before, after]) => (
                  <li key={k}>
                    {humanize(k)}: {before === undefined ? '' : `${formatValue(before)} → `}
                    {formatValue(after)}
                  </li>
                ))}
              </ul>
            </li>
          ))}
          {hist.length === 0 && <li className="muted">No changes recorded.</li>}
        </ul>
      </section>
    </>
  )
}

export default function CaseDetailPage({
  kind,
  id,
  user,
}: {
  kind: string
  id: string
  user: User
}) {
  const info = kinds[kind]
  const [edits, setEdits] = useState(0)
  const { data, error, loading, reload } = useApi<CaseRecord>(`/${kind}/${encodeURIComponent(id)}`)
  useServerEvents(['case.updated', 'case.activity'], (_n, p) => {
    if (p.case.caseId === id) reload()
  })
  if (loading && !data) return <Loading />
  if (error && !data) return <ErrorBanner error={error} />
  if (!data) return null
  const name = formatValue(field(data, 'title') ?? field(data, 'name'))
  const data2 =
    typeof data.data === 'object' && data.data ? (data.data as Record<string, unknown>) : {}
  const entries = Object.entries({ ...data, ...data2 }).filter(
    ([k, v]) => !structural.has(k) && (typeof v !== 'object' || v === null),
  )
  const links = normalizeList(field(data, 'links')).items
  const instances = normalizeList(field(data, 'processInstances')).items
  const statusHistory = normalizeList(field(data, 'statusHistory')).items
  // a closed, cancelled or rejected case is a finished record: the server refuses edits (409)
  const finished = isFinished(kind, data)
  const canEdit = hasRole(user, 'admin', 'staff') && !finished
  // 9.1, 6.1: a controlled record is edited through a change (the server refuses it directly)
  const controlled = isControlled(kind, data)
  const target = targetOfKind[kind]
  return (
    <article>
      <p>
        <Link href={`/cases/${kind}`}>← {info?.label ?? kind}</Link>
      </p>
      <div className="row">
        <h1>
          {formatValue(data.id)} {name}
        </h1>
        <StatusBadge status={typeof data.status === 'string' ? data.status : null} />
      </div>
      <div className="grid-2">
        <div>
          <section className="card" aria-label="Case fields">
            <Props
              entries={entries.map(([k, v]) => [
                humanize(k),
                k === 'status' ? <StatusBadge status={String(v)} /> : formatValue(v),
              ])}
            />
          </section>
          {kind === 'cis' && <CiExtras id={id} name={name} />}
          <KindExtras kind={kind} record={data} user={user} onSaved={reload} />
          {kind in slaClockKinds && (
            <SlaClock kind={kind} record={data} user={user} onChanged={reload} />
          )}
          {kind === 'changes' && <ChangeRecordEdits changeId={id} />}
          {target && (controlled || edits > 0) && (
            <EditsOfRecord key={edits} targetKind={target} targetId={id} />
          )}
          <ActivityStream
            entries={activityOf(data)}
            user={user}
            status={typeof data.status === 'string' ? data.status : null}
            post={(type, body) => addActivity(kind, id, type, body)}
            onAdded={reload}
          />
          <Attachments
            casePath={`/${kind}/${encodeURIComponent(id)}`}
            attachments={attachmentsOf(field(data, 'attachments'))}
            canAttach={hasRole(user, 'admin', 'staff', 'customer')}
            onAdded={reload}
          />
        </div>
        <div>
          {canEdit && (
            <CaseEditor
              key={String(data.version)}
              kind={kind}
              record={data}
              controlled={controlled}
              onSaved={reload}
              onProposed={() => setEdits((n) => n + 1)}
            />
          )}
          {finished && (
            <p className="banner info" role="status">
              This {info?.singular ?? 'case'} is {String(data.status)}: it can no longer be edited.
              Comments may still be added; its procedure can reopen it.
            </p>
          )}
          <section className="card" aria-labelledby="case-instances">
            <h2 id="case-instances">Process instances</h2>
            {instances.length === 0 && <p className="muted">None.</p>}
            <ul className="list-plain">
              {instances.map((p, i) => {
                const key = String(field(p, 'processInstanceKey') ?? field(p, 'key'))
                return (
                  <li key={i}>
                    {formatValue(field(p, 'bpmnProcessId'))} v{formatValue(field(p, 'version'))} ·{' '}
                    {hasRole(user, 'auditor', 'admin', 'process-owner') ? (
                      <Link href={`/replay?instance=${key}`}>{key}</Link>
                    ) : (
                      key
                    )}
                  </li>
                )
              })}
            </ul>
          </section>
          <section className="card" aria-labelledby="case-status-history">
            <h2 id="case-status-history">Status history</h2>
            {statusHistory.length === 0 && <p className="muted">No change yet.</p>}
            <ol className="list-plain">
              {statusHistory.map((c, i) => (
                <li key={i}>
                  <StatusBadge status={String(field(c, 'to'))} /> {formatValue(field(c, 'at'))} ·{' '}
                  {formatValue(field(c, 'actor'))}
                  {field(c, 'elementId') ? <> · {formatValue(field(c, 'elementId'))}</> : null}
                </li>
              ))}
            </ol>
          </section>
          <section className="card" aria-labelledby="case-links">
            <h2 id="case-links">Linked cases</h2>
            {links.length === 0 && <p className="muted">None.</p>}
            <ul className="list-plain">
              {links.map((l, i) => {
                const outgoing = String(field(l, 'fromId')) === id
                const k = String(field(l, outgoing ? 'toKind' : 'fromKind') ?? '')
                const target = String(field(l, outgoing ? 'toId' : 'fromId'))
                return (
                  <li key={i}>
                    {formatValue(field(l, 'linkType'))}
                    {outgoing ? ' → ' : ' ← '}
                    <Link href={`/cases/${pluralOf(k)}/${encodeURIComponent(target)}`}>
                      {target}
                    </Link>
                  </li>
                )
              })}
            </ul>
            {canEdit && <LinkForm kind={kind} id={id} onLinked={reload} />}
          </section>
        </div>
      </div>
    </article>
  )
}
