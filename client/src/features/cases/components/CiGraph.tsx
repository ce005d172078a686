/** A CI and its relations drawn as a radial graph (inline SVG, keyboard-reachable links). */
import { formatValue } from '../../../lib/format'
import { navigate } from '../../../lib/router'
import { field, type CaseRecord } from '../api/cases'

export interface Edge {
  id: string
  label: string
  type: string
  kind: string
  outgoing: boolean
}

const plural = (kind: string) => (kind === 'ci' ? 'cis' : kind.endsWith('s') ? kind : `${kind}s`)

/** Relations as `{outgoing, incoming}` (or a flat list); the other end of each becomes a node. */
export function edgesOf(ciId: string, relations: unknown): Edge[] {
  const r = (relations ?? {}) as { outgoing?: CaseRecord[]; incoming?: CaseRecord[] }
  const flat = Array.isArray(relations) ? (relations as CaseRecord[]) : []
  const out = [...(r.outgoing ?? []), ...flat.filter((x) => field(x, 'ciId') === ciId)]
  const inc = [...(r.incoming ?? []), ...flat.filter((x) => field(x, 'ciId') !== ciId)]
  const edge = (x: CaseRecord, outgoing: boolean): Edge => {
    const id = String(outgoing ? field(x, 'targetId') : field(x, 'ciId'))
    const kind = outgoing ? String(field(x, 'targetKind') ?? 'ci') : 'ci'
    return {
      id,
      label: formatValue(field(x, 'targetName') ?? field(x, 'name') ?? id),
      type: formatValue(field(x, 'relationType')),
      kind: plural(kind),
      outgoing,
    }
  }
  return [...out.map((x) => edge(x, true)), ...inc.map((x) => edge(x, false))]
}

export function CiGraph({ name, edges }: { name: string; edges: Edge[] }) {
  const w = 640
  const h = 360
  const cx = w / 2
  const cy = h / 2
  const r = Math.min(cx, cy) - 50
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      width="100%"
      role="group"
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
