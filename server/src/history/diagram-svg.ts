/**
 * The diagram of a BPMN version as a static SVG, drawn from its DI (shapes, edges, labels) with
 * the path an instance took marked: completed elements, taken flows, active elements and
 * incidents. For the printable report, which runs no script (EXPORT_CSP), so bpmn-js cannot
 * draw it there; the shapes follow BPMN's notation closely enough to read the path, not to
 * replace the modeler.
 */
import { parseBpmn } from '../processes/bpmn'

/** What to mark on the diagram, by element id. */
export interface DiagramMarks {
  completed: ReadonlySet<string>
  active: ReadonlySet<string>
  incident: ReadonlySet<string>
  taken: ReadonlySet<string>
}

interface Bounds {
  x: number
  y: number
  width: number
  height: number
}
interface DiElement {
  $type: string
  bpmnElement?: { $type: string; id: string; name?: string }
  bounds?: Bounds
  waypoint?: { x: number; y: number }[]
  label?: { bounds?: Bounds }
}
interface Definitions {
  diagrams?: { plane?: { planeElement?: DiElement[] } }[]
}

const COLOUR = {
  line: '#444',
  flow: '#888',
  fill: '#fff',
  completed: ['#dff3e4', '#1a7f37'],
  active: ['#dcebff', '#0b5cad'],
  incident: ['#fde2e1', '#b42318'],
} as const

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

const CONTAINER = /SubProcess|Transaction|Participant|Lane/

/** The first diagram of `xml` as an SVG element; '' when it has no DI to draw. */
export async function diagramSvg(xml: string, marks: DiagramMarks): Promise<string> {
  const defs = (await parseBpmn(xml)) as unknown as Definitions
  const items = defs.diagrams?.[0]?.plane?.planeElement ?? []
  if (items.length === 0) return ''
  const points: { x: number; y: number }[] = []
  for (const d of items) {
    for (const b of [d.bounds, d.label?.bounds])
      if (b) points.push({ x: b.x, y: b.y }, { x: b.x + b.width, y: b.y + b.height })
    points.push(...(d.waypoint ?? []))
  }
  const minX = Math.min(...points.map((p) => p.x)) - 20
  const minY = Math.min(...points.map((p) => p.y)) - 20
  const width = Math.max(...points.map((p) => p.x)) - minX + 20
  const height = Math.max(...points.map((p) => p.y)) - minY + 20

  const colours = (id: string): readonly [string, string] =>
    marks.incident.has(id)
      ? COLOUR.incident
      : marks.active.has(id)
        ? COLOUR.active
        : marks.completed.has(id)
          ? COLOUR.completed
          : [COLOUR.fill, COLOUR.line]
  const shapes = items.filter((d) => d.bounds && d.bpmnElement)
  const containers = shapes.filter((d) => CONTAINER.test(d.bpmnElement!.$type))
  const others = shapes.filter((d) => !CONTAINER.test(d.bpmnElement!.$type))
  const edges = items.filter((d) => d.waypoint?.length && d.bpmnElement)

  const out: string[] = []
  for (const d of [...containers, ...others]) out.push(shape(d, colours(d.bpmnElement!.id)))
  for (const d of edges) {
    const el = d.bpmnElement!
    const taken = marks.taken.has(el.id)
    const isFlow = el.$type === 'bpmn:SequenceFlow'
    const pts = d.waypoint!.map((p) => `${p.x},${p.y}`).join(' ')
    out.push(
      `<polyline data-element-id="${esc(el.id)}"${taken ? ' class="taken"' : ''} points="${pts}" fill="none" stroke="${taken ? COLOUR.completed[1] : COLOUR.flow}" stroke-width="${taken ? 3 : 1.5}"${isFlow ? ` marker-end="url(#${taken ? 'arrow-taken' : 'arrow'})"` : ' stroke-dasharray="4 3"'}/>`,
    )
    if (el.name && d.label?.bounds) out.push(label(el.name, d.label.bounds))
  }
  const arrow = (id: string, colour: string) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Diagram with the path taken" viewBox="${minX} ${minY} ${width} ${height}" width="100%" style="max-height:60vh" font-family="system-ui,sans-serif" font-size="11"><defs>${arrow('arrow', COLOUR.flow)}${arrow('arrow-taken', COLOUR.completed[1])}</defs>${out.join('')}</svg>`
}

function shape(d: DiElement, [fill, stroke]: readonly [string, string]): string {
  const el = d.bpmnElement!
  const { x, y, width: w, height: h } = d.bounds!
  const type = el.$type.replace(/^bpmn:/, '')
  const id = `data-element-id="${esc(el.id)}"`
  const name = el.name ?? ''
  if (/Event$/.test(type)) {
    const r = Math.min(w, h) / 2
    const thick = type === 'EndEvent' ? 3 : 1.5
    const inner =
      /Intermediate|Boundary/.test(type) &&
      `<circle cx="${x + w / 2}" cy="${y + h / 2}" r="${r - 3}" fill="none" stroke="${stroke}"/>`
    return `<g ${id}><circle cx="${x + w / 2}" cy="${y + h / 2}" r="${r}" fill="${fill}" stroke="${stroke}" stroke-width="${thick}"/>${inner || ''}</g>${name ? label(name, d.label?.bounds ?? { x: x - 30, y: y + h + 4, width: w + 60, height: 14 }) : ''}`
  }
  if (/Gateway$/.test(type)) {
    const cx = x + w / 2
    const cy = y + h / 2
    return `<g ${id}><polygon points="${cx},${y} ${x + w},${cy} ${cx},${y + h} ${x},${cy}" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/></g>${name ? label(name, d.label?.bounds ?? { x: x - 30, y: y + h + 4, width: w + 60, height: 14 }) : ''}`
  }
  if (/^(DataObjectReference|DataStoreReference|TextAnnotation|Group)$/.test(type)) {
    return `<g ${id}><rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${COLOUR.flow}" stroke-dasharray="3 3"/></g>${name ? label(name, { x, y: y + h + 2, width: w, height: 14 }) : ''}`
  }
  const container = CONTAINER.test(type)
  const text = container
    ? `<text x="${x + 6}" y="${y + 14}" fill="#111">${esc(name)}</text>`
    : wrapped(name, { x, y, width: w, height: h })
  return `<g ${id}><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="10" fill="${container && fill === COLOUR.fill ? 'none' : fill}" stroke="${stroke}" stroke-width="${stroke === COLOUR.line ? 1.5 : 2.5}"/>${text}</g>`
}

/** A name centred in its label bounds, wrapped to their width. */
function label(name: string, b: Bounds): string {
  return wrapped(name, b, 'top')
}

function wrapped(name: string, b: Bounds, align: 'middle' | 'top' = 'middle'): string {
  if (!name) return ''
  const perLine = Math.max(6, Math.floor(b.width / 6))
  const lines: string[] = []
  for (const word of name.split(/\s+/)) {
    const last = lines[lines.length - 1]
    if (last !== undefined && (last + ' ' + word).length <= perLine)
      lines[lines.length - 1] = `${last} ${word}`
    else lines.push(word)
  }
  const lineHeight = 13
  const top =
    align === 'middle' ? b.y + b.height / 2 - ((lines.length - 1) * lineHeight) / 2 + 4 : b.y + 10
  return `<text text-anchor="middle" fill="#111">${lines
    .map((l, i) => `<tspan x="${b.x + b.width / 2}" y="${top + i * lineHeight}">${esc(l)}</tspan>`)
    .join('')}</text>`
}
