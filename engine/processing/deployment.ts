/**
 * Deployment (Zeebe's DeploymentCreateProcessor): BPMN, form and DMN resources are parsed and
 * validated before the command runs ({@link validateDeployment}); the command then versions the
 * deployment's resources together and writes their records ({@link deploy}).
 */
import { createHash } from 'node:crypto'
import {
  type DeployedForm,
  type DeployedProcess,
  type DeploymentResult,
  type DeployResource,
  EngineErrorCode,
} from '../api'
import { nextVersion } from '../commands/appliers'
import {
  deploymentBindingProblems,
  dmnDeploymentProblems,
  isDmnResource,
  parseDmnResource,
  planDmn,
  writeDmn,
  type DmnDeployResource,
} from '../dmn/deploy'
import type { ProcessModel } from '../model/model'
import { parseBpmn, type ValidationError } from '../model/parse'
import type { Runtime } from '../runtime/runtime'
import type { EngineStateData, ProcessDefinitionState } from '../state/state'
import { reject, tenantOf } from './common'
import type { ProcessModels } from './models'
import { scheduleStartTimers } from './timer'

/** A deployment's resources, parsed and valid. */
export interface DeploymentPlan {
  tenant: string
  resourceNames: string[]
  bpmn: { name: string; xml: string; checksum: string; models: ProcessModel[] }[]
  forms: { name: string; formId: string; text: string; checksum: string }[]
  dmn: DmnDeployResource[]
}

/** Parses and validates the resources; rejects with all their problems as one error. */
export async function validateDeployment(
  resources: DeployResource[],
  tenantId: string | undefined,
  s: EngineStateData,
  models: ProcessModels,
): Promise<DeploymentPlan> {
  const tenant = tenantOf(tenantId)
  if (resources.length === 0) {
    reject(
      EngineErrorCode.InvalidArgument,
      'Expected to deploy at least one resource, but none given',
    )
  }
  const problems: string[] = []
  const bpmn: { name: string; xml: string; checksum: string; models: ProcessModel[] }[] = []
  const forms: { name: string; formId: string; text: string; checksum: string }[] = []
  const dmn: DmnDeployResource[] = []
  for (const r of resources) {
    const text = r.content.toString('utf8')
    const checksum = createHash('md5').update(r.content).digest('hex')
    if (isDmnResource(r.name)) {
      const parsedDmn = await parseDmnResource(r.name, text, checksum)
      if (parsedDmn.ok) dmn.push(parsedDmn.resource)
      else problems.push(parsedDmn.problem)
      continue
    }
    if (r.name.endsWith('.form')) {
      let formId: unknown
      try {
        formId = (JSON.parse(text) as { id?: unknown }).id
      } catch (err) {
        problems.push(`'${r.name}': ${err instanceof Error ? err.message : String(err)}`)
        continue
      }
      if (typeof formId !== 'string' || !formId) {
        problems.push(`'${r.name}': Expected the form to have an 'id', but none was found`)
        continue
      }
      forms.push({ name: r.name, formId, text, checksum })
      continue
    }
    if (!r.name.endsWith('.bpmn') && !r.name.endsWith('.xml')) {
      problems.push(
        `'${r.name}': Expected the resource to be a BPMN (.bpmn, .xml), DMN (.dmn) or form (.form) file`,
      )
      continue
    }
    let parsed: { processes: ProcessModel[]; errors: ValidationError[] }
    try {
      parsed = await parseBpmn(text)
    } catch (err) {
      problems.push(`'${r.name}': ${err instanceof Error ? err.message : String(err)}`)
      continue
    }
    if (parsed.errors.length > 0) {
      const lines = parsed.errors.map((e) => `- Element: ${e.elementId}\n    - ERROR: ${e.message}`)
      problems.push(`'${r.name}': ${lines.join('\n')}`)
      continue
    }
    models.remember(text, parsed.processes)
    bpmn.push({ name: r.name, xml: text, checksum, models: parsed.processes })
  }
  const seen = new Map<string, string>()
  for (const b of bpmn) {
    for (const m of b.models) {
      const other = seen.get(m.bpmnProcessId)
      if (other !== undefined) {
        problems.push(
          `Expected the process ids to be unique within a deployment but found a duplicated process id '${m.bpmnProcessId}' in the resources '${other}' and '${b.name}'.`,
        )
      }
      seen.set(m.bpmnProcessId, b.name)
    }
  }
  problems.push(...dmnDeploymentProblems(dmn, s, tenant))
  problems.push(...deploymentBindingProblems(bpmn, dmn))
  if (problems.length > 0) {
    reject(
      EngineErrorCode.InvalidArgument,
      `Expected to deploy new resources, but encountered the following errors:\n${problems.join('\n')}`,
    )
  }

  return {
    tenant,
    resourceNames: resources.map((r) => r.name),
    bpmn,
    forms,
    dmn,
  }
}

