/**
 * Zoom and view controls for a bpmn-js canvas, as Camunda Modeler has them: zoom in, zoom out,
 * fit the diagram (clear of the palette), actual size, full screen and the minimap. The keyboard
 * shortcuts are bpmn-js's own (Ctrl/⌘ + scroll or +/−/0 while the canvas has focus).
 */
import { useEffect, useState } from 'react'
import type { Canvas } from './diagram'

const MARGIN = 24

/** Room kept free on the left for the palette (as wide as it is drawn) when fitting. */
function paletteRoom(canvas: Canvas): number {
  const container = canvas.getContainer()
  const palette = container.querySelector<HTMLElement>('.djs-palette')
  if (!palette) return MARGIN
  const left = palette.getBoundingClientRect().right - container.getBoundingClientRect().left
  return Math.max(MARGIN, left + MARGIN)
}

/** Fits the whole diagram into the view, leaving the palette its room, never above 100 %. */
export function fitWithPadding(canvas: Canvas): void {
  canvas.zoom('fit-viewport', 'auto')
  const PALETTE_ROOM = paletteRoom(canvas)
  const { inner, outer } = canvas.viewbox()
  if (!inner.width || !inner.height) return
  const scale = Math.min(
    (outer.width - PALETTE_ROOM - MARGIN) / inner.width,
    (outer.height - 2 * MARGIN) / inner.height,
    1,
  )
  if (scale <= 0) return
  canvas.viewbox({
    x: inner.x - PALETTE_ROOM / scale,
    y: inner.y - (outer.height / scale - inner.height) / 2,
    width: outer.width / scale,
    height: outer.height / scale,
  })
}

interface Minimap {
  open(): void
  close(): void
  isOpen(): boolean
}

export function DiagramControls({
  canvas,
  minimap,
  fullScreen,
  onFullScreen,
}: {
  canvas: Canvas | undefined
  minimap?: Minimap
  fullScreen: boolean
  onFullScreen: (on: boolean) => void
}) {
  const [percent, setPercent] = useState(100)
  const [mapOpen, setMapOpen] = useState(() => minimap?.isOpen() ?? false)
  useEffect(() => {
    if (!fullScreen) return
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onFullScreen(false)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [fullScreen, onFullScreen])
  if (!canvas) return null
  const show = () => setPercent(Math.round(canvas.zoom() * 100))
  const zoomBy = (factor: number) => {
    canvas.zoom(Math.min(4, Math.max(0.2, canvas.zoom() * factor)), 'auto')
    show()
  }
  return (
    <div className="diagram-controls" role="toolbar" aria-label="Diagram view">
      <button type="button" onClick={() => zoomBy(1.2)} aria-label="Zoom in" title="Zoom in">
        +
      </button>
      <button type="button" onClick={() => zoomBy(1 / 1.2)} aria-label="Zoom out" title="Zoom out">
        −
      </button>
      <button
        type="button"
        onClick={() => {
          fitWithPadding(canvas)
          show()
        }}
        title="Fit the diagram"
      >
        Fit
      </button>
      <button
        type="button"
        onClick={() => {
          canvas.zoom(1, 'auto')
          show()
        }}
        title="Actual size"
      >
        100 %
      </button>
      <span className="small muted" aria-live="polite" data-testid="zoom-level">
        {percent} %
      </span>
      {minimap && (
        <button
          type="button"
          aria-pressed={mapOpen}
          onClick={() => {
            if (minimap.isOpen()) minimap.close()
            else minimap.open()
            setMapOpen(minimap.isOpen())
          }}
        >
          Minimap
        </button>
      )}
      <button
        type="button"
        aria-pressed={fullScreen}
        onClick={() => onFullScreen(!fullScreen)}
        title={fullScreen ? 'Leave full screen (Esc)' : 'Full screen'}
      >
        {fullScreen ? 'Exit full screen' : 'Full screen'}
      </button>
    </div>
  )
}
