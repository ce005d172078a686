/** Process instance history (server/src/history) for replay. */
import type { Actor, ActivityNode } from '@shared/api/activity-tree'
import type { EvidenceEntry } from '@shared/api/evidence'

export interface Step {
  position: number
  timestamp: string
  intent: string
  elementId: string
  elementName: string | null
  elementType: string
  elementInstanceKey: string
  flowScopeKey: string | null
}

export interface VariableChange {
  position: number
  timestamp: string
  name: string
  value: unknown
  scopeKey: string
}

export interface HistoryTask {
  id: string
  name: string
  elementId: string
  elementInstanceKey?: string
  claimedBy: string | null
  /** The display name of who claimed it. */
  claimedByName?: string | null
  completedBy: string | null
  completedByName?: string | null
  completedAt: string | null
  data: Record<string, unknown> | null
}

/** The element-instance tree's types are the server's own (shared/api/activity-tree.ts). */
export type { Actor, ActivityNode }

export interface InstanceHistory {
  instance: {
    key: string
    bpmnProcessId: string
    version: number
    processDefinitionKey: string
    state: string
    startedAt: string
    endedAt: string | null
    caseKind: string | null
    caseId: string | null
  }
  xml: string
  /** The requirements (ISO/IEC 20000-1:2011 ids) each element carries, by element id. */
  requirements?: Record<string, string[]>
  steps: Step[]
  /** Element instances as Operate shows them; null until secondary storage has the instance. */
  tree?: ActivityNode | null
  /** The organisation's time zone (printable report). */
  timeZone?: string
  variables: VariableChange[]
  incidents: {
    key?: string
    intent?: string
    elementId?: string
    errorMessage?: string
    errorType?: string
    position?: number
    timestamp?: string
    resolved?: boolean
  }[]
  /** Keys of instances this one called (call activities). */
  childInstances?: string[]
  tasks: HistoryTask[]
  evidence: {
    /** Audit-trail entries of this instance (4.3.3). */
    entries?: EvidenceEntry[]
    /** Verification of the whole hash chain. */
    verification?: {
      ok: boolean
      entries?: number
      headSeq?: number
      /** When broken: the first entry that can no longer be trusted, the kind and why. */
      brokenAt?: number
      kind?: string
      reason?: string
    }
  } | null
}

/** One hash-chained audit-trail entry: the server's own type (shared/api/evidence.ts). */
export type { EvidenceEntry }

export interface InstanceSummary {
  key?: string
  processInstanceKey?: string
  bpmnProcessId: string
  version: number
  state: string
  startedAt: string
  caseId?: string | null
}

/** Highlight state after the first `upTo + 1` steps. */
export function pathAt(steps: Step[], upTo: number) {
  const completed = new Set<string>()
  const active = new Map<string, number>()
  const taken = new Set<string>()
  for (const s of steps.slice(0, upTo + 1)) {
    if (s.elementType === 'PROCESS') continue
    if (s.intent === 'SEQUENCE_FLOW_TAKEN') taken.add(s.elementId)
    else if (s.intent === 'ELEMENT_ACTIVATED' || s.intent === 'ELEMENT_ACTIVATING') {
      if (s.intent === 'ELEMENT_ACTIVATED')
        active.set(s.elementId, (active.get(s.elementId) ?? 0) + 1)
    } else if (s.intent === 'ELEMENT_COMPLETED' || s.intent === 'ELEMENT_TERMINATED') {
      completed.add(s.elementId)
      const n = (active.get(s.elementId) ?? 1) - 1
      if (n > 0) active.set(s.elementId, n)
      else active.delete(s.elementId)
    }
  }
  return { completed, active: new Set(active.keys()), taken }
}

/** Incidents open at a log position: created at or before it and not yet resolved. */
export function openIncidentsAt(incidents: InstanceHistory['incidents'], position: number) {
  const resolvedAt = new Map<string, number>()
  for (const i of incidents)
    if (i.intent === 'RESOLVED' && i.key !== undefined) resolvedAt.set(i.key, i.position ?? 0)
  return incidents.filter(
    (i) =>
      i.intent !== 'RESOLVED' &&
      (i.position ?? 0) <= position &&
      !(i.key !== undefined && (resolvedAt.get(i.key) ?? Infinity) <= position),
  )
}

/** An element instance as the step list shows it: its depth in the tree and its scopes. */
export interface Activity extends ActivityNode {
  depth: number
  /** The keys of the scopes around it, the innermost first. */
  scopes: string[]
}

/** The tree's element instances depth first (the root first), each with its scopes. */
export function activitiesOf(root: ActivityNode | null | undefined): Activity[] {
  const out: Activity[] = []
  const walk = (n: ActivityNode, scopes: string[]) => {
    out.push({ ...n, depth: scopes.length, scopes })
    for (const c of n.children) walk(c, [n.key, ...scopes])
  }
  if (root) walk(root, [])
  return out
}

/** The steps in the order they started: element instances, not raw records (no flows). */
export function stepsInOrder(activities: readonly Activity[]): Activity[] {
  return [...activities].sort((a, b) => a.startPosition - b.startPosition)
}

/** The log position a step stands for: its end, or its start while it still runs. */
export const positionOf = (a: ActivityNode, last: number) =>
  a.endPosition ?? (a.state === 'active' ? last : a.startPosition)

/** The index of the last raw step at or before `position` (for the diagram's highlight). */
export function stepIndexAt(steps: readonly Step[], position: number): number {
  let index = 0
  steps.forEach((s, i) => {
    if (s.position <= position) index = i
  })
  return index
}

/**
 * The variables visible in a scope at a log position, the scope's own first, then each
 * enclosing scope's that it does not shadow (as FEEL resolves them).
 */
export function variablesAt(
  activity: Activity,
  byKey: ReadonlyMap<string, ActivityNode>,
  position: number,
): { scope: ActivityNode; name: string; value: unknown }[] {
  const seen = new Set<string>()
  const out: { scope: ActivityNode; name: string; value: unknown }[] = []
  for (const key of [activity.key, ...activity.scopes]) {
    const scope = byKey.get(key)
    if (!scope) continue
    for (const v of scope.variables) {
      if (v.position > position || seen.has(v.name)) continue
      seen.add(v.name)
      out.push({ scope, name: v.name, value: v.value })
    }
  }
  return out
}

/**
 * The step the replay opens on: the last completed instance of `elementId` when one is asked
 * for (a link from the compliance matrix or an audit pack), else the last step.
 */
export function startActivity(steps: readonly Activity[], elementId?: string | null): number {
  if (elementId) {
    for (let i = steps.length - 1; i >= 0; i--) {
      if (steps[i]!.elementId === elementId && steps[i]!.state === 'completed') return i
    }
  }
  return Math.max(0, steps.length - 1)
}
