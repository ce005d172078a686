/**
 * Deployment of `.dmn` resources, as Zeebe's DmnResourceTransformer does it: parse and validate
 * each resource (before the command runs, so a refused deployment writes nothing), plan keys and
 * versions per decisionRequirementsId and decisionId (registry.ts), version duplicates again
 * when the deployment has anything new, and write DECISION_REQUIREMENTS CREATED then DECISION
 * CREATED per new DRG. Also Zeebe's deployment-binding check of business rule tasks.
 */
import type { DeployedDecision, DeployedDecisionRequirements } from './api'
import type { DecisionRequirementsGraph } from './model'
import { parseDmn } from './parse'
import { decisionRequirementsValue, decisionValue, deploymentMetadata } from './records'
import {
  duplicatesOnly,
  planDmnDeployment,
  versionTogether,
  type DmnDeploymentPlan,
  type DmnResource,
} from './registry'
import { dmnRegistryOf } from './state'
import type { ProcessModel } from '../model/model'
import type { Runtime } from '../runtime/runtime'

/** A parsed `.dmn` resource of a deployment. */
export interface DmnDeployResource extends DmnResource {
  /** The resource text (stored in the DECISION_REQUIREMENTS record). */
  xml: string
}

/** True for the resource names Zeebe deploys as DMN. */
export const isDmnResource = (name: string): boolean => name.endsWith('.dmn')

/** Parses a `.dmn` resource; on failure the problem line of Zeebe's deployment rejection. */
export async function parseDmnResource(
  resourceName: string,
  xml: string,
  checksum: string,
): Promise<{ ok: true; resource: DmnDeployResource } | { ok: false; problem: string }> {
  const parsed = await parseDmn(xml)
  if (!parsed.ok) return { ok: false, problem: `'${resourceName}': ${parsed.message}` }
  return { ok: true, resource: { resourceName, checksum, xml, drg: parsed.drg } }
}

/**
 * Problems of the DMN part that only show across resources (duplicate DRG or decision ids
 * within the deployment), found without touching state: the plan runs with throw-away keys.
 */
export function dmnDeploymentProblems(
  resources: readonly DmnDeployResource[],
  state: Runtime['s'],
  tenantId: string,
): string[] {
  if (resources.length === 0) return []
  let fake = 0
  const planned = planDmnDeployment({
    resources,
    registry: dmnRegistryOf(state),
    tenantId,
    deploymentKey: -1,
    newKey: () => --fake,
  })
  return planned.ok ? [] : [planned.message]
}

/**
 * Zeebe's BpmnDeploymentBindingValidator for called decisions: a business rule task with
 * `bindingType="deployment"` must name a decision deployed in the same deployment.
 */
export function deploymentBindingProblems(
  bpmn: readonly { name: string; models: readonly ProcessModel[] }[],
  dmn: readonly DmnDeployResource[],
): string[] {
  const ids = new Set(dmn.flatMap((r) => r.drg.decisions.map((d) => d.id)))
  const problems: string[] = []
  for (const b of bpmn) {
    const lines: string[] = []
    for (const m of b.models) {
      for (const node of m.elements.values()) {
        const cd = node.calledDecision
        if (cd?.bindingType !== 'deployment' || ids.has(cd.decisionId)) continue
        lines.push(
          `- Element: ${node.id} > extensionElements > calledDecision\n    - ERROR: Expected to find decision with id '${cd.decisionId}' in current deployment, but not found.`,
        )
      }
    }
    if (lines.length > 0) problems.push(`'${b.name}': ${lines.join('\n')}`)
  }
  return problems
}

/** The DMN part of one deployment while its command runs. */
export interface DmnDeployment {
  plan: DmnDeploymentPlan
  /** True when a DRG of the deployment is new (not a duplicate). */
  readonly hasNew: boolean
}

