/** Narrow views of the bpmn-js services the client uses. */

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface Canvas {
  addMarker(id: string, marker: string): void
  removeMarker(id: string, marker: string): void
  /** Sets the zoom and returns it; without arguments, returns the current zoom. */
  zoom(level?: 'fit-viewport' | number, center?: 'auto'): number
  scrollToElement(element: unknown): void
  /** The visible area (`outer`, in pixels) and the diagram's bounds (`inner`). */
  viewbox(): Rect & { scale: number; inner: Rect; outer: Rect }
  viewbox(box: Rect): void
  /** Tells the canvas its container changed size. */
  resized(): void
  getContainer(): HTMLElement
}

export interface ElementRegistry {
  get(id: string): { id: string; businessObject: ModdleElement } | undefined
  getAll(): { id: string; type: string }[]
}

export interface Overlays {
  add(
    id: string,
    type: string,
    overlay: { position: Record<string, number>; html: HTMLElement | string },
  ): string
  remove(filter: { type: string }): void
}

export interface Selection {
  select(element: unknown): void
}

export interface ModdleElement {
  id?: string
  name?: string
  $type: string
  flowElements?: ModdleElement[]
  rootElements?: ModdleElement[]
  extensionElements?: { values?: (ModdleElement & { formId?: string })[] }
}

export interface Moddle {
  fromXML(xml: string, type?: string): Promise<{ rootElement: ModdleElement }>
  toXML(element: ModdleElement, options?: { format?: boolean }): Promise<{ xml: string }>
}

/** Flow elements of a process, recursing into sub-processes. */
export function flowElementsOf(process: ModdleElement | undefined): ModdleElement[] {
  const out: ModdleElement[] = []
  const walk = (el: ModdleElement) => {
    for (const f of el.flowElements ?? []) {
      out.push(f)
      walk(f)
    }
  }
  if (process) walk(process)
  return out
}

/** The executable process (or the first one) of a definitions element. */
export function mainProcess(definitions: ModdleElement, id?: string): ModdleElement | undefined {
  const processes = (definitions.rootElements ?? []).filter((r) => r.$type === 'bpmn:Process')
  return processes.find((p) => p.id === id) ?? processes[0]
}

/** Form ids the user tasks of the main process link (`zeebe:formDefinition formId`). */
export function linkedFormIds(definitions: ModdleElement): string[] {
  const ids = new Set<string>()
  for (const el of flowElementsOf(mainProcess(definitions))) {
    for (const ext of el.extensionElements?.values ?? []) {
      if (ext.$type === 'zeebe:FormDefinition' && ext.formId) ids.add(ext.formId)
    }
  }
  return [...ids].sort()
}

/** An element-level diff result. */
export interface DiagramDiff {
  added: ModdleElement[]
  removed: ModdleElement[]
  changed: ModdleElement[]
}

/** Compares two definitions element by element (serialised XML of each element). */
export async function diffDefinitions(
  moddle: Moddle,
  before: ModdleElement,
  after: ModdleElement,
  processId?: string,
): Promise<DiagramDiff> {
  const b = new Map(flowElementsOf(mainProcess(before, processId)).map((e) => [e.id!, e]))
  const a = new Map(flowElementsOf(mainProcess(after, processId)).map((e) => [e.id!, e]))
  const added = [...a.values()].filter((e) => !b.has(e.id!))
  const removed = [...b.values()].filter((e) => !a.has(e.id!))
  const changed: ModdleElement[] = []
  for (const [id, el] of a) {
    const old = b.get(id)
    if (!old) continue
    const [x, y] = await Promise.all([moddle.toXML(old), moddle.toXML(el)])
    if (x.xml !== y.xml) changed.push(el)
  }
  return { added, removed, changed }
}
