/** A CI and its relations drawn as a radial graph (inline SVG, keyboard-reachable links). */
import { formatValue } from '../../../lib/format'
import { navigate } from '../../../lib/router'
import { field, type CaseRecord } from '../api/cases'

interface Edge {
  id: string
  label: string
  type: string
  kind: string
  outgoing: boolean
}

/** Relations arrive in several shapes; this picks the other end of each. */
function edgesOf(ciId: string, relations: CaseRecord[]): Edge[] {
  return relations.map((r) => {
    const from = String(field(r, 'fromCiId') ?? field(r, 'sourceId') ?? field(r, 'ciId') ?? '')
    const to = String(
      field(r, 'toCiId') ?? field(r, 'targetId') ?? field(r, 'toId') ?? field(r, 'serviceId') ?? '',
    )
    const outgoing = from === ciId || from === ''
    const other = outgoing ? to : from
    const kind = field(r, 'serviceId') && !field(r, 'toCiId') ? 'services' : 'cis'
    return {
      id: other,
      label: formatValue(field(r, 'name') ?? field(r, 'otherName') ?? other),
      type: formatValue(field(r, 'relationType') ?? field(r, 'type')),
      kind,
      outgoing,
    }
  })
}

export function CiGraph({
  ciId,
  name,
  relations,
}: {
  ciId: string
  name: string
  relations: CaseRecord[]
}) {
  const edges = edgesOf(ciId, relations)
  const w = 640
  const h = 360
  const cx = w / 2
  const cy = h / 2
  const r = Math.min(cx, cy) - 50
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      width="100%"
      role="img"
      aria-label={`Relations of ${name}`}
      className="chart"
    >
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="10"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto-start-reverse"
        >
          <path d="M0,0 L10,5 L0,10 z" fill="#8c959f" />
        </marker>
      </defs>
      {edges.map((e, i) => {
        const a = (2 * Math.PI * i) / Math.max(1, edges.length) - Math.PI / 2
        const x = cx + r * Math.cos(a)
        const y = cy + r * Math.sin(a)
        return (
          <g key={`${e.id}-${i}`}>
            <line
              x1={cx}
              y1={cy}
              x2={x}
              y2={y}
              stroke="#8c959f"
              markerEnd={e.outgoing ? 'url(#arrow)' : undefined}
              markerStart={e.outgoing ? undefined : 'url(#arrow)'}
            />
            <text x={(cx + x) / 2} y={(cy + y) / 2 - 4} textAnchor="middle">
              {e.type}
            </text>
            <a
              href={`/cases/${e.kind}/${encodeURIComponent(e.id)}`}
              onClick={(ev) => {
                ev.preventDefault()
                navigate(`/cases/${e.kind}/${encodeURIComponent(e.id)}`)
              }}
            >
              <rect
                x={x - 60}
                y={y - 16}
                width={120}
                height={32}
                rx={6}
                fill="#fff"
                stroke="#0b5cad"
              />
              <text x={x} y={y + 4} textAnchor="middle" style={{ fill: '#161b22' }}>
                {e.label.slice(0, 18)}
              </text>
            </a>
          </g>
        )
      })}
      <rect
        x={cx - 70}
        y={cy - 18}
        width={140}
        height={36}
        rx={6}
        fill="#e3efff"
        stroke="#0b5cad"
        strokeWidth={2}
      />
      <text x={cx} y={cy + 4} textAnchor="middle" style={{ fill: '#161b22', fontWeight: 600 }}>
        {name.slice(0, 20)}
      </text>
    </svg>
  )
}
