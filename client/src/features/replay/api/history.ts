/** Process instance history (server/src/history) for replay. */

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
  claimedBy: string | null
  completedBy: string | null
  completedAt: string | null
  data: Record<string, unknown> | null
}

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

/** One hash-chained audit-trail entry. */
export interface EvidenceEntry {
  seq: number
  at: string
  actor: string
  action: string
  entityType: string
  entityId: string
  hash: string
}

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

/**
 * The step the replay opens on: the last completion of `elementId` when one is asked for (a
 * link from the compliance matrix or an audit pack), else the last step.
 */
export function startIndex(steps: readonly Step[], elementId?: string | null): number {
  if (elementId) {
    for (let i = steps.length - 1; i >= 0; i--) {
      if (steps[i]!.elementId === elementId && steps[i]!.intent === 'ELEMENT_COMPLETED') return i
    }
  }
  return Math.max(0, steps.length - 1)
}
