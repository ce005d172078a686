/**
 * Deploying procedures (ISO/IEC 20000-1 4.3.2): BPMN, DMN and form files go to the engine in one
 * deployment, and what the engine assigned is recorded with its evidence in one transaction:
 * the form versions, the process versions with their exact XML and the form versions each is
 * bound to, the decisions. The engine is reached only through the Zeebe client.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { UserError } from '../errors'
import { engineErrorText, type ZeebeClient } from '../zeebe/zeebe-client'
import { loadProcessResources } from '../forms/resources'
import type { AuditSink, EvidenceInput } from '../evidence/audit-sink'
import {
  recordDecisionDeployment,
  resourceOf,
  type DecisionDeploymentMetadata,
} from './decision-deployment'
import { bindForms, deployedVersionInfo } from './process-version-info'
import { checksum, type DeployedVersion, type DeployFile } from './processes.model'
import { shippedOrApproved } from './shipped'

interface DeploymentMetadata {
  process?: {
    bpmnProcessId: string
    version: number
    processDefinitionKey: string
    resourceName: string
  }
  form?: { formId: string; version: number; formKey: string; resourceName: string }
}

/** Who deploys, who approved it and from which draft (4.3.2). */
export interface DeployedBy {
  actor: string
  approvedBy?: string | null
  draftId?: string | null
}

export class ProcessDeployment {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      zeebe: ZeebeClient
      audit: AuditSink
      /** `forms/` of the repository. */
      formsDir: string
    },
  ) {}

  /**
   * Deploys BPMN and form files in one deployment and records the versions Zeebe assigned.
   * Unchanged files come back with their existing version (nothing new is recorded).
   */
  async deploy(files: DeployFile[], by: DeployedBy): Promise<DeployedVersion[]> {
    const { db, zeebe, audit } = this.deps
    const resources = files.map(resourceOf)
    let response: { key: string; deployments: unknown[] }
    try {
      response = await zeebe.deployResources(resources)
    } catch (err) {
      throw new UserError(`The engine rejected the deployment: ${engineErrorText(err)}`)
    }
    const deploymentKey = String(response.key)
    const byName = new Map(files.map((f) => [f.name, f]))
    const metas = response.deployments as DeploymentMetadata[]
    return db.transaction().execute(async (tx) => {
      const formsNow = await recordForms(tx, deploymentKey, metas, byName)
      const deployed: DeployedVersion[] = []
      for (const meta of metas) {
        const p = meta.process
        const file = p && byName.get(p.resourceName)
        if (!p || !file) continue
        const evidence = await recordProcessVersion(tx, deploymentKey, p, file, formsNow, by)
        if (evidence) await audit.append(evidence, tx)
        deployed.push({
          bpmnProcessId: p.bpmnProcessId,
          version: p.version,
          processDefinitionKey: String(p.processDefinitionKey),
          resourceName: p.resourceName,
        })
      }
      await recordDecisionDeployment(
        { db: tx, audit },
        {
          deploymentKey,
          metas: response.deployments as DecisionDeploymentMetadata[],
          files: byName,
          by,
        },
      )
      return deployed
    })
  }

  /**
   * Deploys every `.bpmn` and `.dmn` of `processesDir` with every `.form` of the forms folder; a
   * `.bpmn` or `.dmn` unchanged since it was last deployed from there is replaced by its latest
   * deployed version (an approved change is not undone by a restart).
   */
  async deployDirectory(processesDir: string, actor = 'system'): Promise<DeployedVersion[]> {
    const shipped = await loadProcessResources(processesDir, this.deps.formsDir)
    if (!shipped.some((f) => f.name.endsWith('.bpmn'))) return []
    // a shipped file unchanged since its last start keeps what document control deployed since
    const files = await shippedOrApproved(this.deps.db, shipped, actor)
    return this.deploy(files, { actor })
  }
}

/** Stores the forms of a deployment; returns form id → form key of each (the first one wins). */
async function recordForms(
  tx: Kysely<DB>,
  deploymentKey: string,
  metas: DeploymentMetadata[],
  byName: Map<string, DeployFile>,
): Promise<Map<string, string>> {
  const formsNow = new Map<string, string>()
  for (const form of metas.flatMap((m) => (m.form ? [m.form] : []))) {
    if (!formsNow.has(form.formId)) formsNow.set(form.formId, String(form.formKey))
    const file = byName.get(form.resourceName)
    if (!file) continue
    await tx
      .insertInto('deployed_forms')
      .values({
        form_key: String(form.formKey),
        form_id: form.formId,
        version: form.version,
        schema: JSON.stringify(JSON.parse(file.content.toString('utf8'))),
        deployment_key: deploymentKey,
      })
      .onConflict((oc) => oc.column('form_key').doNothing())
      .execute()
  }
  return formsNow
}

/**
 * Stores a process version of a deployment with its exact XML and binds it to a version of
 * every form it links; a new version supersedes the older ones. Returns its evidence, or null
 * when the engine gave back a version already recorded.
 */
async function recordProcessVersion(
  tx: Kysely<DB>,
  deploymentKey: string,
  p: NonNullable<DeploymentMetadata['process']>,
  file: DeployFile,
  formsNow: Map<string, string>,
  by: DeployedBy,
): Promise<EvidenceInput | null> {
  const xml = file.content.toString('utf8')
  const key = String(p.processDefinitionKey)
  const info = await deployedVersionInfo(xml, p.bpmnProcessId)
  const inserted = await tx
    .insertInto('process_versions')
    .values({
      process_definition_key: key,
      bpmn_process_id: p.bpmnProcessId,
      version: p.version,
      name: info.name,
      resource_name: p.resourceName,
      xml,
      checksum: checksum(xml),
      state: 'deployed',
      deployment_key: deploymentKey,
      deployed_by: by.actor,
      approved_by: by.approvedBy ?? null,
      draft_id: by.draftId ?? null,
    })
    .onConflict((oc) => oc.column('process_definition_key').doNothing())
    .returning('process_definition_key')
    .executeTakeFirst()
  // Forms are bound to the version they were deployed with: remember which form version each
  // linked form id resolved to in this deployment (else its latest version deployed before).
  await bindForms(tx, key, info, formsNow)
  if (!inserted) return null
  await tx
    .updateTable('process_versions')
    .set({ state: 'superseded' })
    .where('bpmn_process_id', '=', p.bpmnProcessId)
    .where('version', '<', p.version)
    .where('state', '=', 'deployed')
    .execute()
  return {
    actor: by.actor,
    action: 'process.deployed',
    entityType: 'process-version',
    entityId: `${p.bpmnProcessId}:${p.version}`,
    after: {
      processDefinitionKey: key,
      version: p.version,
      checksum: checksum(xml),
      approvedBy: by.approvedBy ?? null,
      draftId: by.draftId ?? null,
    },
  }
}
