/**
 * Sections specific to one kind on its detail page: SLA targets per priority (6.1), a
 * service's dependencies and catalogue items (6.1), a supplier's contracts and reviews (7.2),
 * an incident's escalation to major (8.1).
 */
import { useState } from 'react'
import { api } from '../../../lib/api'
import { formatValue, humanize } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { ErrorBanner, PriorityBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { hasRole, type User } from '../../../lib/user'
import { field, normalizeList, type CaseRecord } from '../api/cases'
import { isChangeDoor, isControlled } from '../api/change-control'
import { ContractProposal, type ContractView } from './ContractProposal'
import { MajorEscalation } from './MajorEscalation'
import { TransitionWithdrawal } from './TransitionWithdrawal'
import { ProposeThroughChange, type DiffRow } from './ProposeThroughChange'

function SlaTargets({
  record,
  user,
  onSaved,
}: {
  record: CaseRecord
  user: User
  onSaved: () => void
}) {
  const targets = (field(record, 'targets') ?? {}) as Record<string, CaseRecord>
  const workload = field(record, 'workload') as Record<string, unknown> | undefined
  const exceptions = field(record, 'exceptions')
  const [draft, setDraft] = useState<Record<
    string,
    { responseMinutes: number; resolutionMinutes: number }
  > | null>(null)
  const [error, setError] = useState<unknown>()
  const [proposal, setProposal] = useState<DiffRow[]>()
  // 6.1, 9.2: an agreed SLA's targets change through a change
  const controlled = isControlled('slas', record)
  const canEdit = hasRole(user, 'admin') || (controlled && hasRole(user, 'staff'))
  const edit = () =>
    setDraft(
      Object.fromEntries(
        ['1', '2', '3', '4'].map((p) => [
          p,
          {
            responseMinutes: Number(field(targets[p] ?? {}, 'responseMinutes') ?? 0),
            resolutionMinutes: Number(field(targets[p] ?? {}, 'resolutionMinutes') ?? 0),
          },
        ]),
      ),
    )
  const diff = (): DiffRow[] =>
    Object.entries(draft ?? {}).flatMap(([p, t]) =>
      (['responseMinutes', 'resolutionMinutes'] as const)
        .filter((k) => Number(field(targets[p] ?? {}, k) ?? 0) !== t[k])
        .map((k): DiffRow => [`P${p} ${humanize(k)}`, field(targets[p] ?? {}, k), t[k]]),
    )
  const save = () => {
    if (controlled) {
      setProposal(diff())
      return Promise.resolve()
    }
    return api(`/slas/${encodeURIComponent(String(record.id))}`, {
      method: 'PATCH',
      body: { data: { targets: draft }, version: record.version },
    }).then(
      () => {
        setDraft(null)
        setError(undefined)
        onSaved()
      },
      (err: unknown) => {
        setError(err)
        // the server names the door: offer it with the same targets
        if (isChangeDoor(err)) setProposal(diff())
      },
    )
  }
  const cell = (p: string, k: 'responseMinutes' | 'resolutionMinutes') =>
    draft ? (
      <input
        type="number"
        min={1}
        aria-label={`P${p} ${k === 'responseMinutes' ? 'response' : 'resolution'} minutes`}
        value={draft[p]?.[k] ?? 0}
        onChange={(e) => setDraft({ ...draft, [p]: { ...draft[p]!, [k]: Number(e.target.value) } })}
        style={{ width: '7rem' }}
      />
    ) : (
      formatValue(field(targets[p] ?? {}, k))
    )
  return (
    <section className="card" aria-labelledby="sla-targets">
      <div className="row">
        <h2 id="sla-targets" style={{ margin: 0 }}>
          Targets
        </h2>
        <span className="spacer" />
        {canEdit && !draft && <button onClick={edit}>Edit targets</button>}
        {draft && (
          <>
            <button className="primary" onClick={() => void save()}>
              {controlled ? 'Propose targets through a change' : 'Save targets'}
            </button>
            <button onClick={() => setDraft(null)}>Cancel</button>
          </>
        )}
      </div>
      <table className="data" aria-label="SLA targets per priority">
        <thead>
          <tr>
            <th>Priority</th>
            <th>Response (min)</th>
            <th>Resolution (min)</th>
          </tr>
        </thead>
        <tbody>
          {(draft ? Object.keys(draft) : Object.keys(targets)).map((p) => (
            <tr key={p}>
              <td>
                <PriorityBadge priority={p} scale="level" />
              </td>
              <td>{cell(p, 'responseMinutes')}</td>
              <td>{cell(p, 'resolutionMinutes')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorBanner error={error} />
      {proposal && draft && (
        <ProposeThroughChange
          targetKind="sla"
          targetId={String(record.id)}
          patch={{ data: { targets: draft } }}
          diff={proposal}
          defaultTitle={`Revise the targets of ${String(record.id)} ${String(field(record, 'name') ?? '')}`}
          onCancel={() => setProposal(undefined)}
        />
      )}
      {workload && (
        <p className="small">
          Workload limits:{' '}
          {Object.entries(workload)
            .map(([k, v]) => `${humanize(k)} ${formatValue(v)}`)
            .join(' · ')}
        </p>
      )}
      {Array.isArray(exceptions) && (
        <p className="small">Exceptions: {exceptions.map((e) => formatValue(e)).join('; ')}</p>
      )}
    </section>
  )
}

function ServiceExtras({ id }: { id: string }) {
  const deps = useApi<{ dependsOn?: CaseRecord[]; dependents?: CaseRecord[] }>(
    `/services/${encodeURIComponent(id)}/dependencies`,
  )
  const items = useApi<unknown>(`/services/${encodeURIComponent(id)}/catalogue-items`)
  const link = (sid: unknown) => (
    <Link href={`/cases/services/${encodeURIComponent(String(sid))}`}>{String(sid)}</Link>
  )
  return (
    <section className="card" aria-labelledby="service-extras">
      <h2 id="service-extras">Dependencies and catalogue</h2>
      <ErrorBanner error={deps.error ?? items.error} />
      <ul className="list-plain small">
        {(deps.data?.dependsOn ?? []).map((d, i) => (
          <li key={`o${i}`}>
            {formatValue(field(d, 'dependencyType'))} {link(field(d, 'dependsOnId'))}
          </li>
        ))}
        {(deps.data?.dependents ?? []).map((d, i) => (
          <li key={`i${i}`}>
            used by {link(field(d, 'serviceId'))} ({formatValue(field(d, 'dependencyType'))})
          </li>
        ))}
      </ul>
      <h3>Catalogue items</h3>
      <ul className="list-plain small">
        {normalizeList(items.data).items.map((c) => (
          <li key={String(c.id)}>
            <strong>{formatValue(field(c, 'name'))}</strong> {formatValue(field(c, 'description'))}
            {field(c, 'requiresApproval') === true && <span className="badge warn"> approval</span>}
          </li>
        ))}
      </ul>
    </section>
  )
}

function SupplierExtras({ id, user }: { id: string; user: User }) {
  const contracts = useApi<unknown>(`/suppliers/${encodeURIComponent(id)}/contracts`)
  const [status, setStatus] = useState('')
  const [error, setError] = useState<unknown>()
  const [editing, setEditing] = useState<string>()
  return (
    <section className="card" aria-labelledby="supplier-extras">
      <h2 id="supplier-extras">Contracts</h2>
      <ErrorBanner error={contracts.error ?? error} />
      <ul className="list-plain small">
        {normalizeList(contracts.data).items.map((c) => (
          <li key={String(c.id)}>
            <strong>
              {String(c.id)} {formatValue(field(c, 'title'))}
            </strong>{' '}
            {formatValue(field(c, 'startsOn'))} – {formatValue(field(c, 'endsOn'))}
            <div className="muted">{formatValue(field(c, 'scope'))}</div>
            {/* 7.2, 9.2: a contract in force changes through a change */}
            {hasRole(user, 'admin', 'staff') &&
              isControlled('contracts', c) &&
              editing !== String(c.id) && (
                <button
                  onClick={() => setEditing(String(c.id))}
                  aria-label={`Propose an edit of ${String(c.id)}`}
                >
                  Propose edit…
                </button>
              )}
            {editing === String(c.id) && (
              <ContractProposal
                contract={c as unknown as ContractView}
                onClose={() => setEditing(undefined)}
              />
            )}
          </li>
        ))}
      </ul>
      {hasRole(user, 'admin', 'staff') && (
        <button
          onClick={() =>
            api<unknown>(`/suppliers/${encodeURIComponent(id)}/reviews`, {
              method: 'POST',
              body: {},
            }).then(() => setStatus('Supplier review started.'), setError)
          }
        >
          Start supplier review
        </button>
      )}
      {status && (
        <div className="banner ok" role="status">
          {status}
        </div>
      )}
    </section>
  )
}

/** The kind-specific sections of a detail page, if any. */
export function KindExtras({
  kind,
  record,
  user,
  onSaved,
}: {
  kind: string
  record: CaseRecord
  user: User
  onSaved: () => void
}) {
  const id = String(record.id)
  if (kind === 'slas') return <SlaTargets record={record} user={user} onSaved={onSaved} />
  if (kind === 'services') return <ServiceExtras id={id} />
  if (kind === 'suppliers') return <SupplierExtras id={id} user={user} />
  if (kind === 'incidents') return <MajorEscalation record={record} user={user} onSaved={onSaved} />
  if (kind === 'service-transitions') {
    return <TransitionWithdrawal record={record} user={user} onSaved={onSaved} />
  }
  return null
}
