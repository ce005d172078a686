/**
 * A BPMN diagram drawn as plain SVG from its diagram interchange (shapes and edges), for the
 * printable audit pack: no script, nothing loaded, readable on paper. Elements carrying the
 * pack's requirements are outlined; sampled ones are filled.
 */
import { parseBpmn } from '../processes/bpmn'

interface Bounds {
  x: number
  y: number
  width: number
  height: number
}
interface DiElement {
  $type: string
  bpmnElement?: { id?: string; name?: string; $type?: string }
  bounds?: Bounds
  waypoint?: { x: number; y: number }[]
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

/** The SVG of the diagram of process `processId` in `xml` (empty when it has none). */
export async function diagramSvg(
  xml: string,
  marks: { carrying: ReadonlySet<string>; sampled: ReadonlySet<string> },
): Promise<string> {
  const defs = (await parseBpmn(xml)) as unknown as {
    diagrams?: { plane?: { planeElement?: DiElement[] } }[]
  }
  const items = defs.diagrams?.[0]?.plane?.planeElement ?? []
  if (items.length === 0) return ''
  let maxX = 0
  let maxY = 0
  const parts: string[] = []
  for (const it of items) {
    if (it.$type === 'bpmndi:BPMNEdge' && it.waypoint?.length) {
      const pts = it.waypoint.map((p) => `${p.x},${p.y}`).join(' ')
      parts.push(`<polyline points="${pts}" fill="none" stroke="#555" stroke-width="1.5"/>`)
      for (const p of it.waypoint) {
        maxX = Math.max(maxX, p.x)
        maxY = Math.max(maxY, p.y)
      }
    }
  }
  for (const it of items) {
    if (it.$type !== 'bpmndi:BPMNShape' || !it.bounds) continue
    const { x, y, width: w, height: h } = it.bounds
    maxX = Math.max(maxX, x + w)
    maxY = Math.max(maxY, y + h)
    const id = it.bpmnElement?.id ?? ''
    const type = it.bpmnElement?.$type ?? ''
    const fill = marks.sampled.has(id) ? '#ffe08a' : '#fff'
    const stroke = marks.carrying.has(id) ? '#0b57d0' : '#333'
    const sw = marks.carrying.has(id) ? 3 : 1.5
    const attrs = `fill="${fill}" stroke="${stroke}" stroke-width="${sw}" data-element="${esc(id)}"`
    if (/Event$/.test(type)) {
      parts.push(`<circle cx="${x + w / 2}" cy="${y + h / 2}" r="${w / 2}" ${attrs}/>`)
    } else if (/Gateway$/.test(type)) {
      const cx = x + w / 2
      const cy = y + h / 2
      parts.push(`<polygon points="${cx},${y} ${x + w},${cy} ${cx},${y + h} ${x},${cy}" ${attrs}/>`)
    } else if (/Participant|Lane/.test(type)) {
      parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="#999"/>`)
    } else {
      parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8" ${attrs}/>`)
    }
    const name = it.bpmnElement?.name
    if (name) {
      const ty = /Task|SubProcess|CallActivity/.test(type) ? y + h / 2 : y + h + 12
      parts.push(
        `<text x="${x + w / 2}" y="${ty}" font-size="10" text-anchor="middle">${esc(name.slice(0, 40))}</text>`,
      )
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${maxX + 40} ${maxY + 40}" width="100%" role="img">${parts.join('')}</svg>`
}
