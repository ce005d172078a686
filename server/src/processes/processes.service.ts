/**
 * Procedures under document control (ISO/IEC 20000-1 4.3.2): the deployed versions of every
 * process with the forms deployed beside them, drafts that process owners write, the approval
 * by someone other than the author, and deployment by an administrator. The engine is reached
 * only through the Zeebe client.
 */
import { createHash, randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, ForbiddenError, NotFoundError, UserError } from '../errors'
import { engineErrorText, type ZeebeClient } from '../zeebe/zeebe-client'
import { filesOf, loadProcessResources, type ProcessResource } from '../forms/resources'
import { describeBpmn, lintBpmn, type BpmnElementInfo, type LintProblem } from './bpmn'

/** Where every state change of a procedure is written as evidence (4.3.3). */
export interface AuditSink {
  append(entry: {
    actor: string
    action: string
    entityType: string
    entityId: string
    before?: unknown
    after?: unknown
    processInstanceKey?: string | null
  }): Promise<unknown>
}

export const DraftState = {
  Draft: 'draft',
  InReview: 'in-review',
  Approved: 'approved',
  Rejected: 'rejected',
  Deployed: 'deployed',
} as const
export type DraftState = (typeof DraftState)[keyof typeof DraftState]

/** A BPMN or form file to deploy. */
export type DeployFile = ProcessResource

export interface DeployedVersion {
  bpmnProcessId: string
  version: number
  processDefinitionKey: string
  resourceName: string
}

export interface ProcessVersionView {
  version: number
  processDefinitionKey: string
  name: string
  state: string
  deployedAt: string
  deployedBy: string
  approvedBy: string | null
  draftId: string | null
  runningInstances: number
  completedInstances: number
  cancelledInstances: number
}

export interface ProcessView {
  bpmnProcessId: string
  name: string
  latestVersion: number
  versions: ProcessVersionView[]
  drafts: DraftView[]
}

export interface DraftView {
  id: string
  bpmnProcessId: string
  xml?: string
  state: DraftState
  author: string
  baseVersion: number | null
  lint: LintProblem[]
  createdAt: string
  updatedAt: string
  submittedAt: string | null
  approvedBy: string | null
  approvedAt: string | null
  rejectedBy: string | null
  rejectedReason: string | null
  deployedBy: string | null
  deployedAt: string | null
  processDefinitionKey: string | null
  version: number
}

export interface ElementDiff {
  added: BpmnElementInfo[]
  removed: BpmnElementInfo[]
  changed: { id: string; before: BpmnElementInfo; after: BpmnElementInfo }[]
}

const iso = (d: Date | string | null | undefined) =>
  d == null ? null : (d instanceof Date ? d : new Date(d)).toISOString()
const checksum = (text: string | Buffer) => createHash('sha256').update(text).digest('hex')

interface DeploymentMetadata {
  process?: {
    bpmnProcessId: string
    version: number
    processDefinitionKey: string
    resourceName: string
  }
  form?: { formId: string; version: number; formKey: string; resourceName: string }
}

export interface ProcessesServiceDeps {
  db: Kysely<DB>
  zeebe: ZeebeClient
  audit?: AuditSink
  /** `forms/` of the repository: forms a draft references are deployed with it. */
  formsDir: string
}

export class ProcessesService {
  constructor(private readonly deps: ProcessesServiceDeps) {}

