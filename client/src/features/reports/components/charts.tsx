/** Inline SVG charts: no chart library, accessible names, values in <title> tooltips. */

/** A vertical bar chart; `danger` bars are drawn red. */
export function BarChart({
  label,
  data,
  height = 180,
}: {
  label: string
  data: { label: string; value: number; danger?: boolean }[]
  height?: number
}) {
  if (data.length === 0) return <p className="muted">No data yet.</p>
  const w = Math.max(360, data.length * 64)
  const max = Math.max(1, ...data.map((d) => d.value))
  const plot = height - 36
  const bw = (w - 40) / Math.max(1, data.length)
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${w} ${height}`}
      width="100%"
      role="img"
      aria-label={label}
    >
      <line x1={30} y1={plot + 4} x2={w} y2={plot + 4} stroke="#d0d7de" />
      <text x={0} y={12}>
        {max}
      </text>
      {data.map((d, i) => {
        const h = (d.value / max) * (plot - 8)
        const x = 34 + i * bw
        return (
          <g key={d.label}>
            <rect
              className={`bar${d.danger ? ' breach' : ''}`}
              x={x}
              y={plot + 4 - h}
              width={bw * 0.7}
              height={h}
            >
              <title>
                {d.label}: {d.value}
              </title>
            </rect>
            <text x={x + bw * 0.35} y={plot + 18} textAnchor="middle">
              {d.label.slice(0, 10)}
            </text>
            <text x={x + bw * 0.35} y={plot - h} textAnchor="middle">
              {d.value}
            </text>
          </g>
        )
      })}
    </svg>
  )
}

/** One or more series over the same x labels. */
export function LineChart({
  label,
  labels,
  series,
  height = 200,
}: {
  label: string
  labels: string[]
  series: { name: string; values: number[]; color: string }[]
  height?: number
}) {
  const w = 640
  const max = Math.max(1, ...series.flatMap((s) => s.values))
  const plot = height - 40
  const x = (i: number) => 36 + (i * (w - 50)) / Math.max(1, labels.length - 1)
  const y = (v: number) => plot - (v / max) * (plot - 10) + 4
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${w} ${height}`}
      width="100%"
      role="img"
      aria-label={label}
    >
      <line x1={32} y1={plot + 4} x2={w} y2={plot + 4} stroke="#d0d7de" />
      <text x={0} y={14}>
        {max}
      </text>
      {labels.map((l, i) =>
        i % Math.ceil(labels.length / 8) === 0 ? (
          <text key={l} x={x(i)} y={plot + 20} textAnchor="middle">
            {l}
          </text>
        ) : null,
      )}
      {series.map((s, si) => (
        <g key={s.name}>
          <polyline
            className="line"
            style={{ stroke: s.color }}
            points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}
          />
          {s.values.map((v, i) => (
            <circle key={i} cx={x(i)} cy={y(v)} r={3} fill={s.color}>
              <title>
                {s.name} {labels[i]}: {v}
              </title>
            </circle>
          ))}
          <rect x={40 + si * 150} y={height - 14} width={10} height={10} fill={s.color} />
          <text x={54 + si * 150} y={height - 5}>
            {s.name}
          </text>
        </g>
      ))}
    </svg>
  )
}
