/**
 * Versioning and lookup of deployed decisions, as pure functions over plain data (the caller
 * stores the records; nothing here keeps state). The rules are Zeebe's DmnResourceTransformer
 * and DecisionBehavior:
 *
 * - A DRG (one DMN resource) gets version n+1 of its `decisionRequirementsId` per tenant unless
 *   it is a duplicate: same resource name, same checksum, and every decision in it still has
 *   that DRG as its latest. A duplicate keeps the stored key and version.
 * - Each decision gets version n+1 of its `decisionId` per tenant, unless its latest version
 *   belongs to the (duplicate) DRG being deployed.
 * - When any resource of a deployment is new, duplicates are versioned again with it
 *   ({@link versionTogether}), so all resources of a deployment share one deployment.
 * - Lookup by binding type: `latest`, `deployment` (deployed with the calling process),
 *   `versionTag` (the newest version carrying that tag).
 */
import type { DecisionRequirementsGraph } from './model'

/** A deployed DRG, as the DECISION_REQUIREMENTS record stores it. */
export interface StoredDrg {
  decisionRequirementsKey: number
  decisionRequirementsId: string
  decisionRequirementsName: string
  version: number
  namespace: string
  resourceName: string
  checksum: string
  tenantId: string
  deploymentKey: number
}

/** A deployed decision, as the DECISION record stores it. */
export interface StoredDecision {
  decisionKey: number
  decisionId: string
  decisionName: string
  version: number
  versionTag?: string
  decisionRequirementsId: string
  decisionRequirementsKey: number
  tenantId: string
  deploymentKey: number
}

/** What is deployed so far (any order); deleted DRGs and decisions are not in it. */
export interface DmnRegistry {
  drgs: readonly StoredDrg[]
  decisions: readonly StoredDecision[]
  /**
   * Highest version ever given per {@link versionSlot} (deleted ones included): as Zeebe's
   * version manager, a deleted version's number is never given again.
   */
  highestVersions?: Readonly<Record<string, number>>
}

/** The key of {@link DmnRegistry.highestVersions} for a DRG or decision id of a tenant. */
export function versionSlot(kind: 'drg' | 'decision', id: string, tenantId: string): string {
  return `${kind}\u0000${tenantId}\u0000${id}`
}

/** The version after `current` and after every version ever given to the id (deleted too). */
function nextVersion(
  registry: DmnRegistry | undefined,
  kind: 'drg' | 'decision',
  id: string,
  tenantId: string,
  current: number,
): number {
  return Math.max(current, registry?.highestVersions?.[versionSlot(kind, id, tenantId)] ?? 0) + 1
}

/** A DMN resource of a deployment, parsed. */
export interface DmnResource {
  resourceName: string
  /** Checksum of the resource bytes (the engine uses MD5 hex for every resource kind). */
  checksum: string
  drg: DecisionRequirementsGraph
}

/** A DRG of a deployment: new (records to write) or a duplicate of a stored one. */
export interface DrgPlan extends StoredDrg {
  duplicate: boolean
}

/** A decision of a deployment: new or a duplicate of a stored one. */
export interface DecisionPlan extends StoredDecision {
  duplicate: boolean
}

/** Keys and versions for the DMN resources of one deployment. */
export interface DmnDeploymentPlan {
  drgs: DrgPlan[]
  decisions: DecisionPlan[]
}

function latest<T extends { version: number }>(items: readonly T[]): T | undefined {
  let best: T | undefined
  for (const item of items) if (!best || item.version > best.version) best = item
  return best
}

const latestDecision = (registry: DmnRegistry, decisionId: string, tenantId: string) =>
  latest(registry.decisions.filter((d) => d.decisionId === decisionId && d.tenantId === tenantId))

/**
 * Plans the DMN resources of a deployment: refuses duplicate DRG or decision ids across its
 * resources (Zeebe's messages), else assigns keys (from `newKey`, in Zeebe's order) and versions.
 */