  /**
   * Deploys BPMN and form files in one deployment and records the versions Zeebe assigned.
   * Unchanged files come back with their existing version (nothing new is recorded).
   */
  async deploy(
    files: DeployFile[],
    by: { actor: string; approvedBy?: string | null; draftId?: string | null },
  ): Promise<DeployedVersion[]> {
    const { db, zeebe } = this.deps
    const resources = files.map((f) =>
      f.name.endsWith('.form')
        ? { name: f.name, form: f.content }
        : { name: f.name, process: f.content },
    )
    let response: { key: string; deployments: unknown[] }
    try {
      response = await zeebe.deployResources(resources)
    } catch (err) {
      throw new UserError(`The engine rejected the deployment: ${engineErrorText(err)}`)
    }
    const byName = new Map(files.map((f) => [f.name, f]))
    const metas = response.deployments as DeploymentMetadata[]
    const forms = metas.flatMap((m) => (m.form ? [m.form] : []))
    const deployed: DeployedVersion[] = []
    for (const form of forms) {
      const file = byName.get(form.resourceName)
      if (!file) continue
      await db
        .insertInto('deployed_forms')
        .values({
          form_key: String(form.formKey),
          form_id: form.formId,
          version: form.version,
          schema: JSON.stringify(JSON.parse(file.content.toString('utf8'))),
          deployment_key: String(response.key),
        })
        .onConflict((oc) => oc.column('form_key').doNothing())
        .execute()
    }
    for (const meta of metas) {
      const p = meta.process
      if (!p) continue
      const file = byName.get(p.resourceName)
      if (!file) continue
      const xml = file.content.toString('utf8')
      const info = await describeBpmn(xml)
      const proc = info.processes.find((x) => x.id === p.bpmnProcessId)
      const key = String(p.processDefinitionKey)
      const inserted = await db
        .insertInto('process_versions')
        .values({
          process_definition_key: key,
          bpmn_process_id: p.bpmnProcessId,
          version: p.version,
          name: proc?.name ?? p.bpmnProcessId,
          resource_name: p.resourceName,
          xml,
          checksum: checksum(xml),
          state: 'deployed',
          deployment_key: String(response.key),
          deployed_by: by.actor,
          approved_by: by.approvedBy ?? null,
          draft_id: by.draftId ?? null,
        })
        .onConflict((oc) => oc.column('process_definition_key').doNothing())
        .returning('process_definition_key')
        .executeTakeFirst()
      // Forms are bound to the version they were deployed with: remember which form version
      // each linked form id resolved to in this deployment.
      const formIds = new Set(
        Object.values(proc?.elements ?? {}).flatMap((e) => (e.formId ? [e.formId] : [])),
      )
      // A linked form not in this deployment binds to its latest version deployed before.
      for (const formId of formIds) {
        const inDeployment = forms.find((x) => x.formId === formId)
        const formKey = inDeployment
          ? String(inDeployment.formKey)
          : (
              await db
                .selectFrom('deployed_forms')
                .select('form_key')
                .where('form_id', '=', formId)
                .orderBy('version', 'desc')
                .executeTakeFirst()
            )?.form_key
        if (!formKey) continue
        await db
          .insertInto('process_version_forms')
          .values({ process_definition_key: key, form_id: formId, form_key: formKey })
          .onConflict((oc) => oc.columns(['process_definition_key', 'form_id']).doNothing())
          .execute()
      }
      if (inserted) {
        await db
          .updateTable('process_versions')
          .set({ state: 'superseded' })
          .where('bpmn_process_id', '=', p.bpmnProcessId)
          .where('version', '<', p.version)
          .where('state', '=', 'deployed')
          .execute()
        await this.deps.audit?.append({
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
        })
      }
      deployed.push({
        bpmnProcessId: p.bpmnProcessId,
        version: p.version,
        processDefinitionKey: key,
        resourceName: p.resourceName,
      })
    }
    return deployed
  }

  /** Deploys every `.bpmn` of `processesDir` with every `.form` of the forms folder. */
  async deployDirectory(processesDir: string, actor = 'system'): Promise<DeployedVersion[]> {
    const files = await loadProcessResources(processesDir, this.deps.formsDir)
    if (!files.some((f) => f.name.endsWith('.bpmn'))) return []
    return this.deploy(files, { actor })
  }

