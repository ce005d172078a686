/**
 * The deployed DMN resources in the engine state: DECISION_REQUIREMENTS CREATED and DECISION
 * CREATED records applied to plain data (so snapshots and log replay rebuild them), and the
 * {@link DmnRegistry} view the registry functions take.
 */
import type { RecordOf } from '../state/records'
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

/** Applies a DECISION_REQUIREMENTS or DECISION record (other intents change nothing). */
export function applyDmnRecord(
  s: DmnStateData,
  r: RecordOf<'DECISION_REQUIREMENTS'> | RecordOf<'DECISION'>,
): void {
  const key = Number(r.key)
  if (r.intent === 'DELETED') {
    // the deleted version's number stays taken (Zeebe's version manager)
    if (r.valueType === 'DECISION_REQUIREMENTS') {
      // the record's key is a new one (Zeebe); the value names the DRG
      const drgKey = r.value.decisionRequirementsKey
      const drg = s.decisionRequirements?.[drgKey]
      if (!drg) return
      noteVersion(s, versionSlot('drg', drg.decisionRequirementsId, drg.tenantId), drg.version)
      delete s.decisionRequirements![drgKey]
    } else {
      const decisionKey = r.value.decisionKey
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
  if (r.intent !== 'CREATED') return
  if (r.valueType === 'DECISION_REQUIREMENTS') {
    const v = r.value
    ;(s.decisionRequirements ??= {})[key] = {
      decisionRequirementsKey: key,
      decisionRequirementsId: v.decisionRequirementsId,
      decisionRequirementsName: v.decisionRequirementsName,
      version: v.decisionRequirementsVersion,
      namespace: v.namespace,
      resourceName: v.resourceName,
      checksum: v.checksum,
      tenantId: v.tenantId,
      deploymentKey: v.deploymentKey,
      resource: v.resource,
    }
  } else {
    const v = r.value
    ;(s.decisions ??= {})[key] = {
      decisionKey: key,
      decisionId: v.decisionId,
      decisionName: v.decisionName,
      version: v.version,
      ...(v.versionTag ? { versionTag: v.versionTag } : {}),
      decisionRequirementsId: v.decisionRequirementsId,
      decisionRequirementsKey: v.decisionRequirementsKey,
      tenantId: v.tenantId,
      deploymentKey: v.deploymentKey,
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
