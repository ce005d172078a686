/**
 * The plan of a running-instance migration, decided before anything is sent to the engine
 * (ISO/IEC 20000-1 4.3.2: a running instance moves to a new version of its procedure only as
 * an administrator planned and checked it). Pure functions over two versions' BPMN:
 * a mapping of element ids proposed from their diff, and per instance what its active elements
 * would become, with the reasons it cannot migrate. The rules follow Zeebe 8.8's
 * (ProcessInstanceMigrationPreconditions): every active element needs a mapping to an element
 * of the same type in the target; the engine checks the rest (flow scopes, catch events,
 * user task implementation) and its answer is reported per instance.
 */
import type { BpmnElementInfo } from './bpmn'
import { diffElements } from './draft-diff'

/** How a source element fares in the proposed mapping. */
export const MappingStatus = {
  /** Same id, type and attributes in the target. */
  Mapped: 'mapped',
  /** Same id and type; its name, form or called decision changed. */
  Changed: 'changed',
  /** Same id, another type: Zeebe cannot migrate an active element to another type. */
  TypeChanged: 'type-changed',
  /** Not in the target: an active instance of it needs a target chosen by hand. */
  Removed: 'removed',
} as const
export type MappingStatus = (typeof MappingStatus)[keyof typeof MappingStatus]

/** One element of a version, as the plan shows it. */
export interface PlanElement {
  id: string
  name: string
  type: string
}

/** A proposed (or edited) mapping of one source element. */
export interface ProposedMapping {
  source: PlanElement
  /** The proposed target element id; null when none is proposed. */
  targetElementId: string | null
  status: MappingStatus
}

/** A mapping instruction as Zeebe takes it. */
export interface MappingInstruction {
  sourceElementId: string
  targetElementId: string
}

/** An active element of an instance and where the plan takes it. */
export interface ActiveElementPlan {
  elementInstanceKey: string
  elementId: string
  elementName: string
  type: string
  targetElementId: string | null
  targetName: string | null
  /** Why this element cannot migrate, or null. */
  problem: string | null
}

/** Elements an instance can wait in or pass through: everything but sequence flows. */
const isFlowNode = (e: BpmnElementInfo) => e.type !== 'SequenceFlow'

const planElement = (e: BpmnElementInfo): PlanElement => ({ id: e.id, name: e.name, type: e.type })

/** The mapping proposed from the diff of two versions: same id and type → mapped. */
export function proposeMapping(
  source: Record<string, BpmnElementInfo>,
  target: Record<string, BpmnElementInfo>,
): ProposedMapping[] {
  const diff = diffElements(source, target)
  const removed = new Set(diff.removed.map((e) => e.id))
  const changed = new Set(diff.changed.map((c) => c.id))
  return Object.values(source)
    .filter(isFlowNode)
    .map((e) => {
      if (removed.has(e.id)) {
        return { source: planElement(e), targetElementId: null, status: MappingStatus.Removed }
      }
      if (target[e.id]!.type !== e.type) {
        return { source: planElement(e), targetElementId: null, status: MappingStatus.TypeChanged }
      }
      const status = changed.has(e.id) ? MappingStatus.Changed : MappingStatus.Mapped
      return { source: planElement(e), targetElementId: e.id, status }
    })
}

/** The target's elements an administrator may choose from. */
export function targetChoices(target: Record<string, BpmnElementInfo>): PlanElement[] {
  return Object.values(target).filter(isFlowNode).map(planElement)
}

/**
 * Problems of the mapping itself, whatever the instances: unknown ids, a source mapped twice
 * (Zeebe rejects duplicate source ids), a target of another type. Empty when it is usable.
 */
export function mappingProblems(
  instructions: readonly MappingInstruction[],
  source: Record<string, BpmnElementInfo>,
  target: Record<string, BpmnElementInfo>,
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = []
  const seen = new Set<string>()
  instructions.forEach((m, i) => {
    const path = `/mappingInstructions/${i}`
    const s = source[m.sourceElementId]
    const t = target[m.targetElementId]
    if (seen.has(m.sourceElementId)) {
      problems.push({ path, message: `source element ${m.sourceElementId} is mapped twice` })
    }
    seen.add(m.sourceElementId)
    if (!s) {
      problems.push({ path, message: `no element ${m.sourceElementId} in the source version` })
    }
    if (!t) {
      problems.push({ path, message: `no element ${m.targetElementId} in the target version` })
    }
    if (s && t && s.type !== t.type) {
      problems.push({
        path,
        message: `${m.sourceElementId} (${s.type}) cannot map to ${m.targetElementId} (${t.type}): elements must be mapped to elements of the same type`,
      })
    }
  })
  return problems
}

/** What the plan does with one instance's active elements. */
export function planActiveElements(
  active: readonly { elementInstanceKey: string; elementId: string; type: string }[],
  instructions: readonly MappingInstruction[],
  source: Record<string, BpmnElementInfo>,
  target: Record<string, BpmnElementInfo>,
): ActiveElementPlan[] {
  const mapping = new Map(instructions.map((m) => [m.sourceElementId, m.targetElementId]))
  return active.map((a) => {
    const targetElementId = mapping.get(a.elementId) ?? null
    const t = targetElementId !== null ? target[targetElementId] : undefined
    const s = source[a.elementId]
    let problem: string | null = null
    if (targetElementId === null) {
      problem = `active element ${a.elementId} has no target: elements cannot be migrated without a mapping`
    } else if (!t) {
      problem = `target ${targetElementId} is not in the target version`
    } else if (s && s.type !== t.type) {
      problem = `active element ${a.elementId} (${s.type}) is mapped to ${t.id} of another type (${t.type})`
    }
    return {
      elementInstanceKey: a.elementInstanceKey,
      elementId: a.elementId,
      elementName: s?.name ?? a.elementId,
      type: a.type,
      targetElementId,
      targetName: t?.name ?? null,
      problem,
    }
  })
}
