/**
 * The deployed DMN resources in the engine state: DECISION_REQUIREMENTS CREATED and DECISION
 * CREATED records applied to plain data (so snapshots and log replay rebuild them), and the
 * {@link DmnRegistry} view the registry functions take.
 */
import type { DmnRegistry, StoredDecision, StoredDrg } from './registry'

/** A deployed DRG with its resource text (re-parsed after a restart). */
export interface DrgState extends StoredDrg {
  resource: string
}

/** The DMN part of the engine state. Optional: snapshots older than DMN support lack it. */
export interface DmnStateData {
  decisionRequirements?: Record<string, DrgState>
  decisions?: Record<string, StoredDecision>
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
  }
}
