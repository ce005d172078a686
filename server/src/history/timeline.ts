/**
 * An instance's steps in the order the engine took them, rebuilt from what Camunda 8.8's v2
 * searches return: element instances (start and end dates), the sequence flows taken (each flow
 * once, no time), incidents (created time, state) and variables (current values).
 *
 * The order is the record stream's: by time, and within one millisecond (one command writes its
 * steps at one time) by cause. Zeebe hands out keys in the order it creates element instances,
 * so an element activates at its key, ends after everything it contains (the largest key of
 * its subtree, deepest first), and a flow is taken right after its source ended and before its
 * target's activation (a larger key). A flow the storage lists once is placed after each
 * completion of its source that an instance of its target follows (the nearest earlier
 * completion), so loops show each pass; a flow into a join that has not fired yet is placed
 * after its source's last completion.
 *
 * What v2 does not hold, and how the timeline shows it: a flow's taking has no key of its own
 * (`elementInstanceKey` is empty); an incident's resolution has no time (it is placed just
 * before its element ended, or at the end while it still runs); variables have only their
 * current value (each is shown once, at the activation of its scope).
 */
import type { ElementInstance, Incident, ProcessInstance, Variable } from '../camunda/camunda-rest'

/** One step of the history. `position` orders steps, incidents and variables together. */
export interface HistoryStep {
  position: number
  timestamp: string
  intent: 'ELEMENT_ACTIVATED' | 'ELEMENT_COMPLETED' | 'ELEMENT_TERMINATED' | 'SEQUENCE_FLOW_TAKEN'
  elementId: string
  elementName: string
  elementType: string
  elementInstanceKey: string
  flowScopeKey: string
  /** Who did it: the person completing a user task or the worker completing a job. */
  actor?: string | null
}

export interface TimelineIncident {
  position: number
  timestamp: string
  key: string
  intent: 'CREATED' | 'RESOLVED'
  errorType: string
  errorMessage: string
  elementId: string
}

export interface TimelineVariable {
  position: number
  timestamp: string
  name: string
  value: unknown
  scopeKey: string
}

export interface TimelineInput {
  instance: ProcessInstance
  /** Element instances with the key of the scope that contains them. */
  elements: (ElementInstance & { flowScopeKey: string })[]
  flowsTaken: string[]
  /** The version's sequence flows by id. */
  flows: Record<string, { source: string; target: string }>
  incidents: Incident[]
  variables: Variable[]
  /** Element names by id (the version's BPMN). */
  names: Record<string, string>
}

type Sort = [time: number, key: bigint, phase: number, depth: number]
interface Event {
  sort: Sort
  timestamp: string
  step?: Omit<HistoryStep, 'position'>
  incident?: Omit<TimelineIncident, 'position'>
  variable?: Omit<TimelineVariable, 'position'>
}

const LAST = 2n ** 63n
const ms = (iso: string) => Date.parse(iso)

