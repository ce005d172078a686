/**
 * What a deployment with `.dmn` resources records (ISO/IEC 20000-1 4.3.2, 4.3.3): the decision
 * requirements graph (DRG) versions Zeebe assigned with their exact XML, their decisions, and
 * for every process version of the deployment the decision versions it evaluates with
 * `bindingType="deployment"` (the ones deployed with it), so a case can name the version that
 * decided it. Only DeployResource's public answer is read.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { deployedVersionInfo } from './process-version-info'
import { describeDmn } from './dmn'
import type { AuditSink } from '../evidence/audit-sink'
import { checksum } from './processes.model'

/** The DeployResource answer entries this module reads (gateway.proto's metadata). */
export interface DecisionDeploymentMetadata {
  process?: { bpmnProcessId: string; version: number; processDefinitionKey: string; resourceName: string }
  decision?: {
    dmnDecisionId: string
    dmnDecisionName: string
    version: number
    decisionKey: string
    dmnDecisionRequirementsId: string
    decisionRequirementsKey: string
  }
  decisionRequirements?: {
    dmnDecisionRequirementsId: string
    dmnDecisionRequirementsName: string
    version: number
    decisionRequirementsKey: string
    resourceName: string
  }
}

export interface DeployedDecisionRequirements {
  decisionRequirementsId: string
  version: number
  decisionRequirementsKey: string
  resourceName: string
  decisions: { decisionId: string; version: number; decisionKey: string }[]
}


/** The resource of a deployment as Zeebe gets it: `.dmn` files go in as decisions. */
export function resourceOf(file: { name: string; content: Buffer }) {
  if (file.name.endsWith('.form')) return { name: file.name, form: file.content }
  if (file.name.endsWith('.dmn')) return { name: file.name, decision: file.content }
  return { name: file.name, process: file.content }
}

/**
 * Records the DRG versions and decisions of a deployment and binds its process versions to the
 * decisions they call with `bindingType="deployment"`. Idempotent: a duplicate (the engine gave
 * back existing keys) records nothing new, so deploying the same files again is harmless.
 */
export async function recordDecisionDeployment(
  /** `db` is the transaction of the deployment's recording; evidence is written in it. */
  deps: { db: Kysely<DB>; audit: AuditSink },
  input: {
    deploymentKey: string
    metas: DecisionDeploymentMetadata[]
    files: Map<string, { name: string; content: Buffer }>
    by: { actor: string; approvedBy?: string | null; draftId?: string | null }
  },
): Promise<DeployedDecisionRequirements[]> {
  const { db, audit } = deps
  const { deploymentKey, metas, files, by } = input
  const decisions = metas.flatMap((m) => (m.decision ? [m.decision] : []))
  const out: DeployedDecisionRequirements[] = []
  for (const meta of metas) {
    const drg = meta.decisionRequirements
    if (!drg) continue
    const file = files.get(drg.resourceName)
    if (!file) continue
    const xml = file.content.toString('utf8')
    const key = String(drg.decisionRequirementsKey)
    const mine = decisions.filter((d) => String(d.decisionRequirementsKey) === key)
    const inserted = await db
      .insertInto('decision_requirements_versions')
      .values({
        decision_requirements_key: key,
        decision_requirements_id: drg.dmnDecisionRequirementsId,
        version: drg.version,
        name: drg.dmnDecisionRequirementsName || drg.dmnDecisionRequirementsId,
        resource_name: drg.resourceName,
        xml,
        checksum: checksum(xml),
        state: 'deployed',
        deployment_key: deploymentKey,
        deployed_by: by.actor,
        approved_by: by.approvedBy ?? null,
        draft_id: by.draftId ?? null,
      })
      .onConflict((oc) => oc.column('decision_requirements_key').doNothing())
      .returning('decision_requirements_key')
      .executeTakeFirst()
    for (const d of mine) {
      await db
        .insertInto('deployed_decisions')
        .values({
          decision_key: String(d.decisionKey),
          decision_id: d.dmnDecisionId,
          name: d.dmnDecisionName || d.dmnDecisionId,
          version: d.version,
          decision_requirements_key: key,
          decision_requirements_id: d.dmnDecisionRequirementsId,
          deployment_key: deploymentKey,
        })
        .onConflict((oc) => oc.column('decision_key').doNothing())
        .execute()
    }
    if (inserted) {
      await db
        .updateTable('decision_requirements_versions')
        .set({ state: 'superseded' })
        .where('decision_requirements_id', '=', drg.dmnDecisionRequirementsId)
        .where('version', '<', drg.version)
        .where('state', '=', 'deployed')
        .execute()
      await audit.append(
        {
          actor: by.actor,
          action: 'decision.deployed',
          entityType: 'decision-version',
          entityId: `${drg.dmnDecisionRequirementsId}:${drg.version}`,
          after: {
            decisionRequirementsKey: key,
            version: drg.version,
            checksum: checksum(xml),
            decisions: mine.map((d) => ({ decisionId: d.dmnDecisionId, version: d.version, decisionKey: String(d.decisionKey) })),
            approvedBy: by.approvedBy ?? null,
            draftId: by.draftId ?? null,
          },
        },
        db,
      )
    }
    out.push({
      decisionRequirementsId: drg.dmnDecisionRequirementsId,
      version: drg.version,
      decisionRequirementsKey: key,
      resourceName: drg.resourceName,
      decisions: mine.map((d) => ({ decisionId: d.dmnDecisionId, version: d.version, decisionKey: String(d.decisionKey) })),
    })
  }
  // bindingType="deployment": a process version evaluates the decision deployed with it
  for (const meta of metas) {
    const p = meta.process
    if (!p) continue
    const file = files.get(p.resourceName)
    if (!file) continue
    const info = await deployedVersionInfo(file.content.toString('utf8'), p.bpmnProcessId)
    const called = new Set(Object.values(info.calledDecisions))
    for (const decisionId of called) {
      const d = decisions.find((x) => x.dmnDecisionId === decisionId)
      if (!d) continue
      await db
        .insertInto('process_version_decisions')
        .values({
          process_definition_key: String(p.processDefinitionKey),
          decision_id: decisionId,
          decision_key: String(d.decisionKey),
        })
        .onConflict((oc) => oc.columns(['process_definition_key', 'decision_id']).doNothing())
        .execute()
    }
  }
  return out
}

/** The decision version a process version evaluates for `decisionId`, if bound. */
export async function boundDecision(
  db: Kysely<DB>,
  processDefinitionKey: string,
  decisionId: string,
): Promise<{ decisionId: string; version: number; decisionKey: string } | null> {
  const row = await db
    .selectFrom('process_version_decisions as b')
    .innerJoin('deployed_decisions as d', 'd.decision_key', 'b.decision_key')
    .select(['d.decision_id', 'd.version', 'd.decision_key'])
    .where('b.process_definition_key', '=', processDefinitionKey)
    .where('b.decision_id', '=', decisionId)
    .executeTakeFirst()
  return row ? { decisionId: row.decision_id, version: row.version, decisionKey: row.decision_key } : null
}

/** The `.dmn` files of a set that hold the given decision ids, by reading each file. */
export async function dmnFilesHolding(
  files: { name: string; content: Buffer }[],
  decisionIds: Set<string>,
): Promise<{ name: string; content: Buffer }[]> {
  const out: { name: string; content: Buffer }[] = []
  for (const f of files) {
    if (!f.name.endsWith('.dmn')) continue
    const info = await describeDmn(f.content.toString('utf8'))
    if (info.decisions.some((d) => decisionIds.has(d.id))) out.push(f)
  }
  return out
}
