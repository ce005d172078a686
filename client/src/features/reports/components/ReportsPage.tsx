/**
 * Service reports (ISO/IEC 20000-1 6.2): report definitions (what, which period, for whom,
 * monthly or not), running one on the server over all records, and the stored snapshots, each
 * shown again exactly as it was run and exported as CSV or printable HTML. Managers define and
 * run reports; auditors open stored snapshots read-only.
 */
import { useEffect, useState, type FormEvent } from 'react'
import { formatDateTime } from '../../../lib/format'
import { navigate, setQuery } from '../../../lib/router'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import {
  allSections,
  createDefinition,
  isReportManager,
  runDefinition,
  type ReportDefinition,
  type ReportSnapshot,
  type SnapshotSummary,
} from '../api/reports'
import { SnapshotView } from './SnapshotView'

function NewDefinition({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('Monthly service report')
  const [audience, setAudience] = useState('Customer service review')
  const [period, setPeriod] = useState<'previous-month' | 'current-month'>('previous-month')
  const [monthly, setMonthly] = useState(true)
  const [error, setError] = useState<unknown>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      await createDefinition({
        name,
        audience,
        sections: allSections,
        period: { kind: period },
        granularity: 'week',
        schedule: monthly && period === 'previous-month' ? 'monthly' : 'none',
      })
      setError(undefined)
      onCreated()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="Define a report">
      <h2 style={{ marginTop: 0 }}>Define a report</h2>
      <div className="row" style={{ alignItems: 'end', flexWrap: 'wrap' }}>
        <div className="field">
          <label htmlFor="report-name">Name</label>
          <input id="report-name" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="report-audience">Audience</label>
          <input
            id="report-audience"
            value={audience}
            onChange={(e) => setAudience(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="report-period">Period</label>
          <select
            id="report-period"
            value={period}
            onChange={(e) => setPeriod(e.target.value as typeof period)}
          >
            <option value="previous-month">Previous month</option>
            <option value="current-month">Current month so far</option>
          </select>
        </div>
        <label>
          <input
            type="checkbox"
            checked={monthly && period === 'previous-month'}
            disabled={period !== 'previous-month'}
            onChange={(e) => setMonthly(e.target.checked)}
          />{' '}
          Run monthly by itself
        </label>
        <button type="submit">Define report</button>
      </div>
      <ErrorBanner error={error} />
    </form>
  )
}

function Definitions({ manager, onRun }: { manager: boolean; onRun: (s: ReportSnapshot) => void }) {
  const list = useApi<{ items: ReportDefinition[] }>('/reports/definitions')
  const [running, setRunning] = useState<string>()
  const [error, setError] = useState<unknown>()
  async function run(id: string) {
    setRunning(id)
    try {
      onRun(await runDefinition(id))
      setError(undefined)
    } catch (err) {
      setError(err)
    } finally {
      setRunning(undefined)
    }
  }
  const items = list.data?.items ?? []
  return (
    <section className="card" aria-labelledby="report-definitions">
      <h2 id="report-definitions" style={{ marginTop: 0 }}>
        Report definitions
      </h2>
      {manager && <NewDefinition onCreated={list.reload} />}
      <ErrorBanner error={list.error ?? error} />
      {list.loading && !list.data && <Loading />}
      {list.data && items.length === 0 && <Empty>No report defined yet.</Empty>}
      <ul className="list-plain">
        {items.map((d) => (
          <li key={d.id} className="row">
            <strong>{d.id}</strong> {d.name}
            <span className="muted small">
              for {d.audience} · {d.period.kind}
              {d.schedule === 'monthly' && d.nextRunAt
                ? ` · monthly, next ${formatDateTime(d.nextRunAt)}`
                : ''}
            </span>
            {manager && (
              <button
                onClick={() => void run(d.id)}
                disabled={running !== undefined}
                aria-label={`Run ${d.name}`}
              >
                {running === d.id ? 'Running…' : 'Run now'}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}

function Snapshots({ tick, openId }: { tick: number; openId: string | null }) {
  const list = useApi<{ items: SnapshotSummary[] }>('/reports/snapshots')
  const { reload } = list
  useEffect(() => {
    if (tick) reload()
  }, [tick, reload])
  const items = list.data?.items ?? []
  return (
    <section className="card" aria-labelledby="report-snapshots">
      <h2 id="report-snapshots" style={{ marginTop: 0 }}>
        Stored reports
      </h2>
      <ErrorBanner error={list.error} />
      {list.data && items.length === 0 && <Empty>No report run yet.</Empty>}
      <table className="data" aria-label="Stored reports">
        <thead>
          <tr>
            <th>Snapshot</th>
            <th>Report</th>
            <th>Period from</th>
            <th>Run by</th>
            <th>Run at</th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id} aria-current={s.id === openId ? 'true' : undefined}>
              <td>
                <button className="link" onClick={() => setQuery({ snapshot: s.id })}>
                  {s.id}
                </button>
              </td>
              <td>{s.definitionName}</td>
              <td>{formatDateTime(s.period.from)}</td>
              <td>{s.ranBy}</td>
              <td>{formatDateTime(s.ranAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

function OpenSnapshot({ id }: { id: string }) {
  const s = useApi<ReportSnapshot>(`/reports/snapshots/${encodeURIComponent(id)}`)
  return (
    <>
      <ErrorBanner error={s.error} />
      {s.loading && !s.data && <Loading />}
      {s.data && s.data.id === id && <SnapshotView snapshot={s.data} />}
    </>
  )
}

export default function ReportsPage({
  user,
  snapshotId,
}: {
  user: User
  snapshotId: string | null
}) {
  const manager = isReportManager(user)
  const [tick, setTick] = useState(0)
  return (
    <div>
      <h1>Service reports</h1>
      <p className="muted small">
        Computed on the server over all records of the period; every run is stored as a snapshot
        with its SHA-256 in the evidence trail and can be shown again unchanged.
      </p>
      <Definitions
        manager={manager}
        onRun={(s) => {
          setTick((t) => t + 1)
          navigate(`/reports?snapshot=${encodeURIComponent(s.id)}`)
        }}
      />
      <Snapshots tick={tick} openId={snapshotId} />
      {snapshotId && <OpenSnapshot id={snapshotId} />}
    </div>
  )
}
