/**
 * Capacity for service owners (ISO/IEC 20000-1 6.5): requirements per service and CI with demand,
 * forecast, thresholds and the latest utilisation, and a CSV import of measurements (all rows or
 * none: each bad row is named). A critical utilisation raises an incident or a change; capacity
 * reviews run as the capacity-review procedure (tasks in the owners' inbox).
 */
import { useState, type FormEvent } from 'react'
import { ApiError } from '../../../lib/api'
import { formatDateTime } from '../../../lib/format'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { importMeasurements, type CapacityRequirement } from '../api/continuity'

const colour = (level: string | undefined) =>
  level === 'critical' ? '#f4b4b4' : level === 'warning' ? '#f7dca0' : undefined

function Import({ onDone }: { onDone: () => void }) {
  const [csv, setCsv] = useState('requirementId,measuredAt,value\n')
  const [error, setError] = useState<unknown>()
  const [result, setResult] = useState<string>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      const r = await importMeasurements(csv)
      setResult(
        `${r.stored} measurements stored${r.raised.length ? `; raised ${r.raised.join(', ')}` : ''}.`,
      )
      setError(undefined)
      onDone()
    } catch (err) {
      setResult(undefined)
      setError(err)
    }
  }
  const rows = error instanceof ApiError ? error.errors : []
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="Import utilisation">
      <h2 style={{ marginTop: 0 }}>Import utilisation (CSV)</h2>
      <div className="field">
        <label htmlFor="capacity-csv">
          requirementId,measuredAt,value — one measurement a line
        </label>
        <textarea id="capacity-csv" rows={6} value={csv} onChange={(e) => setCsv(e.target.value)} />
      </div>
      <ErrorBanner error={error} />
      {rows.length ? (
        <ul aria-label="Rows refused">
          {rows.map((r) => (
            <li key={r.path}>{r.message}</li>
          ))}
        </ul>
      ) : null}
      {result ? <p role="status">{result}</p> : null}
      <button type="submit">Import</button>
    </form>
  )
}

export default function CapacityPage() {
  const { data, error, loading, reload } = useApi<{ items: CapacityRequirement[] }>(
    '/capacity/requirements',
  )
  return (
    <div>
      <h1>Capacity</h1>
      <p className="muted">
        ISO/IEC 20000-1 6.5: capacity requirements, utilisation against thresholds (a critical one
        raises an incident or a change) and periodic reviews.
      </p>
      <ErrorBanner error={error} />
      {loading && !data ? <Loading /> : null}
      {data && !data.items.length ? <Empty>No capacity requirements yet.</Empty> : null}
      {data?.items.length ? (
        <table className="data" aria-label="Capacity requirements">
          <thead>
            <tr>
              <th>Id</th>
              <th>Service / CI</th>
              <th>Metric</th>
              <th>Capacity</th>
              <th>Demand now → forecast</th>
              <th>Thresholds (warn / critical %)</th>
              <th>Latest utilisation</th>
              <th>On breach</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((r) => (
              <tr key={r.id}>
                <td>{r.id}</td>
                <td>{r.serviceId ?? r.ciId}</td>
                <td>
                  {r.metric}
                  <div className="muted small">{r.performanceTarget}</div>
                </td>
                <td>
                  {r.capacity} {r.unit}
                </td>
                <td>
                  {r.currentDemand} → {r.forecastDemand} by {r.forecastDate}
                </td>
                <td>
                  {r.warningPercent} / {r.criticalPercent}
                </td>
                <td style={{ background: colour(r.latest?.level), color: '#1a1a1a' }}>
                  {r.latest
                    ? `${r.latest.utilisationPercent}% (${r.latest.level}) ${formatDateTime(r.latest.measuredAt)}`
                    : '—'}
                  {r.latest?.raisedCaseId ? ` → ${r.latest.raisedCaseId}` : ''}
                </td>
                <td>{r.breachAction}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Import onDone={reload} />
    </div>
  )
}
