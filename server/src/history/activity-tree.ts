/**
 * An instance's element instances as a tree, as Camunda Operate shows its instance history: the
 * process at the root, each sub-process, event sub-process and multi-instance body holding the
 * element instances it ran (the body's children are its iterations, numbered), each with when it
 * started and ended, who did it (a person by display name, a job worker as "automated (name)"),
 * the incidents raised on it and the variables local to its scope.
 *
 * Built from the same v2 reads as the timeline; `startPosition`/`endPosition` are the timeline's
 * positions, so the replay can show the diagram and the variables at any node.
 */
import type { Actor, ActivityNode, NodeIncident } from '@shared/api/activity-tree'
import type { ElementInstance, Incident } from '../camunda/camunda-rest'
import type { HistoryStep, TimelineVariable } from './timeline'

/** The tree's types are the API's, shared with the replay page (shared/api/activity-tree.ts). */
export type { Actor, ActivityNode, NodeIncident } from '@shared/api/activity-tree'

export interface TreeInput {
  processInstanceKey: string
  elements: (ElementInstance & { flowScopeKey: string })[]
  steps: HistoryStep[]
  variables: TimelineVariable[]
  incidents: Incident[]
  names: Record<string, string>
  /** Who completed each element instance, by its key. */
  who: Map<string, Actor>
  /** The process instance's own row: its element, dates, state and who started it. */
  root: {
    elementId: string
    elementName: string
    state: ActivityNode['state']
    startedAt: string
    endedAt: string | null
    who: Actor | null
  }
}

const STATE = { ACTIVE: 'active', COMPLETED: 'completed', TERMINATED: 'terminated' } as const

/** The element-instance tree of one process instance, children in the order they started. */
export function buildActivityTree(input: TreeInput): ActivityNode {
  const started = new Map<string, number>()
  const ended = new Map<string, number>()
  for (const s of input.steps) {
    if (s.intent === 'ELEMENT_ACTIVATED') started.set(s.elementInstanceKey, s.position)
    if (s.intent === 'ELEMENT_COMPLETED' || s.intent === 'ELEMENT_TERMINATED')
      ended.set(s.elementInstanceKey, s.position)
  }
  const incidentsOf = new Map<string, NodeIncident[]>()
  for (const i of input.incidents) {
    const at = i.elementInstanceKey ?? input.processInstanceKey
    const list = incidentsOf.get(at) ?? []
    list.push({
      key: i.incidentKey,
      errorType: i.errorType,
      errorMessage: i.errorMessage,
      resolved: i.state === 'RESOLVED',
    })
    incidentsOf.set(at, list)
  }
  const variablesOf = new Map<string, ActivityNode['variables']>()
  for (const v of input.variables) {
    const list = variablesOf.get(v.scopeKey) ?? []
    list.push({ name: v.name, value: v.value, position: v.position })
    variablesOf.set(v.scopeKey, list)
  }
  const node = (
    key: string,
    scopeKey: string | null,
    fields: Pick<
      ActivityNode,
      'elementId' | 'elementName' | 'elementType' | 'state' | 'startedAt' | 'endedAt' | 'who'
    >,
  ): ActivityNode => ({
    key,
    scopeKey,
    ...fields,
    iteration: null,
    startPosition: started.get(key) ?? 0,
    endPosition: ended.get(key) ?? null,
    incidents: incidentsOf.get(key) ?? [],
    variables: (variablesOf.get(key) ?? []).sort((a, b) => a.name.localeCompare(b.name)),
    children: [],
  })

  const root = node(input.processInstanceKey, null, {
    ...input.root,
    elementType: 'PROCESS',
  })
  const byKey = new Map<string, ActivityNode>([[root.key, root]])
  for (const e of input.elements) {
    byKey.set(
      e.elementInstanceKey,
      node(e.elementInstanceKey, e.flowScopeKey, {
        elementId: e.elementId,
        elementName: input.names[e.elementId] ?? e.elementName ?? e.elementId,
        elementType: e.type,
        state: STATE[e.state],
        startedAt: e.startDate,
        endedAt: e.state === 'ACTIVE' ? null : (e.endDate ?? null),
        who: input.who.get(e.elementInstanceKey) ?? null,
      }),
    )
  }
  for (const n of byKey.values()) {
    if (n === root) continue
    ;(byKey.get(n.scopeKey!) ?? root).children.push(n)
  }
  const order = (a: ActivityNode, b: ActivityNode) =>
    a.startPosition - b.startPosition || cmpKey(a.key, b.key)
  for (const n of byKey.values()) {
    n.children.sort(order)
    if (n.elementType === 'MULTI_INSTANCE_BODY') {
      ;[...n.children].sort((a, b) => cmpKey(a.key, b.key)).forEach((c, i) => (c.iteration = i + 1))
    }
  }
  return root
}

/** The tree's nodes depth first, each with its depth (the root is 0). */
export function flattenTree(root: ActivityNode): (ActivityNode & { depth: number })[] {
  const out: (ActivityNode & { depth: number })[] = []
  const walk = (n: ActivityNode, depth: number) => {
    out.push({ ...n, depth })
    for (const c of n.children) walk(c, depth + 1)
  }
  walk(root, 0)
  return out
}

/** "automated (notify-customer)": a job worker as the replay names it. */
export function workerActor(worker: string, jobType: string): Actor {
  // the SDK names a worker by a random UUID unless given a name; the job type says more
  const name = /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(worker) || !worker ? jobType : worker
  return { kind: 'worker', id: worker || jobType, name: `automated (${name})` }
}

function cmpKey(a: string, b: string): number {
  const x = BigInt(a)
  const y = BigInt(b)
  return x < y ? -1 : x > y ? 1 : 0
}