export function planDmnDeployment(input: {
  resources: readonly DmnResource[]
  registry: DmnRegistry
  tenantId: string
  deploymentKey: number
  newKey: () => number
}): { ok: true; plan: DmnDeploymentPlan } | { ok: false; message: string } {
  const { registry, tenantId, deploymentKey, newKey } = input
  const plan: DmnDeploymentPlan = { drgs: [], decisions: [] }
  for (const resource of input.resources) {
    const { drg, resourceName, checksum } = resource
    const sameDrg = plan.drgs.find((d) => d.decisionRequirementsId === drg.id)
    if (sameDrg) {
      return {
        ok: false,
        message: `Expected the decision requirements ids to be unique within a deployment but found a duplicated id '${drg.id}' in the resources '${sameDrg.resourceName}' and '${resourceName}'.`,
      }
    }
    const sameDecision = plan.decisions.find((p) =>
      drg.decisions.some((d) => d.id === p.decisionId),
    )
    if (sameDecision) {
      const other = plan.drgs.find(
        (d) => d.decisionRequirementsKey === sameDecision.decisionRequirementsKey,
      )
      return {
        ok: false,
        message: `Expected the decision ids to be unique within a deployment but found a duplicated id '${sameDecision.decisionId}' in the resources '${other?.resourceName ?? '<?>'}' and '${resourceName}'.`,
      }
    }

    const stored = latest(
      registry.drgs.filter((d) => d.decisionRequirementsId === drg.id && d.tenantId === tenantId),
    )
    const duplicate =
      stored !== undefined &&
      stored.resourceName === resourceName &&
      stored.checksum === checksum &&
      drg.decisions.every(
        (d) =>
          latestDecision(registry, d.id, tenantId)?.decisionRequirementsKey ===
          stored.decisionRequirementsKey,
      )
    const drgPlan: DrgPlan =
      duplicate && stored
        ? { ...stored, duplicate: true }
        : {
            decisionRequirementsKey: newKey(),
            decisionRequirementsId: drg.id,
            decisionRequirementsName: drg.name,
            version: nextVersion(registry, 'drg', drg.id, tenantId, stored?.version ?? 0),
            namespace: drg.namespace,
            resourceName,
            checksum,
            tenantId,
            deploymentKey,
            duplicate: false,
          }
    plan.drgs.push(drgPlan)

    for (const decision of drg.decisions) {
      const before = latestDecision(registry, decision.id, tenantId)
      const common = {
        decisionId: decision.id,
        decisionName: decision.name,
        versionTag: decision.versionTag,
        decisionRequirementsId: drg.id,
        decisionRequirementsKey: drgPlan.decisionRequirementsKey,
        tenantId,
      }
      plan.decisions.push(
        before && before.decisionRequirementsKey === drgPlan.decisionRequirementsKey
          ? {
              ...common,
              decisionKey: before.decisionKey,
              version: before.version,
              deploymentKey: before.deploymentKey,
              duplicate: true,
            }
          : {
              ...common,
              decisionKey: newKey(),
              version: nextVersion(
                registry,
                'decision',
                decision.id,
                tenantId,
                before?.version ?? 0,
              ),
              deploymentKey,
              duplicate: false,
            },
      )
    }
  }
  return { ok: true, plan }
}

/** True when every DRG of the plan is a duplicate (nothing to write for DMN). */
export function duplicatesOnly(plan: DmnDeploymentPlan): boolean {
  return plan.drgs.every((d) => d.duplicate)
}

/**
 * Versions duplicates again because the deployment has new resources (Zeebe:
 * "all resources in a deployment should be versioned together"). Returns a new plan.
 */
