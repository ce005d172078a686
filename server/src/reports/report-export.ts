/**
 * Exports of a stored report snapshot (6.2): CSV (one block per section) and a printable HTML
 * page with its charts as inline SVG. Both are made from the snapshot's stored content only, so
 * an export made today and one made next year are the same.
 */
import type { Cell, ChartSpec, ReportSection, ReportSnapshot } from './report-model'

const csvCell = (v: Cell): string => {
  if (v === null) return ''
  const s = String(v)
  // formula injection: a cell starting with = + - @ is shown as text by spreadsheets
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}
const csvLine = (cells: Cell[]) => cells.map(csvCell).join(',')

/** The snapshot as CSV: a header block, then per section its title, measure note and table. */
export function snapshotCsv(s: ReportSnapshot): string {
  const c = s.content
  const lines = [
    csvLine(['report', c.definition.name]),
    csvLine(['snapshot', s.id]),
    csvLine(['period from', c.period.from]),
    csvLine(['period to', c.period.to]),
    csvLine(['ran by', c.ranBy]),
    csvLine(['ran at', c.ranAt]),
    csvLine(['sha256', s.sha256]),
  ]
  for (const section of c.sections) {
    lines.push('', csvLine([`${section.clause} ${section.title}`]), csvLine([section.measuredAs]))
    lines.push(csvLine(section.columns.map((col) => col.label)))
    for (const row of section.rows)
      lines.push(csvLine(section.columns.map((col) => row[col.key] ?? null)))
  }
  return `${lines.join('\r\n')}\r\n`
}

const esc = (v: unknown) =>
  String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')

const COLORS = ['#0b5cad', '#1a6b34', '#8a5300', '#b3261e', '#6b3fa0', '#00796b']

/** A chart of a section as SVG text (bars or lines over the rows), or '' without data. */
export function chartSvg(section: ReportSection, chart: ChartSpec): string {
  const labels = section.rows.map((r) => String(r[chart.x] ?? ''))
  const series = chart.series.map((key) => ({
    key,
    label: section.columns.find((c) => c.key === key)?.label ?? key,
    values: section.rows.map((r) => Number(r[key] ?? 0)),
  }))
  if (labels.length === 0) return ''
  const w = Math.max(480, labels.length * (chart.kind === 'bar' ? 56 : 40) + 60)
  const h = 220
  const plot = h - 60
  const max = Math.max(1, ...series.flatMap((s) => s.values))
  const step = (w - 50) / labels.length
  const y = (v: number) => 10 + plot - (v / max) * plot
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${esc(chart.label)}" viewBox="0 0 ${w} ${h}" width="100%">`,
    `<title>${esc(chart.label)}</title>`,
    `<line x1="40" y1="${10 + plot}" x2="${w}" y2="${10 + plot}" stroke="#d0d7de"/>`,
    `<text x="0" y="16" font-size="11">${max}</text>`,
  ]
  labels.forEach((l, i) => {
    parts.push(
      `<text x="${40 + i * step + step / 2}" y="${plot + 26}" font-size="10" text-anchor="middle">${esc(l.slice(0, 10))}</text>`,
    )
  })
  series.forEach((s, si) => {
    const color = COLORS[si % COLORS.length]!
    if (chart.kind === 'bar') {
      const bw = (step * 0.8) / series.length
      s.values.forEach((v, i) => {
        const x = 40 + i * step + step * 0.1 + si * bw
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${bw.toFixed(1)}" height="${(10 + plot - y(v)).toFixed(1)}" fill="${color}"><title>${esc(labels[i])} ${esc(s.label)}: ${v}</title></rect>`,
        )
      })
    } else {
      const pts = s.values.map(
        (v, i) => `${(40 + i * step + step / 2).toFixed(1)},${y(v).toFixed(1)}`,
      )
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`,
      )
      s.values.forEach((v, i) => {
        parts.push(
          `<circle cx="${(40 + i * step + step / 2).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"><title>${esc(labels[i])} ${esc(s.label)}: ${v}</title></circle>`,
        )
      })
    }
    parts.push(
      `<rect x="${40 + si * 120}" y="${h - 14}" width="10" height="10" fill="${color}"/><text x="${54 + si * 120}" y="${h - 5}" font-size="11">${esc(s.label)}</text>`,
    )
  })
  parts.push('</svg>')
  return parts.join('')
}

/** The snapshot as a self-contained printable HTML page (no scripts, charts inline). */
export function snapshotHtml(s: ReportSnapshot): string {
  const c = s.content
  const sections = c.sections
    .map((section) => {
      const head = section.columns.map((col) => `<th>${esc(col.label)}</th>`).join('')
      const body = section.rows
        .map(
          (row) =>
            `<tr>${section.columns.map((col) => `<td>${esc(row[col.key] ?? '')}</td>`).join('')}</tr>`,
        )
        .join('')
      return `<section><h2>${esc(section.clause)} ${esc(section.title)}</h2>
<p class="how">${esc(section.measuredAs)}</p>
${section.chart ? chartSvg(section, section.chart) : ''}
<table><thead><tr>${head}</tr></thead><tbody>${body || `<tr><td colspan="${section.columns.length}">No records in the period.</td></tr>`}</tbody></table></section>`
    })
    .join('\n')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(c.definition.name)} — ${esc(s.id)}</title>
<style>
body{font:13px system-ui,sans-serif;margin:2em;color:#1f2328}
table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}
th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left}
th{background:#f6f8fa}.how{color:#57606a;font-size:12px}
svg.chart{max-width:900px;display:block}
@media print{section{break-inside:avoid}}
</style></head><body>
<h1>${esc(c.definition.name)}</h1>
<p>For: ${esc(c.definition.audience)} · Period ${esc(c.period.from)} to ${esc(c.period.to)} (end exclusive) · Run by ${esc(c.ranBy)} at ${esc(c.ranAt)}</p>
<p>Snapshot ${esc(s.id)} · SHA-256 ${esc(s.sha256)} · evidence entry ${esc(s.evidenceSeq)}</p>
${sections}
</body></html>
`
}
