/**
 * The automatic merge of a rebase (ISO/IEC 20000-1 4.3.2: never silently overwrite an approved
 * change): a three-way merge of base (the version the draft started from), theirs (the version
 * deployed since) and mine (the draft), element by element. What only theirs changed is taken
 * over into the draft (with its diagram shapes); what only the draft changed stays; an element
 * both changed differently is a conflict the author resolves, keeping theirs or the draft's —
 * an unresolved conflict refuses the rebase rather than choosing for the author.
 *
 * Works on moddle trees of BPMN (flow elements, nested in subprocesses, with their BPMNShape and
 * BPMNEdge) and of DMN (DRG elements with their DMNShape and DMNEdge).
 */
import { ConflictError } from '../errors'
import { bpmnModdle } from './bpmn'
import { dmnAsVersion13, dmnModdle } from './dmn'
import { DraftKind, type ThreeWayElement } from './processes.model'

/** What the author chose for an element both sides changed. */
export type Resolution = 'mine' | 'theirs'

/**
 * Ids of the three-way comparison that are a form-js form deployed with the procedure, not an
 * element of its XML (`form:<formId>`); draft-rebase.ts merges those.
 */
export const FORM_PREFIX = 'form:'

/** The rebased draft takes theirs: only theirs changed it, or the author chose theirs. */
export const takesTheirs = (e: ThreeWayElement, resolutions: Record<string, Resolution>) =>
  e.conflict ? resolutions[e.id] === 'theirs' : e.theirs !== 'same' && e.mine === 'same'

/** A moddle element as the merge walks it. */
interface El {
  $type: string
  id?: string
  $descriptor?: { properties?: { name: string; isReference?: boolean; isMany?: boolean }[] }
  [key: string]: unknown
}

interface RewriteModdle {
  fromXML(
    xml: string,
    type: string,
  ): Promise<{ rootElement: unknown; warnings: { message: string }[] }>
  toXML(element: unknown, options?: { format?: boolean }): Promise<{ xml: string }>
}

/** An element the three-way check compares, where it sits (`owner[prop]`). */
interface Item {
  id: string
  el: El
  owner: El
  prop: string
  parentId: string | null
}

/** A diagram shape or edge, by the id of the element it draws. */
interface DiItem {
  ref: string
  el: El
  owner: El
  prop: string
}

/** How to find the compared elements and their diagram in one kind of document. */
interface Dialect {
  moddle(): RewriteModdle
  rootType: string
  read(xml: string): string
  /** The compared elements, parents before children; `root` is where top-level ones go. */
  items(defs: El, documentId: string): { root: El | null; rootProp: string; items: Item[] }
  di(defs: El): { owner: El | null; prop: string; items: DiItem[] }
  /** Other top-level definitions (messages, signals, input data) a taken element may need. */
  extras(defs: El, documentId: string): { prop: string; items: El[] }
  /** Mends what repeats other parts after elements moved (BPMN: incoming/outgoing). */
  tidy?(defs: El): void
}

const many = (owner: El, prop: string): El[] => {
  const v = owner[prop]
  if (Array.isArray(v)) return v as El[]
  const list: El[] = []
  owner[prop] = list
  return list
}

const bpmn: Dialect = {
  moddle: bpmnModdle,
  rootType: 'bpmn:Definitions',
  read: (xml) => xml,
  items(defs, processId) {
    const root =
      many(defs, 'rootElements').find((r) => r.$type === 'bpmn:Process' && r.id === processId) ??
      null
    const items: Item[] = []
    const visit = (container: El, parentId: string | null) => {
      const children = Array.isArray(container.flowElements) ? (container.flowElements as El[]) : []
      for (const el of children) {
        if (!el.id) continue
        items.push({ id: el.id, el, owner: container, prop: 'flowElements', parentId })
      }
      for (const el of children) if (el.id && Array.isArray(el.flowElements)) visit(el, el.id)
    }
    if (root) visit(root, null)
    return { root, rootProp: 'flowElements', items }
  },
  di(defs) {
    const plane = (many(defs, 'diagrams')[0]?.plane as El | undefined) ?? null
    const items = plane
      ? many(plane, 'planeElement').flatMap((el) => {
          const ref = (el.bpmnElement as El | undefined)?.id
          return ref ? [{ ref, el, owner: plane, prop: 'planeElement' }] : []
        })
      : []
    return { owner: plane, prop: 'planeElement', items }
  },
  extras(defs) {
    return { prop: 'rootElements', items: many(defs, 'rootElements').filter((r) => r.$type !== 'bpmn:Process') }
  },
  tidy(defs) {
    const nodes = new Map<string, El>()
    const flows: El[] = []
    const visit = (container: El) => {
      for (const el of Array.isArray(container.flowElements) ? (container.flowElements as El[]) : []) {
        if (el.$type === 'bpmn:SequenceFlow') flows.push(el)
        else if (el.id) nodes.set(el.id, el)
        if (Array.isArray(el.flowElements)) visit(el)
      }
    }
    for (const r of many(defs, 'rootElements')) if (r.$type === 'bpmn:Process') visit(r)
    for (const node of nodes.values()) {
      const props = node.$descriptor?.properties ?? []
      if (props.some((p) => p.name === 'incoming')) node.incoming = []
      if (props.some((p) => p.name === 'outgoing')) node.outgoing = []
    }
    for (const flow of flows) {
      const source = nodes.get((flow.sourceRef as El | undefined)?.id ?? '')
      const target = nodes.get((flow.targetRef as El | undefined)?.id ?? '')
      if (source && Array.isArray(source.outgoing)) (source.outgoing as El[]).push(flow)
      if (target && Array.isArray(target.incoming)) (target.incoming as El[]).push(flow)
    }
  },
}