  /** Every process with its versions (state, approver, instance counts) and open drafts. */
  async list(): Promise<ProcessView[]> {
    const { db } = this.deps
    const versions = await db
      .selectFrom('process_versions')
      .select([
        'process_definition_key',
        'bpmn_process_id',
        'version',
        'name',
        'state',
        'deployed_at',
        'deployed_by',
        'approved_by',
        'draft_id',
      ])
      .orderBy('bpmn_process_id')
      .orderBy('version', 'desc')
      .execute()
    const counts = await db
      .selectFrom('process_instances')
      .select(['process_definition_key', 'state', sql<string>`count(*)::text`.as('n')])
      .groupBy(['process_definition_key', 'state'])
      .execute()
    const countOf = (key: string, state: string) =>
      Number(
        counts.find((c) => c.process_definition_key === key && c.state === state)?.n ?? '0',
      )
    const drafts = await this.listDrafts({})
    const out = new Map<string, ProcessView>()
    for (const v of versions) {
      let p = out.get(v.bpmn_process_id)
      if (!p) {
        p = {
          bpmnProcessId: v.bpmn_process_id,
          name: v.name,
          latestVersion: v.version,
          versions: [],
          drafts: drafts.filter((d) => d.bpmnProcessId === v.bpmn_process_id),
        }
        out.set(v.bpmn_process_id, p)
      }
      p.versions.push({
        version: v.version,
        processDefinitionKey: v.process_definition_key,
        name: v.name,
        state: v.state,
        deployedAt: iso(v.deployed_at) ?? '',
        deployedBy: v.deployed_by,
        approvedBy: v.approved_by,
        draftId: v.draft_id,
        runningInstances: countOf(v.process_definition_key, 'active'),
        completedInstances: countOf(v.process_definition_key, 'completed'),
        cancelledInstances: countOf(v.process_definition_key, 'cancelled'),
      })
    }
    for (const d of drafts) {
      if (!out.has(d.bpmnProcessId)) {
        out.set(d.bpmnProcessId, {
          bpmnProcessId: d.bpmnProcessId,
          name: d.bpmnProcessId,
          latestVersion: 0,
          versions: [],
          drafts: drafts.filter((x) => x.bpmnProcessId === d.bpmnProcessId),
        })
      }
    }
    return [...out.values()]
  }

  /** One deployed version with its XML. */
  async getVersion(bpmnProcessId: string, version: number | 'latest') {
    let q = this.deps.db
      .selectFrom('process_versions')
      .selectAll()
      .where('bpmn_process_id', '=', bpmnProcessId)
    q = version === 'latest' ? q.orderBy('version', 'desc') : q.where('version', '=', version)
    const row = await q.executeTakeFirst()
    if (!row) throw new NotFoundError(`No deployed version ${version} of process ${bpmnProcessId}.`)
    return {
      bpmnProcessId: row.bpmn_process_id,
      version: row.version,
      processDefinitionKey: row.process_definition_key,
      name: row.name,
      state: row.state,
      xml: row.xml,
      deployedAt: iso(row.deployed_at),
      deployedBy: row.deployed_by,
      approvedBy: row.approved_by,
    }
  }

  /** The deployed version with this definition key (history replays on it). */
  async getVersionByKey(processDefinitionKey: string) {
    const row = await this.deps.db
      .selectFrom('process_versions')
      .selectAll()
      .where('process_definition_key', '=', processDefinitionKey)
      .executeTakeFirst()
    return row ?? null
  }

  // ---- drafts (4.3.2) -------------------------------------------------------------------

  async listDrafts(filter: { state?: string; bpmnProcessId?: string }): Promise<DraftView[]> {
    let q = this.deps.db.selectFrom('process_drafts').selectAll().orderBy('updated_at', 'desc')
    if (filter.state) q = q.where('state', '=', filter.state)
    if (filter.bpmnProcessId) q = q.where('bpmn_process_id', '=', filter.bpmnProcessId)
    return (await q.execute()).map((r) => draftView(r, false))
  }

