/**
 * Information security (ISO/IEC 20000-1 6.6): the information security policy with its approval
 * and acknowledgements (6.6.1), the controls register with owners, statuses, implementation,
 * linked risks and review dates, where the information security team adds controls from the
 * catalogue and owners record reviews (6.6.2), the security risks of the risk register with the
 * controls treating them (6.6.1), external parties' access with the controls agreed (6.6.2),
 * changes with their security risk and security incidents with their handling and trends (6.6.3).
 */
import { useState, type FormEvent } from 'react'
import { formatDateTime } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { Empty, ErrorBanner, Loading, PriorityBadge, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import {
  controlStatuses,
  controlThemes,
  createControl,
  isSecurityWriter,
  reviewControl,
  type CatalogueEntry,
  type ChangeSecurity,
  type PartyAccess,
  type SecurityControl,
  type SecurityIncident,
  type SecurityPolicy,
  type SecurityRisk,
  type SecurityTrends,
} from '../api/security'

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—')

function NewControl({ user, onDone }: { user: User; onDone: () => void }) {
  const catalogue = useApi<{ items: CatalogueEntry[] }>('/security/control-catalogue')
  const [reference, setReference] = useState('')
  const [name, setName] = useState('')
  const [theme, setTheme] = useState<string>('organisational')
  const [owner, setOwner] = useState(user.username)
  const [status, setStatus] = useState<string>('planned')
  const [implementation, setImplementation] = useState('')
  const [risks, setRisks] = useState('')
  const [error, setError] = useState<unknown>()
  const [saved, setSaved] = useState<string>()
  function pick(ref: string) {
    setReference(ref)
    const entry = catalogue.data?.items.find((c) => c.reference === ref)
    if (entry) {
      setName(entry.name)
      setTheme(entry.theme)
    }
  }
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      const c = await createControl({
        reference,
        name,
        theme,
        owner,
        status,
        implementation,
        riskIds: risks
          .split(/[\s,]+/)
          .map((r) => r.trim())
          .filter(Boolean),
        reviewIntervalDays: 365,
      })
      setSaved(`Control ${c.id} (${c.reference}) recorded.`)
      setError(undefined)
      onDone()
    } catch (err) {
      setSaved(undefined)
      setError(err)
    }
  }
  return (
    <form className="card" aria-label="New control" onSubmit={(e) => void submit(e)}>
      <h2 style={{ marginTop: 0 }}>New control</h2>
      <div className="field">
        <label htmlFor="control-reference">Reference</label>
        <input
          id="control-reference"
          list="control-catalogue"
          value={reference}
          required
          onChange={(e) => pick(e.target.value)}
        />
        <datalist id="control-catalogue">
          {catalogue.data?.items.map((c) => (
            <option key={c.reference} value={c.reference}>
              {c.name}
            </option>
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor="control-name">Name</label>
        <input id="control-name" value={name} required onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="control-theme">Theme</label>
        <select id="control-theme" value={theme} onChange={(e) => setTheme(e.target.value)}>
          {controlThemes.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="control-owner">Owner (username)</label>
        <input
          id="control-owner"
          value={owner}
          required
          onChange={(e) => setOwner(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="control-status">Status</label>
        <select id="control-status" value={status} onChange={(e) => setStatus(e.target.value)}>
          {controlStatuses.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="control-implementation">Implementation</label>
        <textarea
          id="control-implementation"
          rows={3}
          value={implementation}
          onChange={(e) => setImplementation(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="control-risks">Risks treated (RSK-…, comma separated)</label>
        <input id="control-risks" value={risks} onChange={(e) => setRisks(e.target.value)} />
      </div>
      <ErrorBanner error={error} />
      {saved ? <p role="status">{saved}</p> : null}
      <button type="submit">Record control</button>
    </form>
  )
}

function ReviewControl({ control, onDone }: { control: SecurityControl; onDone: () => void }) {
  const [status, setStatus] = useState(control.status)
  const [effective, setEffective] = useState(true)
  const [notes, setNotes] = useState('')
  const [error, setError] = useState<unknown>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      await reviewControl(control.id, { status, effective, notes })
      setError(undefined)
      onDone()
    } catch (err) {
      setError(err)
    }
  }
  const id = `review-${control.id}`
  return (
    <form
      className="card"
      aria-label={`Review ${control.reference}`}
      onSubmit={(e) => void submit(e)}
    >
      <h3 style={{ marginTop: 0 }}>
        Review {control.reference} {control.name}
      </h3>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value)}>
          {controlStatuses.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label>
          <input
            type="checkbox"
            checked={effective}
            onChange={(e) => setEffective(e.target.checked)}
          />{' '}
          The control is effective
        </label>
      </div>
      <div className="field">
        <label htmlFor={`${id}-notes`}>Notes</label>
        <textarea
          id={`${id}-notes`}
          rows={2}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
        />
      </div>
      <ErrorBanner error={error} />
      <button type="submit">Record review</button>
    </form>
  )
}

function Controls({ user }: { user: User }) {
  const { data, error, loading, reload } = useApi<{ items: SecurityControl[] }>(
    '/security/controls',
  )
  const [reviewing, setReviewing] = useState<string>()
  const [reviewed, setReviewed] = useState<string>()
  const writer = isSecurityWriter(user)
  const canReview = (c: SecurityControl) => writer || c.owner === user.username
  const current = data?.items.find((c) => c.id === reviewing)
  return (
    <section aria-label="Controls register">
      <h2>Controls register (6.6.2)</h2>
      <ErrorBanner error={error} />
      {loading && !data ? <Loading /> : null}
      {data && !data.items.length ? <Empty>No controls yet.</Empty> : null}
      {reviewed ? <p role="status">{reviewed}</p> : null}
      {data?.items.length ? (
        <table className="data" aria-label="Controls">
          <thead>
            <tr>
              <th>Reference</th>
              <th>Control</th>
              <th>Owner</th>
              <th>Status</th>
              <th>Implementation</th>
              <th>Risks</th>
              <th>Next review</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((c) => (
              <tr key={c.id}>
                <td>{c.reference}</td>
                <td>
                  {c.name}
                  <div className="muted small">
                    {c.id} · {c.theme}
                  </div>
                </td>
                <td>{c.owner}</td>
                <td>
                  <StatusBadge status={c.status} />
                </td>
                <td>{c.implementation || '—'}</td>
                <td>{c.riskIds.join(', ') || '—'}</td>
                <td style={c.reviewDue ? { background: '#f7dca0', color: '#1a1a1a' } : undefined}>
                  {day(c.nextReviewAt)}
                  {c.reviewDue ? ' (review due)' : ''}
                  {c.lastReviewedBy ? (
                    <div className="muted small">
                      last by {c.lastReviewedBy}, {day(c.lastReviewedAt)}
                    </div>
                  ) : null}
                </td>
                <td>
                  {canReview(c) ? (
                    <button type="button" onClick={() => setReviewing(c.id)}>
                      Review {c.reference}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {current ? (
        <ReviewControl
          key={current.id}
          control={current}
          onDone={() => {
            setReviewed(`Review of ${current.reference} recorded.`)
            setReviewing(undefined)
            reload()
          }}
        />
      ) : null}
      {writer ? <NewControl user={user} onDone={reload} /> : null}
    </section>
  )
}

function Policy() {
  const { data, error } = useApi<{ items: SecurityPolicy[] }>('/security/policy')
  return (
    <section aria-label="Information security policy">
      <h2>Information security policy (6.6.1)</h2>
      <ErrorBanner error={error} />
      {data && !data.items.length ? (
        <Empty>
          No policy yet: register one of kind “security-policy” in the{' '}
          <Link href="/sms/documents">SMS documents</Link>.
        </Empty>
      ) : null}
      {data?.items.length ? (
        <table className="data" aria-label="Security policies">
          <thead>
            <tr>
              <th>Document</th>
              <th>Effective version</th>
              <th>Approved</th>
              <th>Acknowledged</th>
              <th>Next review</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link href={`/sms/documents/${p.id}`}>{p.title}</Link>
                </td>
                <td>{p.effectiveVersion ?? 'none'}</td>
                <td>{p.approvedBy ? `${p.approvedBy}, ${formatDateTime(p.approvedAt)}` : '—'}</td>
                <td>
                  {p.acknowledged} of {p.communicatedTo}
                </td>
                <td>{day(p.nextReviewAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}

function Risks() {
  const { data, error } = useApi<{ items: SecurityRisk[] }>('/security/risks')
  return (
    <section aria-label="Security risks">
      <h2>Security risks (6.6.1)</h2>
      <p className="muted">
        Assessed at planned intervals by the periodic risk review of the{' '}
        <Link href="/sms/risks">risk register</Link>.
      </p>
      <ErrorBanner error={error} />
      {data && !data.items.length ? <Empty>No security risks.</Empty> : null}
      {data?.items.length ? (
        <table className="data" aria-label="Security risks">
          <thead>
            <tr>
              <th>Risk</th>
              <th>Score</th>
              <th>Status</th>
              <th>Next review</th>
              <th>Controls</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.id} {r.title}
                </td>
                <td>{r.score}</td>
                <td>{r.status}</td>
                <td>
                  {day(r.nextReviewAt)}
                  {r.reviewDue ? ' (due)' : ''}
                </td>
                <td>{r.controls.map((c) => `${c.reference} (${c.status})`).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}

function Parties() {
  const { data, error } = useApi<{ items: PartyAccess[] }>('/security/party-access')
  return (
    <section aria-label="External parties' access">
      <h2>External parties’ access (6.6.2)</h2>
      <ErrorBanner error={error} />
      {data && !data.items.length ? <Empty>No external party has access.</Empty> : null}
      {data?.items.length ? (
        <table className="data" aria-label="Access of external parties">
          <thead>
            <tr>
              <th>Party</th>
              <th>Information</th>
              <th>Access</th>
              <th>Controls agreed</th>
              <th>Until</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((a) => (
              <tr key={a.id}>
                <td>
                  {a.partyName}
                  <div className="muted small">
                    {a.id} · {a.partyType}
                  </div>
                </td>
                <td>{a.information}</td>
                <td>{a.access}</td>
                <td>
                  {a.agreedControls}
                  <div className="muted small">{a.controlIds.join(', ')}</div>
                </td>
                <td>{day(a.validUntil)}</td>
                <td>{a.expired ? 'expired' : a.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}

function ChangesAndIncidents() {
  const changes = useApi<{ items: ChangeSecurity[] }>('/security/changes')
  const incidents = useApi<{ items: SecurityIncident[] }>('/security/incidents')
  const trends = useApi<SecurityTrends>('/security/incidents/trends')
  const elevated = changes.data?.items.filter((c) => c.elevated || !c.assessed) ?? []
  return (
    <>
      <section aria-label="Changes with security risk">
        <h2>Changes: security risk (6.6.3)</h2>
        <ErrorBanner error={changes.error} />
        {changes.data && !elevated.length ? (
          <Empty>No change with a high or unassessed security risk.</Empty>
        ) : null}
        {elevated.length ? (
          <table className="data" aria-label="Changes with high or unassessed security risk">
            <thead>
              <tr>
                <th>Change</th>
                <th>Class</th>
                <th>Security risk</th>
                <th>Effect on policy and controls</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {elevated.slice(0, 50).map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/cases/changes/${c.id}`}>{c.id}</Link> {c.title}
                  </td>
                  <td>{c.changeType ?? '—'}</td>
                  <td>{c.securityRisk ?? 'not yet assessed'}</td>
                  <td>{c.securityControlsEffect ?? '—'}</td>
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <section aria-label="Security incidents">
        <h2>Security incidents (6.6.3)</h2>
        <ErrorBanner error={incidents.error} />
        {incidents.data && !incidents.data.items.length ? (
          <Empty>No security incidents.</Empty>
        ) : null}
        {incidents.data?.items.length ? (
          <table className="data" aria-label="Security incidents">
            <thead>
              <tr>
                <th>Incident</th>
                <th>Priority</th>
                <th>Category</th>
                <th>Handling</th>
                <th>Reported to authorities</th>
              </tr>
            </thead>
            <tbody>
              {incidents.data.items.map((i) => (
                <tr key={i.incidentId}>
                  <td>
                    <Link href={`/cases/incidents/${i.incidentId}`}>{i.incidentId}</Link> {i.title}
                  </td>
                  <td>
                    {i.priority ? <PriorityBadge priority={i.priority} scale="level" /> : '—'}
                  </td>
                  <td>{i.category ?? '—'}</td>
                  <td>{i.status === 'handled' ? `handled by ${i.handledBy ?? ''}` : 'open'}</td>
                  <td>
                    {i.reportedToAuthorities === null
                      ? '—'
                      : i.reportedToAuthorities
                        ? `yes (${i.authority ?? ''})`
                        : 'no'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {trends.data?.lines.length ? (
          <table className="data" aria-label="Security incident trends">
            <caption>Type and volume over the last year</caption>
            <thead>
              <tr>
                <th>Month</th>
                <th>Category</th>
                <th>Incidents</th>
                <th>Priority 1–2</th>
                <th>Reported</th>
              </tr>
            </thead>
            <tbody>
              {trends.data.lines.map((l) => (
                <tr key={`${l.month}-${l.category}`}>
                  <td>{l.month}</td>
                  <td>{l.category}</td>
                  <td>{l.count}</td>
                  <td>{l.highPriority}</td>
                  <td>{l.reportedToAuthorities}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </>
  )
}

export default function SecurityPage({ user }: { user: User }) {
  return (
    <div>
      <h1>Information security</h1>
      <p className="muted">
        ISO/IEC 20000-1 6.6: the policy, the controls and their reviews, security risks, external
        parties’ access, the security risk of changes and security incidents.
      </p>
      <Policy />
      <Controls user={user} />
      <Risks />
      <Parties />
      <ChangesAndIncidents />
    </div>
  )
}