const dmn: Dialect = {
  moddle: dmnModdle,
  rootType: 'dmn:Definitions',
  read: dmnAsVersion13,
  items(defs) {
    const items = many(defs, 'drgElement')
      .filter((el) => el.$type === 'dmn:Decision' && el.id)
      .map((el) => ({ id: el.id!, el, owner: defs, prop: 'drgElement', parentId: null }))
    return { root: defs, rootProp: 'drgElement', items }
  },
  di(defs) {
    const diagram = ((defs.dmnDI as El | undefined)?.diagrams as El[] | undefined)?.[0] ?? null
    const items = diagram
      ? many(diagram, 'diagramElements').flatMap((el) => {
          const ref = (el.dmnElementRef as El | undefined)?.id
          return ref ? [{ ref, el, owner: diagram, prop: 'diagramElements' }] : []
        })
      : []
    return { owner: diagram, prop: 'diagramElements', items }
  },
  extras(defs) {
    return { prop: 'drgElement', items: many(defs, 'drgElement').filter((e) => e.$type !== 'dmn:Decision') }
  },
}

/** The ids an element contains (itself and its children), not following references. */
function ownIds(el: El, out = new Set<string>()): Set<string> {
  if (el.id) out.add(el.id)
  for (const p of el.$descriptor?.properties ?? []) {
    if (p.isReference) continue
    const v = el[p.name]
    const list = Array.isArray(v) ? v : [v]
    for (const child of list) {
      if (child && typeof child === 'object' && '$type' in child) ownIds(child as El, out)
    }
  }
  return out
}

async function read(dialect: Dialect, m: RewriteModdle, xml: string): Promise<El> {
  return (await m.fromXML(dialect.read(xml), dialect.rootType)).rootElement as El
}

export interface MergeResult {
  /** The draft's XML after the merge (unchanged text when nothing was taken from theirs). */
  xml: string
  /** Elements taken over from theirs, automatically or as the author resolved. */
  taken: string[]
  /** Conflicts resolved as the author chose. */
  resolved: Record<string, Resolution>
}

/**
 * Merges theirs into mine over base. `elements` is the three-way comparison of the three;
 * `resolutions` says, for each conflict, which side the rebased draft keeps. A conflict left
 * without a resolution is a 409 naming it (`conflicts`): nothing is chosen for the author.
 */
