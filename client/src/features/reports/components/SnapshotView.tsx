/**
 * One stored report snapshot (6.2), shown exactly as the server stored it: who ran it, when,
 * for which period, its SHA-256 (also in the evidence trail), each section's table with how it
 * is measured, its chart, and links to the CSV and printable HTML exports.
 */
import { formatDateTime } from '../../../lib/format'
import type { ReportSection, ReportSnapshot } from '../api/reports'
import { exportUrl } from '../api/reports'
import { BarChart, LineChart } from './charts'

const COLORS = ['#0b5cad', '#1a6b34', '#8a5300', '#b3261e', '#6b3fa0']

function SectionChart({ section }: { section: ReportSection }) {
  const chart = section.chart
  if (!chart || section.rows.length === 0) return null
  const labelOf = (key: string) => section.columns.find((c) => c.key === key)?.label ?? key
  const xs = section.rows.map((r) => String(r[chart.x] ?? ''))
  if (chart.kind === 'line') {
    return (
      <LineChart
        label={chart.label}
        labels={xs.map((x) => x.slice(5))}
        series={chart.series.map((key, i) => ({
          name: labelOf(key),
          values: section.rows.map((r) => Number(r[key] ?? 0)),
          color: COLORS[i % COLORS.length]!,
        }))}
      />
    )
  }
  const key = chart.series[0]!
  return (
    <BarChart
      label={chart.label}
      data={section.rows.map((r, i) => ({
        label: `${xs[i]}${xs.indexOf(xs[i]!) !== i ? ` (${i})` : ''}`,
        value: Number(r[key] ?? 0),
      }))}
    />
  )
}

function SectionView({ section }: { section: ReportSection }) {
  const id = `report-${section.id}`
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id} style={{ marginTop: 0 }}>
        {section.clause} {section.title}
      </h2>
      <p className="muted small">{section.measuredAs}</p>
      <SectionChart section={section} />
      <div style={{ overflowX: 'auto' }}>
        <table className="data" aria-label={section.title}>
          <thead>
            <tr>
              {section.columns.map((c) => (
                <th key={c.key}>{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {section.rows.map((r, i) => (
              <tr key={i}>
                {section.columns.map((c) => (
                  <td key={c.key}>{r[c.key] === null ? '—' : String(r[c.key])}</td>
                ))}
              </tr>
            ))}
            {section.rows.length === 0 && (
              <tr>
                <td colSpan={section.columns.length} className="muted">
                  No records in the period.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  )
}

export function SnapshotView({ snapshot }: { snapshot: ReportSnapshot }) {
  const c = snapshot.content
  return (
    <article aria-label={`Report snapshot ${snapshot.id}`}>
      <h2>
        {c.definition.name} <span className="muted small">{snapshot.id}</span>
      </h2>
      <p className="small">
        For {c.definition.audience} · period {formatDateTime(c.period.from)} to{' '}
        {formatDateTime(c.period.to)} (end exclusive) · run by <strong>{c.ranBy}</strong> at{' '}
        <time dateTime={c.ranAt}>{formatDateTime(c.ranAt)}</time>
      </p>
      <p className="small muted">
        SHA-256 <code data-testid="snapshot-sha256">{snapshot.sha256}</code> · evidence entry{' '}
        {snapshot.evidenceSeq}
      </p>
      <p className="row">
        <a href={exportUrl(snapshot.id, 'csv')} download={`${snapshot.id}.csv`}>
          Export CSV
        </a>
        <a href={exportUrl(snapshot.id, 'html')} target="_blank" rel="noreferrer">
          Printable HTML
        </a>
      </p>
      <div className="grid-2">
        {c.sections.map((s) => (
          <SectionView key={s.id} section={s} />
        ))}
      </div>
    </article>
  )
}