/** Plans the DMN resources (keys for new DRGs and decisions come from the runtime). */
export function planDmn(
  rt: Runtime,
  resources: readonly DmnDeployResource[],
  tenantId: string,
  deploymentKey: number,
): DmnDeployment {
  const planned = planDmnDeployment({
    resources,
    registry: dmnRegistryOf(rt.s),
    tenantId,
    deploymentKey,
    newKey: () => rt.newKey(),
  })
  // Refused before the command (dmnDeploymentProblems), so this is an engine bug.
  if (!planned.ok) throw new Error(planned.message)
  return { plan: planned.plan, hasNew: !duplicatesOnly(planned.plan) }
}

/** What a deployment answers for its DMN resources. */
export interface DmnDeploymentResult {
  decisions: DeployedDecision[]
  decisionRequirements: DeployedDecisionRequirements[]
  /** The DMN fields of the DEPLOYMENT CREATED value. */
  metadata: ReturnType<typeof deploymentMetadata>
}

/**
 * Writes the DMN records of a deployment: when anything in it is new (`othersNew`: a process or
 * form), duplicate DRGs are versioned again with it; then DECISION_REQUIREMENTS CREATED and the
 * DECISION CREATED of its decisions, per new DRG. Registers the parsed DRGs with the runtime.
 */
export function writeDmn(
  rt: Runtime,
  deployment: DmnDeployment,
  resources: readonly DmnDeployResource[],
  deploymentKey: number,
  othersNew: boolean,
): DmnDeploymentResult {
  let plan = deployment.plan
  if (!duplicatesOnly(plan) || othersNew)
    plan = versionTogether(plan, deploymentKey, () => rt.newKey(), dmnRegistryOf(rt.s))
  plan.drgs.forEach((drg, i) => {
    if (drg.duplicate) return
    const resource = resources[i]!
    rt.emit(
      'DECISION_REQUIREMENTS',
      'CREATED',
      drg.decisionRequirementsKey,
      decisionRequirementsValue(drg, resource.xml),
    )
    rt.drgs.set(drg.decisionRequirementsKey, resource.drg)
    for (const d of plan.decisions) {
      if (d.decisionRequirementsKey === drg.decisionRequirementsKey && !d.duplicate)
        rt.emit('DECISION', 'CREATED', d.decisionKey, decisionValue(d))
    }
  })
  return {
    decisions: plan.decisions.map((d) => ({
      decisionId: d.decisionId,
      decisionName: d.decisionName,
      version: d.version,
      decisionKey: String(d.decisionKey),
      decisionRequirementsId: d.decisionRequirementsId,
      decisionRequirementsKey: String(d.decisionRequirementsKey),
      tenantId: d.tenantId,
    })),
    decisionRequirements: plan.drgs.map((d) => ({
      decisionRequirementsId: d.decisionRequirementsId,
      decisionRequirementsName: d.decisionRequirementsName,
      version: d.version,
      decisionRequirementsKey: String(d.decisionRequirementsKey),
      resourceName: d.resourceName,
      tenantId: d.tenantId,
    })),
    metadata: deploymentMetadata(plan),
  }
}

/**
 * Parses the DRGs of the state the runtime does not have yet (after loading a snapshot and
 * replaying the log). Identical resources are parsed once.
 */
export async function loadDrgModels(rt: Runtime): Promise<void> {
  const byXml = new Map<string, DecisionRequirementsGraph>()
  for (const drg of Object.values(rt.s.decisionRequirements ?? {})) {
    if (rt.drgs.has(drg.decisionRequirementsKey)) continue
    let model = byXml.get(drg.resource)
    if (!model) {
      const parsed = await parseDmn(drg.resource)
      // It was valid when deployed; a parser that refuses it now leaves the DRG unevaluable
      // (evaluations then raise Zeebe's "no drg found" incident) rather than stop the engine.
      if (!parsed.ok) continue
      model = parsed.drg
      byXml.set(drg.resource, model)
    }
    rt.drgs.set(drg.decisionRequirementsKey, model)
  }
}
