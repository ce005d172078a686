/**
 * Touch navigation for a bpmn-js viewer on a phone: one finger pans the diagram, two fingers
 * pinch to zoom around the point between them (bpmn-js handles mouse and wheel, not touch). The
 * container gets `touch-action: none` (class `touch-canvas`) so the browser leaves the gestures
 * to the diagram; the page scrolls beside it.
 */
interface TouchCanvas {
  zoom(): number
  zoom(level: number, center: { x: number; y: number }): number
  scroll(delta: { dx: number; dy: number }): void
}

const MIN_ZOOM = 0.2
const MAX_ZOOM = 4

/** Listens on `container`; returns what removes the listeners. */
export function touchNavigation(container: HTMLElement, canvas: TouchCanvas): () => void {
  const points = new Map<number, { x: number; y: number }>()
  let pinch: { distance: number; zoom: number } | null = null

  const local = (e: PointerEvent) => {
    const r = container.getBoundingClientRect()
    return { x: e.clientX - r.left, y: e.clientY - r.top }
  }
  const pair = () => {
    const [a, b] = [...points.values()]
    return {
      distance: Math.hypot(a!.x - b!.x, a!.y - b!.y),
      mid: { x: (a!.x + b!.x) / 2, y: (a!.y + b!.y) / 2 },
    }
  }

  const down = (e: PointerEvent) => {
    if (e.pointerType !== 'touch') return
    points.set(e.pointerId, local(e))
    if (points.size === 2) pinch = { distance: pair().distance, zoom: canvas.zoom() }
  }
  const move = (e: PointerEvent) => {
    const before = points.get(e.pointerId)
    if (e.pointerType !== 'touch' || !before) return
    e.preventDefault()
    if (points.size === 1) {
      const now = local(e)
      points.set(e.pointerId, now)
      canvas.scroll({ dx: now.x - before.x, dy: now.y - before.y })
      return
    }
    const previous = pair()
    points.set(e.pointerId, local(e))
    const next = pair()
    if (pinch && pinch.distance > 0) {
      const zoom = Math.min(
        MAX_ZOOM,
        Math.max(MIN_ZOOM, (pinch.zoom * next.distance) / pinch.distance),
      )
      canvas.scroll({ dx: next.mid.x - previous.mid.x, dy: next.mid.y - previous.mid.y })
      canvas.zoom(zoom, next.mid)
    }
  }
  const up = (e: PointerEvent) => {
    points.delete(e.pointerId)
    pinch = points.size === 2 ? { distance: pair().distance, zoom: canvas.zoom() } : null
  }

  container.classList.add('touch-canvas')
  container.addEventListener('pointerdown', down)
  container.addEventListener('pointermove', move, { passive: false })
  container.addEventListener('pointerup', up)
  container.addEventListener('pointercancel', up)
  return () => {
    container.classList.remove('touch-canvas')
    container.removeEventListener('pointerdown', down)
    container.removeEventListener('pointermove', move)
    container.removeEventListener('pointerup', up)
    container.removeEventListener('pointercancel', up)
  }
}