function compare(a: Sort, b: Sort): number {
  for (let i = 0; i < 4; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

/** Steps, incidents and variables of one instance, ordered and numbered. */
export function buildTimeline(input: TimelineInput) {
  const { instance: pi, elements, names } = input
  const piKey = pi.processInstanceKey
  const byKey = new Map(elements.map((e) => [e.elementInstanceKey, e]))
  const depth = (e: { flowScopeKey: string }): number => {
    let d = 1
    for (let s = byKey.get(e.flowScopeKey); s; s = byKey.get(s.flowScopeKey)) d++
    return d
  }
  // the largest key in each element's subtree: it ends after all of them
  const subtreeMax = new Map<string, bigint>()
  for (const e of elements) {
    const k = BigInt(e.elementInstanceKey)
    for (let s: (typeof elements)[number] | undefined = e; s; s = byKey.get(s.flowScopeKey)) {
      const cur = subtreeMax.get(s.elementInstanceKey)
      if (cur === undefined || cur < k) subtreeMax.set(s.elementInstanceKey, k)
    }
  }
  const events: Event[] = []
  const step = (
    sort: Sort,
    timestamp: string,
    intent: HistoryStep['intent'],
    s: Pick<HistoryStep, 'elementId' | 'elementType' | 'elementInstanceKey' | 'flowScopeKey'>,
  ) =>
    events.push({
      sort,
      timestamp,
      step: { timestamp, intent, ...s, elementName: names[s.elementId] ?? s.elementId },
    })
  const ended = (state: string) =>
    state === 'COMPLETED' ? 'ELEMENT_COMPLETED' : ('ELEMENT_TERMINATED' as const)
  const endSort = (e: ElementInstance & { flowScopeKey: string }): Sort => [
    ms(e.endDate!),
    subtreeMax.get(e.elementInstanceKey)!,
    2,
    -depth(e),
  ]

  const processStep = {
    elementId: pi.processDefinitionId,
    elementType: 'PROCESS',
    elementInstanceKey: piKey,
    flowScopeKey: pi.parentElementInstanceKey ?? '-1',
  }
  step([ms(pi.startDate), BigInt(piKey), 0, 0], pi.startDate, 'ELEMENT_ACTIVATED', processStep)
  if (pi.endDate && pi.state !== 'ACTIVE') {
    step([ms(pi.endDate), LAST, 9, 0], pi.endDate, ended(pi.state), processStep)
  }
  for (const e of elements) {
    const s = {
      elementId: e.elementId,
      elementType: e.type,
      elementInstanceKey: e.elementInstanceKey,
      flowScopeKey: e.flowScopeKey,
    }
    step([ms(e.startDate), BigInt(e.elementInstanceKey), 0, 0], e.startDate, 'ELEMENT_ACTIVATED', s)
    if (e.endDate && e.state !== 'ACTIVE') step(endSort(e), e.endDate, ended(e.state), s)
  }

  // each taking of a flow: after the completion of its source that precedes a target instance
  const completedOf = new Map<string, (typeof elements)[number][]>()
  const instancesOf = new Map<string, (typeof elements)[number][]>()
  for (const e of [...elements].sort((a, b) =>
    cmpKey(a.elementInstanceKey, b.elementInstanceKey),
  )) {
    push(instancesOf, e.elementId, e)
    if (e.state === 'COMPLETED' && e.endDate) push(completedOf, e.elementId, e)
  }
  for (const flowId of input.flowsTaken) {
    const flow = input.flows[flowId]
    const sources = flow ? (completedOf.get(flow.source) ?? []) : []
    if (sources.length === 0) continue
    const from = new Set<(typeof elements)[number]>()
    for (const t of instancesOf.get(flow!.target) ?? []) {
      const before = sources.filter((s) => cmpKey(s.elementInstanceKey, t.elementInstanceKey) < 0)
      if (before.length) from.add(before[before.length - 1]!)
    }
    if (from.size === 0) from.add(sources[sources.length - 1]!)
    for (const s of from) {
      const [time, key] = endSort(s)
      step([time, key, 3, 0], s.endDate!, 'SEQUENCE_FLOW_TAKEN', {
        elementId: flowId,
        elementType: 'SEQUENCE_FLOW',
        elementInstanceKey: '',
        flowScopeKey: s.flowScopeKey,
      })
    }
  }

  let lastTime: [number, string] = [ms(pi.startDate), pi.startDate]
  for (const e of events) if (e.sort[0] > lastTime[0]) lastTime = [e.sort[0], e.timestamp]
  for (const i of input.incidents) {
    const element = i.elementInstanceKey ? byKey.get(i.elementInstanceKey) : undefined
    const base = {
      key: i.incidentKey,
      errorType: i.errorType,
      errorMessage: i.errorMessage,
      elementId: i.elementId,
    }
    const created = i.creationTime ?? element?.startDate ?? pi.startDate
    events.push({
      sort: [ms(created), BigInt(i.elementInstanceKey ?? piKey), 1, 0],
      timestamp: created,
      incident: { ...base, intent: 'CREATED', timestamp: created },
    })
    if (i.state !== 'RESOLVED') continue
    // resolved before its element went on (or was terminated); no time of its own in v2
    const at: [Sort, string] =
      element?.endDate && element.state !== 'ACTIVE'
        ? [[...endSort(element).slice(0, 3), -depth(element) - 0.5] as Sort, element.endDate]
        : [[lastTime[0], LAST, 8, 0], lastTime[1]]
    events.push({
      sort: at[0],
      timestamp: at[1],
      incident: { ...base, intent: 'RESOLVED', timestamp: at[1] },
    })
  }
  for (const v of input.variables) {
    const scope = byKey.get(v.scopeKey)
    const start = scope?.startDate ?? pi.startDate
    events.push({
      sort: [ms(start), BigInt(scope ? v.scopeKey : piKey), 0, -1],
      timestamp: start,
      variable: {
        name: v.name,
        value: parseValue(v.value),
        scopeKey: v.scopeKey,
        timestamp: start,
      },
    })
  }

  events.sort((a, b) => compare(a.sort, b.sort))
  const steps: HistoryStep[] = []
  const incidents: TimelineIncident[] = []
  const variables: TimelineVariable[] = []
  events.forEach((e, n) => {
    const position = n + 1
    if (e.step) steps.push({ position, ...e.step })
    if (e.incident) incidents.push({ position, ...e.incident })
    if (e.variable) variables.push({ position, ...e.variable })
  })
  return { steps, incidents, variables }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function cmpKey(a: string, b: string): number {
  const x = BigInt(a)
  const y = BigInt(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** Variable values are JSON text in v2, as in Zeebe's records. */
export function parseValue(v: unknown): unknown {
  if (typeof v !== 'string') return v
  try {
    return JSON.parse(v) as unknown
  } catch {
    return v
  }
}