  async getDraft(id: string): Promise<DraftView> {
    const row = await this.deps.db
      .selectFrom('process_drafts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No process draft ${id}.`)
    return draftView(row, true)
  }

  /** Validates XML (parse, one executable process, lint) for a draft. */
  private async check(xml: string, expectedId?: string) {
    const info = await describeBpmn(xml)
    const executable = info.processes.filter((p) => p.isExecutable)
    if (executable.length !== 1) {
      throw new UserError(
        `A procedure draft must define exactly one executable process; found ${executable.length}.`,
      )
    }
    const id = executable[0]!.id
    if (expectedId && id !== expectedId) {
      throw new UserError(
        `The draft is for process ${expectedId}, but the XML defines process ${id}.`,
        [{ path: '/xml', message: `process id must stay ${expectedId}` }],
      )
    }
    return { bpmnProcessId: id, lint: await lintBpmn(xml) }
  }

  async createDraft(input: { xml: string; bpmnProcessId?: string }, author: string) {
    const { bpmnProcessId, lint } = await this.check(input.xml, input.bpmnProcessId)
    const latest = await this.deps.db
      .selectFrom('process_versions')
      .select('version')
      .where('bpmn_process_id', '=', bpmnProcessId)
      .orderBy('version', 'desc')
      .executeTakeFirst()
    const id = randomUUID()
    await this.deps.db
      .insertInto('process_drafts')
      .values({
        id,
        bpmn_process_id: bpmnProcessId,
        xml: input.xml,
        state: DraftState.Draft,
        author,
        base_version: latest?.version ?? null,
        lint: JSON.stringify(lint),
        updated_at: new Date(),
        submitted_at: null,
        approved_by: null,
        approved_at: null,
        rejected_by: null,
        rejected_reason: null,
        deployed_by: null,
        deployed_at: null,
        process_definition_key: null,
      })
      .execute()
    await this.deps.audit?.append({
      actor: author,
      action: 'process-draft.created',
      entityType: 'process-draft',
      entityId: id,
      after: { bpmnProcessId, checksum: checksum(input.xml), lintErrors: errorsIn(lint) },
    })
    return this.getDraft(id)
  }

  /** Optimistic concurrency: `version` must be the draft's current version. */
  private async transition(
    id: string,
    expect: { states: DraftState[]; version?: number },
    set: Partial<Record<string, unknown>>,
    audit: { actor: string; action: string },
  ): Promise<DraftView> {
    const before = await this.getDraft(id)
    if (!expect.states.includes(before.state)) {
      throw new ConflictError(
        `The draft is ${before.state}; this needs it to be ${expect.states.join(' or ')}.`,
      )
    }
    if (expect.version !== undefined && expect.version !== before.version) {
      throw new ConflictError(
        `The draft was changed by someone else (version ${before.version}, you sent ${expect.version}). Reload it.`,
      )
    }
    const res = await this.deps.db
      .updateTable('process_drafts')
      .set({ ...set, updated_at: new Date(), version: sql`version + 1` })
      .where('id', '=', id)
      .where('version', '=', before.version)
      .executeTakeFirst()
    if (Number(res.numUpdatedRows) !== 1) {
      throw new ConflictError('The draft was changed by someone else meanwhile. Reload it.')
    }
    const after = await this.getDraft(id)
    await this.deps.audit?.append({
      actor: audit.actor,
      action: audit.action,
      entityType: 'process-draft',
      entityId: id,
      before: { state: before.state, version: before.version },
      after: {
        state: after.state,
        version: after.version,
        checksum: checksum(after.xml ?? ''),
        ...(after.rejectedReason ? { reason: after.rejectedReason } : {}),
      },
    })
    return after
  }

  async updateDraft(id: string, input: { xml: string; version: number }, actor: string) {
    const draft = await this.getDraft(id)
    if (draft.author !== actor) throw new ForbiddenError('Only the author edits a draft.')
    const { lint } = await this.check(input.xml, draft.bpmnProcessId)
    return this.transition(
      id,
      { states: [DraftState.Draft, DraftState.Rejected], version: input.version },
      {
        xml: input.xml,
        lint: JSON.stringify(lint),
        state: DraftState.Draft,
        rejected_by: null,
        rejected_reason: null,
      },
      { actor, action: 'process-draft.updated' },
    )
  }

  async submit(id: string, actor: string, version?: number) {
    const draft = await this.getDraft(id)
    if (draft.author !== actor) throw new ForbiddenError('Only the author submits a draft.')
    const errors = draft.lint.filter((p) => p.category === 'error')
    if (errors.length > 0) {
      throw new UserError(
        `The draft has ${errors.length} lint error(s); fix them before submitting.`,
        errors.map((e) => ({ path: `/elements/${e.id}`, message: `${e.rule}: ${e.message}` })),
      )
    }
    return this.transition(
      id,
      { states: [DraftState.Draft, DraftState.Rejected], version },
      { state: DraftState.InReview, submitted_at: new Date() },
      { actor, action: 'process-draft.submitted' },
    )
  }

  /** 4.3.2: nobody approves a procedure they authored. */
  async approve(id: string, actor: string, version?: number) {
    const draft = await this.getDraft(id)
    if (draft.author === actor) {
      throw new ForbiddenError('You wrote this draft; someone else must approve it (4.3.2).')
    }
    return this.transition(
      id,
      { states: [DraftState.InReview], version },
      { state: DraftState.Approved, approved_by: actor, approved_at: new Date() },
      { actor, action: 'process-draft.approved' },
    )
  }

  async reject(id: string, actor: string, reason: string, version?: number) {
    const draft = await this.getDraft(id)
    if (draft.author === actor) {
      throw new ForbiddenError('You wrote this draft; someone else must review it (4.3.2).')
    }
    return this.transition(
      id,
      { states: [DraftState.InReview], version },
      { state: DraftState.Rejected, rejected_by: actor, rejected_reason: reason },
      { actor, action: 'process-draft.rejected' },
    )
  }

  /** Deploys an approved draft with the current forms it links; the old version is superseded. */
  async deployDraft(id: string, actor: string) {
    const draft = await this.getDraft(id)
    if (draft.state !== DraftState.Approved) {
      throw new ConflictError(`Only an approved draft can be deployed; this one is ${draft.state}.`)
    }
    const xml = draft.xml ?? ''
    const info = await describeBpmn(xml)
    const formIds = new Set(
      info.processes.flatMap((p) =>
        Object.values(p.elements).flatMap((e) => (e.formId ? [e.formId] : [])),
      ),
    )
    const forms = (await filesOf(this.deps.formsDir, '.form')).filter((f) =>
      formIds.has(f.name.replace(/\.form$/, '')),
    )
    const deployed = await this.deploy(
      [...forms, { name: `${draft.bpmnProcessId}.bpmn`, content: Buffer.from(xml) }],
      { actor, approvedBy: draft.approvedBy, draftId: id },
    )
    const mine = deployed.find((d) => d.bpmnProcessId === draft.bpmnProcessId)
    return {
      draft: await this.transition(
        id,
        { states: [DraftState.Approved] },
        {
          state: DraftState.Deployed,
          deployed_by: actor,
          deployed_at: new Date(),
          process_definition_key: mine?.processDefinitionKey ?? null,
        },
        { actor, action: 'process-draft.deployed' },
      ),
      deployed: mine,
    }
  }

  /** Elements added, removed and changed between the latest deployed version and a draft. */
  async diffDraft(id: string): Promise<ElementDiff & { againstVersion: number | null }> {
    const draft = await this.getDraft(id)
    const after = (await describeBpmn(draft.xml ?? '')).processes[0]?.elements ?? {}
    let before: Record<string, BpmnElementInfo> = {}
    let againstVersion: number | null = null
    try {
      const deployed = await this.getVersion(draft.bpmnProcessId, 'latest')
      againstVersion = deployed.version
      before =
        (await describeBpmn(deployed.xml)).processes.find((p) => p.id === draft.bpmnProcessId)
          ?.elements ?? {}
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err
    }
    return { againstVersion, ...diffElements(before, after) }
  }
}

/** Element-level diff by id: name, type and form changes count as changed. */
export function diffElements(
  before: Record<string, BpmnElementInfo>,
  after: Record<string, BpmnElementInfo>,
): ElementDiff {
  const added = Object.values(after).filter((e) => !before[e.id])
  const removed = Object.values(before).filter((e) => !after[e.id])
  const changed = Object.values(after).flatMap((a) => {
    const b = before[a.id]
    if (!b) return []
    const same =
      b.name === a.name && b.type === a.type && b.formId === a.formId && b.formKey === a.formKey
    return same ? [] : [{ id: a.id, before: b, after: a }]
  })
  return { added, removed, changed }
}

function errorsIn(lint: LintProblem[]) {
  return lint.filter((p) => p.category === 'error').length
}

type DraftRow = {
  id: string
  bpmn_process_id: string
  xml: string
  state: string
  author: string
  base_version: number | null
  lint: unknown
  created_at: Date | string
  updated_at: Date | string
  submitted_at: Date | string | null
  approved_by: string | null
  approved_at: Date | string | null
  rejected_by: string | null
  rejected_reason: string | null
  deployed_by: string | null
  deployed_at: Date | string | null
  process_definition_key: string | null
  version: number
}

function draftView(r: DraftRow, withXml: boolean): DraftView {
  return {
    id: r.id,
    bpmnProcessId: r.bpmn_process_id,
    ...(withXml ? { xml: r.xml } : {}),
    state: r.state as DraftState,
    author: r.author,
    baseVersion: r.base_version,
    lint: (typeof r.lint === 'string' ? JSON.parse(r.lint) : r.lint) as LintProblem[],
    createdAt: iso(r.created_at) ?? '',
    updatedAt: iso(r.updated_at) ?? '',
    submittedAt: iso(r.submitted_at),
    approvedBy: r.approved_by,
    approvedAt: iso(r.approved_at),
    rejectedBy: r.rejected_by,
    rejectedReason: r.rejected_reason,
    deployedBy: r.deployed_by,
    deployedAt: iso(r.deployed_at),
    processDefinitionKey: r.process_definition_key,
    version: r.version,
  }
}