export function versionTogether(
  plan: DmnDeploymentPlan,
  deploymentKey: number,
  newKey: () => number,
  registry?: DmnRegistry,
): DmnDeploymentPlan {
  const drgs = plan.drgs.map((d) =>
    d.duplicate
      ? {
          ...d,
          decisionRequirementsKey: newKey(),
          version: nextVersion(registry, 'drg', d.decisionRequirementsId, d.tenantId, d.version),
          deploymentKey,
          duplicate: false,
        }
      : d,
  )
  const decisions = plan.decisions.map((decision) => {
    if (!decision.duplicate) return decision
    const i = plan.drgs.findIndex(
      (d) => d.decisionRequirementsKey === decision.decisionRequirementsKey,
    )
    return {
      ...decision,
      decisionKey: newKey(),
      decisionRequirementsKey: drgs[i]?.decisionRequirementsKey ?? decision.decisionRequirementsKey,
      version: nextVersion(
        registry,
        'decision',
        decision.decisionId,
        decision.tenantId,
        decision.version,
      ),
      deploymentKey,
      duplicate: false,
    }
  })
  return { drgs, decisions }
}

/** `zeebe:calledDecision bindingType`. */
export const BindingType = {
  Latest: 'latest',
  Deployment: 'deployment',
  VersionTag: 'versionTag',
} as const
export type BindingType = (typeof BindingType)[keyof typeof BindingType]

/** The decision a business rule task (or EvaluateDecision) asks for. */
export interface DecisionReference {
  decisionId: string
  /** Default `latest`. */
  bindingType?: BindingType
  /** With `versionTag` binding. */
  versionTag?: string
  /** With `deployment` binding: the deployment of the calling process definition. */
  deploymentKey?: number
  tenantId: string
}

export type DecisionLookup = { ok: true; decision: StoredDecision } | { ok: false; message: string }

/** Finds the decision a reference binds to, or Zeebe's incident message when there is none. */
export function resolveDecision(registry: DmnRegistry, ref: DecisionReference): DecisionLookup {
  const { decisionId, tenantId } = ref
  const ofId = registry.decisions.filter(
    (d) => d.decisionId === decisionId && d.tenantId === tenantId,
  )
  if (ref.bindingType === BindingType.Deployment) {
    const found = latest(ofId.filter((d) => d.deploymentKey === ref.deploymentKey))
    return found
      ? { ok: true, decision: found }
      : {
          ok: false,
          message: `Expected to evaluate decision '${decisionId}' with binding type 'deployment', but no such decision found in the deployment with key ${ref.deploymentKey ?? -1} which contained the current process. To resolve this incident, migrate the process instance to a process definition that is deployed together with the intended decision to evaluate.`,
        }
  }
  if (ref.bindingType === BindingType.VersionTag) {
    const found = latest(ofId.filter((d) => d.versionTag === ref.versionTag))
    return found
      ? { ok: true, decision: found }
      : {
          ok: false,
          message: `Expected to evaluate decision with id '${decisionId}' and version tag '${ref.versionTag ?? ''}', but no such decision found. To resolve this incident, deploy a decision with the given id and version tag.`,
        }
  }
  const found = latest(ofId)
  return found
    ? { ok: true, decision: found }
    : {
        ok: false,
        message: `Expected to evaluate decision '${decisionId}', but no decision found for id '${decisionId}'`,
      }
}

/** Finds a decision by key (EvaluateDecision with `decisionKey`). */
export function findDecisionByKey(
  registry: DmnRegistry,
  decisionKey: number,
  tenantId: string,
): DecisionLookup {
  const found = registry.decisions.find(
    (d) => d.decisionKey === decisionKey && d.tenantId === tenantId,
  )
  return found
    ? { ok: true, decision: found }
    : {
        ok: false,
        message: `Expected to evaluate decision '${decisionKey}', but no decision found for key '${decisionKey}'`,
      }
}

/** The decisions deployed with a DRG version (for the keys in DECISION_EVALUATION records). */
export function decisionsOfDrg(
  registry: DmnRegistry,
  decisionRequirementsKey: number,
): StoredDecision[] {
  return registry.decisions.filter((d) => d.decisionRequirementsKey === decisionRequirementsKey)
}
