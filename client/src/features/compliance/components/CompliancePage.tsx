/**
 * Compliance (ISO/IEC 20000-1:2011 clauses 4–9), for auditors and SMS managers: per requirement,
 * the procedure steps, records and documents carrying it, the evidence of the period, the tests
 * proving it and its status; each row opens the requirement's drill-down. The audit pack of the
 * period and the chosen clauses is exported from here.
 */
import { useState } from 'react'
import { Link } from '../../../lib/router'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import {
  clauses,
  dayOffset,
  periodQuery,
  statusLabel,
  type ComplianceStatus,
  type Matrix,
} from '../api/compliance'

const badge: Record<ComplianceStatus, string> = {
  evidenced: 'badge ok',
  'no-evidence': 'badge warn',
  'not-carried': 'badge danger',
}

function AuditPackForm({ query, clause }: { query: string; clause: string }) {
  const [size, setSize] = useState(3)
  const [seed, setSeed] = useState('')
  const pack = (format: string) =>
    `/api/compliance/audit-pack?${query}&sampleSize=${size}&format=${format}${clause ? `&clauses=${clause}` : ''}${seed ? `&seed=${encodeURIComponent(seed)}` : ''}`
  return (
    <form className="toolbar" aria-label="Audit pack" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="pack-size">Samples per requirement</label>
        <input
          id="pack-size"
          type="number"
          min={1}
          max={50}
          value={size}
          onChange={(e) => setSize(Math.max(1, Math.min(50, Number(e.target.value) || 1)))}
        />
      </div>
      <div className="field">
        <label htmlFor="pack-seed">Seed (empty: a new one, stated in the pack)</label>
        <input
          id="pack-seed"
          value={seed}
          pattern="[A-Za-z0-9_-]{1,64}"
          onChange={(e) => setSeed(e.target.value)}
        />
      </div>
      <a className="btn" href={pack('html')} target="_blank" rel="noreferrer">
        Audit pack (printable)
      </a>
      <a className="btn" href={pack('json')} download="audit-pack.json">
        Audit pack (JSON)
      </a>
    </form>
  )
}

export default function CompliancePage({ clause: initial }: { clause?: string | null }) {
  const [clause, setClause] = useState(initial ?? '')
  const [from, setFrom] = useState(dayOffset(365))
  const [to, setTo] = useState(dayOffset(-1))
  const [status, setStatus] = useState('')
  const query = periodQuery(from, to)
  const matrix = useApi<Matrix>(`/compliance/matrix?${query}${clause ? `&clause=${clause}` : ''}`)
  const rows = (matrix.data?.items ?? []).filter((r) => !status || r.status === status)
  return (
    <div>
      <div className="row">
        <h1>Compliance</h1>
        <span className="spacer" />
        <Link className="btn" href="/compliance-gaps">
          Gaps
        </Link>
      </div>
      <p className="small muted">
        ISO/IEC 20000-1:2011, clauses 4–9: where each requirement is carried and the evidence of the
        period that it is met.
      </p>
      <div className="toolbar" role="search" aria-label="Filter the matrix">
        <div className="field">
          <label htmlFor="c-clause">Clause</label>
          <select id="c-clause" value={clause} onChange={(e) => setClause(e.target.value)}>
            <option value="">All</option>
            {clauses.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="c-from">From</label>
          <input id="c-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="c-to">To</label>
          <input id="c-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="c-status">Status</label>
          <select id="c-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All</option>
            {Object.entries(statusLabel).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
      </div>
      <AuditPackForm query={query} clause={clause} />
      <ErrorBanner error={matrix.error} />
      {matrix.loading && !matrix.data && <Loading />}
      {(matrix.data?.unknownIds.length ?? 0) > 0 && (
        <div className="banner error" role="alert">
          Unknown requirement ids:{' '}
          {matrix.data!.unknownIds.map((u) => `${u.id} (${u.ref})`).join(', ')}
        </div>
      )}
      {matrix.data && rows.length === 0 && <Empty>No requirements match.</Empty>}
      {rows.length > 0 && (
        <table className="data" aria-label="Compliance matrix">
          <thead>
            <tr>
              <th>Requirement</th>
              <th>What it asks</th>
              <th>Procedures and elements</th>
              <th>Records and documents</th>
              <th>Evidence in the period</th>
              <th>Tests</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-requirement={r.id}>
                <td>
                  <Link href={`/compliance/${r.id}?${query}`}>{r.id}</Link>
                  {r.iso2018 && <div className="small muted">2018: {r.iso2018}</div>}
                </td>
                <td>
                  {r.summary}
                  {r.kind === 'conduct' && (
                    <div className="small muted">People’s conduct; recorded: {r.recordable}</div>
                  )}
                </td>
                <td className="small">
                  {r.elements.map((e) => `${e.label} (${e.evidence ?? 0})`).join('; ') || '—'}
                </td>
                <td className="small">
                  {r.records
                    .map((e) => `${e.label}${e.evidence !== null ? ` (${e.evidence})` : ''}`)
                    .join('; ') || '—'}
                </td>
                <td className="small">
                  {r.counts.total} — instances {r.counts.instances}, records {r.counts.records},
                  documents {r.counts.documents}, reviews {r.counts.reviews}, reports{' '}
                  {r.counts.reports}
                </td>
                <td className="small">{r.tests.length}</td>
                <td>
                  <span className={badge[r.status]}>{statusLabel[r.status]}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