export async function mergeThreeWay(input: {
  kind: DraftKind
  documentId: string
  base: string | null
  theirs: string
  mine: string
  elements: ThreeWayElement[]
  resolutions?: Record<string, Resolution>
}): Promise<MergeResult> {
  const resolutions = input.resolutions ?? {}
  const unresolved = input.elements.filter((e) => e.conflict && !resolutions[e.id])
  if (unresolved.length > 0) {
    throw new ConflictError(
      `${unresolved.length} element(s) were changed both in the deployed version and in the draft: ${unresolved
        .map((e) => `${e.name} (${e.id})`)
        .join(', ')}. Choose for each whether the rebased draft keeps the deployed version's or yours.`,
      undefined,
      { conflicts: unresolved.map((e) => e.id) },
    )
  }
  const take = input.elements.filter(
    (e) => !e.id.startsWith(FORM_PREFIX) && takesTheirs(e, resolutions),
  )
  const resolved = Object.fromEntries(
    input.elements.filter((e) => e.conflict).map((e) => [e.id, resolutions[e.id]!]),
  )
  if (take.length === 0) return { xml: input.mine, taken: [], resolved }

  const dialect = input.kind === DraftKind.Decision ? dmn : bpmn
  const m = dialect.moddle()
  const theirsDefs = await read(dialect, m, input.theirs)
  const mineDefs = await read(dialect, m, input.mine)
  const baseDefs = input.base ? await read(dialect, m, input.base) : null
  const t = dialect.items(theirsDefs, input.documentId)
  const mi = dialect.items(mineDefs, input.documentId)
  const theirsItems = new Map(t.items.map((i) => [i.id, i]))
  const mineItems = new Map(mi.items.map((i) => [i.id, i]))
  const theirsDi = dialect.di(theirsDefs)
  const mineDi = dialect.di(mineDefs)

  /** Ids inside an element already taken (a subprocess brings its children along). */
  const covered = new Set<string>()
  const taken: string[] = []
  // parents first: the order of the documents' element lists
  const order = (id: string) => {
    const i = t.items.findIndex((x) => x.id === id)
    return i >= 0 ? i : t.items.length + mi.items.findIndex((x) => x.id === id)
  }
  for (const e of [...take].sort((a, b) => order(a.id) - order(b.id))) {
    if (covered.has(e.id)) continue
    const theirsItem = theirsItems.get(e.id)
    const mineItem = mineItems.get(e.id)
    const mineIds = mineItem ? ownIds(mineItem.el) : new Set<string>()
    const theirsIds = theirsItem ? ownIds(theirsItem.el) : new Set<string>()
    if (theirsItem && !mineItem) {
      const owner =
        theirsItem.parentId === null ? mi.root : (mineItems.get(theirsItem.parentId)?.el ?? null)
      if (!owner) {
        throw new ConflictError(
          `${e.name} (${e.id}) was added in the deployed version inside ${theirsItem.parentId}, which the draft removed; restore it or rebase by hand.`,
          undefined,
          { conflicts: [e.id] },
        )
      }
      many(owner, owner === mi.root ? mi.rootProp : theirsItem.prop).push(theirsItem.el)
    } else if (mineItem) {
      const list = many(mineItem.owner, mineItem.prop)
      const at = list.indexOf(mineItem.el)
      if (theirsItem) list.splice(at, 1, theirsItem.el)
      else list.splice(at, 1)
    }
    // the diagram follows: the draft's shapes of the element go, theirs come
    if (mineDi.owner) {
      const shapes = many(mineDi.owner, mineDi.prop)
      for (const d of mineDi.items) {
        const at = shapes.indexOf(d.el)
        if (mineIds.has(d.ref) && at >= 0) shapes.splice(at, 1)
      }
      for (const d of theirsDi.items) if (theirsIds.has(d.ref)) shapes.push(d.el)
    }
    for (const id of [...theirsIds, ...mineIds]) covered.add(id)
    taken.push(e.id)
  }

  // definitions theirs added (a message, an input data) that the taken elements may refer to
  const have = new Set(dialect.extras(mineDefs, input.documentId).items.map((x) => x.id))
  const had = new Set(
    baseDefs ? dialect.extras(baseDefs, input.documentId).items.map((x) => x.id) : [],
  )
  const extras = dialect.extras(theirsDefs, input.documentId)
  for (const x of extras.items) {
    if (x.id && !have.has(x.id) && !had.has(x.id)) many(mineDefs, extras.prop).push(x)
  }

  // read again so references resolve within one tree: one to an element the merge removed
  // (theirs deleted a task the draft connects to) is a conflict the author sees, not a broken draft
  const merged = (await m.toXML(mineDefs, { format: true })).xml
  const { rootElement, warnings } = await m.fromXML(merged, dialect.rootType)
  const dangling = warnings
    .map((w) => /unresolved reference <([^>]+)>/.exec(w.message)?.[1])
    .filter((id): id is string => !!id)
  if (dangling.length > 0) {
    throw new ConflictError(
      `The merged draft would refer to ${[...new Set(dangling)].join(', ')}, which the deployed version removed; keep the deployed version of what refers to it, or rebase by hand.`,
      undefined,
      { conflicts: [...new Set(dangling)] },
    )
  }
  dialect.tidy?.(rootElement as El)
  return { xml: (await m.toXML(rootElement, { format: true })).xml, taken, resolved }
}
