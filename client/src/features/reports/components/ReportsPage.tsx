/**
 * Service reports (ISO/IEC 20000-1 6.2, 8.3.3): performance against SLA targets per service and
 * priority, major incidents, workload over time, trends, nonconformities, complaints. Charts are
 * inline SVG; every table exports as CSV.
 */
import { useMemo, type ReactNode } from 'react'
import { download, formatDateTime, toCsv } from '../../../lib/format'
import { ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { get, lastWeeks, majorIncidents, perWeek, slaPerformance, type Row } from '../api/metrics'
import { BarChart, LineChart } from './charts'

const list = (v: unknown): Row[] =>
  Array.isArray(v)
    ? (v as Row[])
    : Array.isArray((v as { items?: unknown })?.items)
      ? (v as { items: Row[] }).items
      : []

function useRows(kind: string) {
  const s = useApi<unknown>(`/${kind}?limit=200`)
  return { rows: list(s.data), loading: s.loading, error: s.error }
}

function Section({
  id,
  title,
  csv,
  children,
}: {
  id: string
  title: string
  csv?: () => (string | number | null)[][]
  children: ReactNode
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <div className="row">
        <h2 id={id} style={{ margin: 0 }}>
          {title}
        </h2>
        <span className="spacer" />
        {csv && (
          <button
            onClick={() => download(`${id}.csv`, toCsv(csv()), 'text/csv')}
            aria-label={`Export CSV of ${title}`}
          >
            Export CSV
          </button>
        )}
      </div>
      {children}
    </section>
  )
}

export default function ReportsPage() {
  const incidents = useRows('incidents')
  const requests = useRows('service-requests')
  const changes = useRows('changes')
  const findings = useRows('audit-findings')
  const complaints = useRows('complaints')
  const slas = useRows('slas')
  const services = useRows('services')
  const weeks = useMemo(() => lastWeeks(12), [])
  const names = useMemo(
    () => new Map(services.rows.map((s) => [String(s.id), String(get(s, 'name') ?? s.id)])),
    [services.rows],
  )
  const sla = useMemo(
    () => slaPerformance(incidents.rows, slas.rows, names),
    [incidents.rows, slas.rows, names],
  )
  const majors = majorIncidents(incidents.rows)
  const workload = [
    { name: 'Incidents', values: perWeek(incidents.rows, weeks, 'createdAt'), color: '#0b5cad' },
    { name: 'Requests', values: perWeek(requests.rows, weeks, 'createdAt'), color: '#1a6b34' },
    { name: 'Changes', values: perWeek(changes.rows, weeks, 'createdAt'), color: '#8a5300' },
  ]
  const trend = [
    { name: 'Opened', values: perWeek(incidents.rows, weeks, 'createdAt'), color: '#b42318' },
    {
      name: 'Closed',
      values: perWeek(incidents.rows, weeks, 'closedAt', 'resolvedAt'),
      color: '#1a6b34',
    },
  ]
  const byType = new Map<string, number>()
  for (const f of findings.rows) {
    const t = String(get(f, 'findingType') ?? 'unclassified')
    byType.set(t, (byType.get(t) ?? 0) + 1)
  }
  const errors = [incidents, requests, changes, findings, complaints, slas, services]
    .map((s) => s.error)
    .find(Boolean)
  const loading = [incidents, slas].some((s) => s.loading && !s.rows.length)
  const shortWeek = (w: string) => w.slice(5)
  return (
    <div>
      <h1>Service reports</h1>
      <p className="muted small">
        Figures from the last 200 cases of each kind; weeks start on Monday.
      </p>
      <ErrorBanner error={errors} />
      {loading && <Loading />}
      <div className="grid-2">
        <Section
          id="sla-performance"
          title="Performance against SLA targets"
          csv={() => [
            ['service', 'priority', 'total', 'resolved', 'met', 'breached', 'percentMet'],
            ...sla.map((r) => [
              r.service,
              r.priority,
              r.total,
              r.resolved,
              r.met,
              r.breached,
              r.percentMet,
            ]),
          ]}
        >
          <BarChart
            label="Share of resolved incidents within the resolution target, per service and priority"
            data={sla.map((r) => ({
              label: `${r.service} P${r.priority}`,
              value: r.percentMet ?? 0,
              danger: (r.percentMet ?? 100) < 90,
            }))}
          />
          <table className="data" aria-label="SLA performance">
            <thead>
              <tr>
                <th>Service</th>
                <th>Priority</th>
                <th>Total</th>
                <th>Resolved</th>
                <th>Met</th>
                <th>Breached</th>
                <th>% met</th>
              </tr>
            </thead>
            <tbody>
              {sla.map((r) => (
                <tr key={`${r.service}-${r.priority}`}>
                  <td>{r.service}</td>
                  <td>P{r.priority}</td>
                  <td>{r.total}</td>
                  <td>{r.resolved}</td>
                  <td>{r.met}</td>
                  <td className={r.breached ? 'error' : ''}>{r.breached}</td>
                  <td>{r.percentMet === null ? '—' : `${r.percentMet}%`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section
          id="major-incidents"
          title={`Major incidents (${majors.length})`}
          csv={() => [
            ['id', 'title', 'status', 'createdAt', 'closedAt'],
            ...majors.map((m) => [
              String(m.id),
              String(get(m, 'title') ?? ''),
              String(get(m, 'status') ?? ''),
              String(get(m, 'createdAt') ?? ''),
              String(get(m, 'closedAt') ?? ''),
            ]),
          ]}
        >
          <ul className="list-plain small">
            {majors.slice(0, 15).map((m) => (
              <li key={String(m.id)}>
                <strong>{String(m.id)}</strong> {String(get(m, 'title') ?? '')} ·{' '}
                {String(get(m, 'status') ?? '')} · {formatDateTime(get(m, 'createdAt') as string)}
              </li>
            ))}
            {majors.length === 0 && <li className="muted">None.</li>}
          </ul>
        </Section>
        <Section
          id="workload"
          title="Workload per week"
          csv={() => [
            ['week', ...workload.map((s) => s.name)],
            ...weeks.map((w, i) => [w, ...workload.map((s) => s.values[i] ?? 0)]),
          ]}
        >
          <LineChart
            label="Cases created per week"
            labels={weeks.map(shortWeek)}
            series={workload}
          />
        </Section>
        <Section
          id="incident-trend"
          title="Incident trend: opened vs closed"
          csv={() => [
            ['week', 'opened', 'closed'],
            ...weeks.map((w, i) => [w, trend[0]!.values[i] ?? 0, trend[1]!.values[i] ?? 0]),
          ]}
        >
          <LineChart
            label="Incidents opened and closed per week"
            labels={weeks.map(shortWeek)}
            series={trend}
          />
        </Section>
        <Section
          id="nonconformities"
          title="Audit findings by type"
          csv={() => [['type', 'count'], ...[...byType].map(([t, n]) => [t, n])]}
        >
          <BarChart
            label="Audit findings by type"
            data={[...byType].map(([label, value]) => ({
              label,
              value,
              danger: label === 'nonconformity',
            }))}
          />
        </Section>
        <Section
          id="complaints"
          title="Complaints per week (customer satisfaction)"
          csv={() => [
            ['week', 'complaints'],
            ...weeks.map((w, i) => [w, perWeek(complaints.rows, weeks, 'createdAt')[i] ?? 0]),
          ]}
        >
          <LineChart
            label="Complaints per week"
            labels={weeks.map(shortWeek)}
            series={[
              {
                name: 'Complaints',
                values: perWeek(complaints.rows, weeks, 'createdAt'),
                color: '#b42318',
              },
            ]}
          />
        </Section>
      </div>
    </div>
  )
}
