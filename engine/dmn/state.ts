/**
 * The deployed DMN resources in the engine state: DECISION_REQUIREMENTS CREATED and DECISION
 * CREATED records applied to plain data (so snapshots and log replay rebuild them), and the
 * {@link DmnRegistry} view the registry functions take.
 */
import { versionSlot, type DmnRegistry, type StoredDecision, type StoredDrg } from './registry'

/** A deployed DRG with its resource text (re-parsed after a restart). */
export interface DrgState extends StoredDrg {
  resource: string
}

/** The DMN part of the engine state. Optional: snapshots older than DMN support lack it. */
export interface DmnStateData {
  decisionRequirements?: Record<string, DrgState>
  decisions?: Record<string, StoredDecision>
  /** Highest version ever given per DRG/decision id and tenant (see DmnRegistry). */
  dmnHighestVersions?: Record<string, number>
}

function noteVersion(s: DmnStateData, slot: string, version: number): void {
  const highest = (s.dmnHighestVersions ??= {})
  if ((highest[slot] ?? 0) < version) highest[slot] = version
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v))
const text = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''))

/** Applies a DECISION_REQUIREMENTS or DECISION record (other intents change nothing). */
export function applyDmnRecord(
  s: DmnStateData,
  valueType: string,
  intent: string,
  key: number,
  v: Record<string, unknown>,
): void {
  if (intent === 'DELETED') {
    // the deleted version's number stays taken (Zeebe's version manager)
    if (valueType === 'DECISION_REQUIREMENTS') {
      // the record's key is a new one (Zeebe); the value names the DRG
      const drgKey = num(v.decisionRequirementsKey)
      const drg = s.decisionRequirements?.[drgKey]
      if (!drg) return
      noteVersion(s, versionSlot('drg', drg.decisionRequirementsId, drg.tenantId), drg.version)
      delete s.decisionRequirements![drgKey]
    } else if (valueType === 'DECISION') {
      const decisionKey = num(v.decisionKey)
      const decision = s.decisions?.[decisionKey]
      if (!decision) return
      noteVersion(
        s,
        versionSlot('decision', decision.decisionId, decision.tenantId),
        decision.version,
      )
      delete s.decisions![decisionKey]
    }
    return
  }
  if (intent !== 'CREATED') return
  if (valueType === 'DECISION_REQUIREMENTS') {
    ;(s.decisionRequirements ??= {})[key] = {
      decisionRequirementsKey: key,
      decisionRequirementsId: text(v.decisionRequirementsId),
      decisionRequirementsName: text(v.decisionRequirementsName),
      version: num(v.decisionRequirementsVersion),
      namespace: text(v.namespace),
      resourceName: text(v.resourceName),
      checksum: text(v.checksum),
      tenantId: text(v.tenantId),
      deploymentKey: num(v.deploymentKey),
      resource: text(v.resource),
    }
  } else if (valueType === 'DECISION') {
    const versionTag = text(v.versionTag)
    ;(s.decisions ??= {})[key] = {
      decisionKey: key,
      decisionId: text(v.decisionId),
      decisionName: text(v.decisionName),
      version: num(v.version),
      ...(versionTag ? { versionTag } : {}),
      decisionRequirementsId: text(v.decisionRequirementsId),
      decisionRequirementsKey: num(v.decisionRequirementsKey),
      tenantId: text(v.tenantId),
      deploymentKey: num(v.deploymentKey),
    }
  }
}

/** The deployed DRGs and decisions as the registry functions read them. */
export function dmnRegistryOf(s: DmnStateData): DmnRegistry {
  return {
    drgs: Object.values(s.decisionRequirements ?? {}),
    decisions: Object.values(s.decisions ?? {}),
    highestVersions: s.dmnHighestVersions ?? {},
  }
}