/** Writes the deployment's records: new versions, or the existing ones when nothing changed. */
export function deploy(rt: Runtime, models: ProcessModels, plan: DeploymentPlan): DeploymentResult {
  const { tenant, resourceNames, bpmn, forms, dmn } = plan
  const deploymentKey = rt.newKey()
  const dmnDeployment = planDmn(rt, dmn, tenant, deploymentKey)
  const processes: DeployedProcess[] = []
  const deployedForms: DeployedForm[] = []
  const created: ProcessDefinitionState[] = []
  const latestProcess = (id: string) =>
    [...(rt.idx.versions.get(id) ?? [])]
      .reverse()
      .map((k) => rt.s.processes[k])
      .find((p) => p?.tenantId === tenant)
  const latestForm = (id: string) => {
    const versions = rt.idx.formVersions.get(id) ?? []
    return versions.length > 0 ? rt.s.forms[versions[versions.length - 1]!] : undefined
  }
  // Zeebe versions the resources of a deployment together: an unchanged resource is a
  // duplicate (no new version) only when every resource of the deployment (processes,
  // forms, decisions) is unchanged.
  const duplicatesOnly =
    bpmn.every((b) =>
      b.models.every((m) => {
        const latest = latestProcess(m.bpmnProcessId)
        return latest?.checksum === b.checksum && latest.resourceName === b.name
      }),
    ) &&
    forms.every((f) => latestForm(f.formId)?.checksum === f.checksum) &&
    !dmnDeployment.hasNew
  for (const b of bpmn) {
    for (const m of b.models) {
      const latest = latestProcess(m.bpmnProcessId)
      if (duplicatesOnly && latest) {
        processes.push({
          bpmnProcessId: latest.bpmnProcessId,
          version: latest.version,
          processDefinitionKey: String(latest.key),
          resourceName: latest.resourceName,
          tenantId: tenant,
          ...(latest.versionTag ? { versionTag: latest.versionTag } : {}),
        })
        continue
      }
      const key = rt.newKey()
      const version = nextVersion(rt.s, 'process', m.bpmnProcessId, tenant, latest?.version)
      rt.emit('PROCESS', 'CREATED', key, {
        bpmnProcessId: m.bpmnProcessId,
        version,
        processDefinitionKey: key,
        resourceName: b.name,
        checksum: b.checksum,
        resource: b.xml,
        tenantId: tenant,
        deploymentKey,
        versionTag: m.versionTag ?? '',
        duplicate: false,
      })
      models.bind(key, m)
      const def = rt.s.processes[key]
      if (def) created.push(def)
      processes.push({
        bpmnProcessId: m.bpmnProcessId,
        version,
        processDefinitionKey: String(key),
        resourceName: b.name,
        tenantId: tenant,
        ...(m.versionTag ? { versionTag: m.versionTag } : {}),
      })
    }
  }
  for (const f of forms) {
    const latest = latestForm(f.formId)
    if (duplicatesOnly && latest) {
      deployedForms.push({
        formId: f.formId,
        version: latest.version,
        formKey: String(latest.key),
        resourceName: latest.resourceName,
        tenantId: tenant,
      })
      continue
    }
    const key = rt.newKey()
    const version = nextVersion(rt.s, 'form', f.formId, tenant, latest?.version)
    rt.emit('FORM', 'CREATED', key, {
      formId: f.formId,
      version,
      formKey: key,
      resourceName: f.name,
      checksum: f.checksum,
      resource: f.text,
      tenantId: tenant,
      deploymentKey,
    })
    deployedForms.push({
      formId: f.formId,
      version,
      formKey: String(key),
      resourceName: f.name,
      tenantId: tenant,
    })
  }
  const dmnResult = writeDmn(
    rt,
    dmnDeployment,
    dmn,
    deploymentKey,
    created.length > 0 ||
      deployedForms.some((f) => rt.s.forms[f.formKey]?.deploymentKey === deploymentKey),
  )
  rt.emit('DEPLOYMENT', 'CREATED', deploymentKey, {
    resources: resourceNames.map((resourceName) => ({ resourceName })),
    processesMetadata: processes.map((p) => ({
      ...p,
      processDefinitionKey: Number(p.processDefinitionKey),
    })),
    formMetadata: deployedForms.map((f) => ({ ...f, formKey: Number(f.formKey) })),
    ...dmnResult.metadata,
    tenantId: tenant,
  })
  for (const def of created) scheduleStartTimers(rt, def)
  return {
    key: String(deploymentKey),
    processes,
    forms: deployedForms,
    decisions: dmnResult.decisions,
    decisionRequirements: dmnResult.decisionRequirements,
    tenantId: tenant,
  }
}
