/**
 * Procedures under document control (ISO/IEC 20000-1 4.3.2): the deployed versions of every
 * process with the forms deployed beside them, drafts that process owners write, the approval
 * by someone other than the author, and deployment by an administrator. The engine is reached
 * only through the Zeebe client.
 */
import { createHash, randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, ForbiddenError, NotFoundError, UserError } from '../errors'
import { engineErrorText, type ZeebeClient } from '../zeebe/zeebe-client'
import { loadProcessResources, type ProcessResource } from '../forms/resources'
import type { FormComponent } from '../forms/form-schema'
import {
  describeBpmn,
  lintBpmn,
  versionTagOf,
  withVersionTag,
  type BpmnElementInfo,
  type LintProblem,
} from './bpmn'
import { FORM_ID_PATTERN, formProblems } from './form-validation'
import {
  recordDecisionDeployment,
  resourceOf,
  type DecisionDeploymentMetadata,
} from './decision-deployment'
import { isoOrNull as iso } from '../db/timestamps'
import { processOfKind, type CaseKind } from '../cases/kinds'
import { recordUpdateLint } from '../cases/record-updates'
import { DecisionDrafts } from './decision-drafts'
import { shippedOrApproved } from './shipped'
import type { UnmigratedAuditSink as AuditSink } from '../evidence/audit-sink'

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
  /** Ids of the forms the draft carries its own version of (deployed with it). */
  forms: string[]
  /**
   * `process`: a BPMN process with its forms; `decision`: a `.dmn` whose decision requirements
   * id is in `bpmnProcessId` (see decision-drafts.ts). Both follow the same control.
   */
  kind: DraftKind
}

export const DraftKind = { Process: 'process', Decision: 'decision' } as const
export type DraftKind = (typeof DraftKind)[keyof typeof DraftKind]

/** Where the form a draft starts from comes from. */
export const FormSource = {
  /** The draft's own version, saved by its author. */
  Draft: 'draft',
  /** The version the latest deployment of the process is bound to (or the latest deployed). */
  Deployed: 'deployed',
  /** `forms/<id>.form` of the repository, never deployed yet. */
  Bundled: 'bundled',
} as const
export type FormSource = (typeof FormSource)[keyof typeof FormSource]

/** A form as a draft sees it: its own version, or the version it would start from. */
export interface DraftFormView {
  formId: string
  /** A user task of the draft's BPMN links it (`zeebe:formDefinition formId`). */
  linked: boolean
  /** Where `schema` comes from. */
  source: FormSource
  /** The form-js schema: the draft's version, else the deployed or bundled one. */
  schema: unknown
  /** The draft's version differs from the deployed one (or nothing is deployed yet). */
  changed: boolean
  /** The deployed or bundled version the draft's version replaces; null for a new form. */
  base: { source: FormSource; version: number | null; schema: unknown } | null
  updatedBy: string | null
  updatedAt: string | null
}

/** A form the deployment of a draft adds or changes, for the approver (4.3.2). */
export interface FormChange {
  formId: string
  /** `draft`: the draft's version; `bundled`: `forms/<id>.form`, not deployed yet. */
  source: FormSource
  /** The deployed version it replaces; null for a new form. */
  beforeVersion: number | null
  /** Components by id (label, else key, else id). */
  components: {
    added: FormComponentInfo[]
    removed: FormComponentInfo[]
    changed: FormComponentInfo[]
  }
}

export interface FormComponentInfo {
  id: string
  type: string
  label: string
  key?: string
}

export interface ElementDiff {
  added: BpmnElementInfo[]
  removed: BpmnElementInfo[]
  changed: { id: string; before: BpmnElementInfo; after: BpmnElementInfo }[]
}

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
  /** `processes/` of the repository: `.dmn` files a procedure calls, never deployed yet. */
  processesDir?: string
}

export class ProcessesService {
  /** Drafts of `.dmn` files: the `decision` kind of draft. */
  readonly decisions: DecisionDrafts

  constructor(private readonly deps: ProcessesServiceDeps) {
    this.decisions = new DecisionDrafts(this, deps)
  }

  /**
   * Deploys BPMN and form files in one deployment and records the versions Zeebe assigned.
   * Unchanged files come back with their existing version (nothing new is recorded).
   */
  async deploy(
    files: DeployFile[],
    by: { actor: string; approvedBy?: string | null; draftId?: string | null },
  ): Promise<DeployedVersion[]> {
    const { db, zeebe } = this.deps
    const resources = files.map(resourceOf)
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
    await recordDecisionDeployment(this.deps, {
      deploymentKey: String(response.key),
      metas: response.deployments as DecisionDeploymentMetadata[],
      files: byName,
      by,
    })
    return deployed
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
    const drafts = await this.listDrafts({ kind: DraftKind.Process })
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

  async listDrafts(filter: {
    state?: string
    bpmnProcessId?: string
    kind?: DraftKind
  }): Promise<DraftView[]> {
    let q = this.deps.db.selectFrom('process_drafts').selectAll().orderBy('updated_at', 'desc')
    if (filter.kind) q = q.where('kind', '=', filter.kind)
    if (filter.state) q = q.where('state', '=', filter.state)
    if (filter.bpmnProcessId) q = q.where('bpmn_process_id', '=', filter.bpmnProcessId)
    const rows = await q.execute()
    const forms = await this.draftFormIds(rows.map((r) => r.id))
    return rows.map((r) => draftView(r, false, forms.get(r.id) ?? []))
  }

  /** The ids of the forms each draft carries, by draft id. */
  private async draftFormIds(draftIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>()
    if (draftIds.length === 0) return out
    const rows = await this.deps.db
      .selectFrom('draft_forms')
      .select(['draft_id', 'form_id'])
      .where('draft_id', 'in', draftIds)
      .orderBy('form_id')
      .execute()
    for (const r of rows) out.set(r.draft_id, [...(out.get(r.draft_id) ?? []), r.form_id])
    return out
  }

  async getDraft(id: string): Promise<DraftView> {
    const row = await this.deps.db
      .selectFrom('process_drafts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`No process draft ${id}.`)
    return draftView(row, true, (await this.draftFormIds([id])).get(id) ?? [])
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
    // 4.3.3: record updates that name fields the record does not have would lose decisions
    const kind = Object.entries(processOfKind).find(([, processId]) => processId === id)?.[0]
    const recordLint = recordUpdateLint(
      kind as CaseKind | undefined,
      Object.values(executable[0]!.elements),
    ).map((p) => ({ rule: 'record-updates', category: 'error' as const, ...p }))
    return { bpmnProcessId: id, lint: [...recordLint, ...(await lintBpmn(xml))] }
  }

  async createDraft(
    input: { xml: string; bpmnProcessId?: string; kind?: DraftKind },
    author: string,
  ) {
    if (input.kind === DraftKind.Decision) return this.decisions.create(input.xml, author)
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

  /**
   * Optimistic concurrency: `version` must be the draft's current version. Evidence of a
   * `decision` draft is written as `decision-draft.*` on entity type `decision-draft`.
   */
  async transition(
    id: string,
    expect: { states: DraftState[]; version?: number },
    set: Partial<Record<string, unknown>>,
    audit: { actor: string; action: string; detail?: Record<string, unknown> },
    /** Further writes that stand or fall with the state change (same transaction). */
    apply?: (tx: Transaction<DB>) => Promise<void>,
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
    await this.deps.db.transaction().execute(async (tx) => {
      const res = await tx
        .updateTable('process_drafts')
        .set({ ...set, updated_at: new Date(), version: sql`version + 1` })
        .where('id', '=', id)
        .where('version', '=', before.version)
        .executeTakeFirst()
      if (Number(res.numUpdatedRows) !== 1) {
        throw new ConflictError('The draft was changed by someone else meanwhile. Reload it.')
      }
      await apply?.(tx)
    })
    const after = await this.getDraft(id)
    await this.deps.audit?.append({
      actor: audit.actor,
      action:
        before.kind === DraftKind.Decision
          ? audit.action.replace(/^process-draft\./, 'decision-draft.')
          : audit.action,
      entityType: `${before.kind}-draft`,
      entityId: id,
      before: { state: before.state, version: before.version },
      after: {
        state: after.state,
        version: after.version,
        checksum: checksum(after.xml ?? ''),
        ...(after.rejectedReason ? { reason: after.rejectedReason } : {}),
        ...audit.detail,
      },
    })
    return after
  }

  async updateDraft(id: string, input: { xml: string; version: number }, actor: string) {
    const draft = await this.getDraft(id)
    if (draft.author !== actor) throw new ForbiddenError('Only the author edits a draft.')
    if (draft.kind === DraftKind.Decision) return this.decisions.update(draft, input, actor)
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

  // ---- forms of a draft (4.3.2: a procedure's forms are changed under the same control) ----

  /** The form ids the user tasks of a BPMN link (`zeebe:formDefinition formId`). */
  private async linkedFormIds(xml: string): Promise<Set<string>> {
    const info = await describeBpmn(xml)
    return new Set(
      info.processes.flatMap((p) =>
        Object.values(p.elements).flatMap((e) => (e.formId ? [e.formId] : [])),
      ),
    )
  }

  /**
   * The version of a form a draft of `bpmnProcessId` starts from: the one the latest deployed
   * version of the process is bound to, else the latest deployed version of the form, else
   * `forms/<id>.form` of the repository; null for a form that exists nowhere yet.
   */
  private async baseForm(
    bpmnProcessId: string,
    formId: string,
  ): Promise<DraftFormView['base']> {
    const { db } = this.deps
    const bound = await db
      .selectFrom('process_versions as pv')
      .innerJoin('process_version_forms as pvf', 'pvf.process_definition_key', 'pv.process_definition_key')
      .innerJoin('deployed_forms as f', 'f.form_key', 'pvf.form_key')
      .select(['f.version', 'f.schema'])
      .where('pv.bpmn_process_id', '=', bpmnProcessId)
      .where('pvf.form_id', '=', formId)
      .orderBy('pv.version', 'desc')
      .executeTakeFirst()
    const deployed =
      bound ??
      (await db
        .selectFrom('deployed_forms')
        .select(['version', 'schema'])
        .where('form_id', '=', formId)
        .orderBy('version', 'desc')
        .executeTakeFirst())
    if (deployed) {
      return { source: FormSource.Deployed, version: deployed.version, schema: asJson(deployed.schema) }
    }
    const bundled = await this.bundledForm(formId)
    return bundled === undefined ? null : { source: FormSource.Bundled, version: null, schema: bundled }
  }

  /** `forms/<formId>.form` parsed, or undefined when the repository has no such form. */
  private async bundledForm(formId: string): Promise<unknown> {
    if (!new RegExp(FORM_ID_PATTERN).test(formId)) return undefined
    try {
      return JSON.parse(await readFile(join(this.deps.formsDir, `${formId}.form`), 'utf8')) as unknown
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  /** The latest deployed version of a form (what the engine binds a linked form to). */
  private async latestDeployedForm(formId: string) {
    const row = await this.deps.db
      .selectFrom('deployed_forms')
      .select(['version', 'schema'])
      .where('form_id', '=', formId)
      .orderBy('version', 'desc')
      .executeTakeFirst()
    return row ? { version: row.version, schema: asJson(row.schema) } : null
  }

  /**
   * The forms of a draft: the ones it carries and, for every form its BPMN links, the
   * deployed (or bundled) version an editor starts from.
   */
  async listDraftForms(draftId: string): Promise<DraftFormView[]> {
    const draft = await this.getDraft(draftId)
    if (draft.kind === DraftKind.Decision) return []
    const linked = await this.linkedFormIds(draft.xml ?? '')
    const own = await this.deps.db
      .selectFrom('draft_forms')
      .selectAll()
      .where('draft_id', '=', draftId)
      .execute()
    const ids = [...new Set([...linked, ...own.map((f) => f.form_id)])].sort()
    const out: DraftFormView[] = []
    for (const formId of ids) {
      const view = await this.formView(draft, formId, linked, own.find((f) => f.form_id === formId))
      if (view) out.push(view)
    }
    return out
  }

  /** One form of a draft (its own version, else the one it would start from). */
  async getDraftForm(draftId: string, formId: string): Promise<DraftFormView> {
    const draft = await this.getDraft(draftId)
    if (draft.kind === DraftKind.Decision) throw new NotFoundError('A decision draft has no forms.')
    const own = await this.deps.db
      .selectFrom('draft_forms')
      .selectAll()
      .where('draft_id', '=', draftId)
      .where('form_id', '=', formId)
      .executeTakeFirst()
    const view = await this.formView(draft, formId, await this.linkedFormIds(draft.xml ?? ''), own)
    if (!view) {
      throw new NotFoundError(`Neither the draft nor a deployment has a form ${formId}.`)
    }
    return view
  }

  private async formView(
    draft: DraftView,
    formId: string,
    linked: Set<string>,
    own: { schema: unknown; updated_by: string; updated_at: Date | string } | undefined,
  ): Promise<DraftFormView | null> {
    const base = await this.baseForm(draft.bpmnProcessId, formId)
    const schema = own ? asJson(own.schema) : base?.schema
    if (schema === undefined) {
      // linked but existing nowhere: the editor starts from an empty form
      return linked.has(formId)
        ? { formId, linked: true, source: FormSource.Draft, schema: null, changed: false, base: null, updatedBy: null, updatedAt: null }
        : null
    }
    const deployed = base?.source === FormSource.Deployed ? base : null
    return {
      formId,
      linked: linked.has(formId),
      source: own ? FormSource.Draft : (base?.source ?? FormSource.Draft),
      schema,
      changed: !!own && (!deployed || canonical(deployed.schema) !== canonical(schema)),
      base,
      updatedBy: own?.updated_by ?? null,
      updatedAt: iso(own?.updated_at),
    }
  }

  /** Only the author changes a draft, and only while it is a draft or rejected (4.3.2). */
  private async editableDraft(draftId: string, actor: string): Promise<DraftView> {
    const draft = await this.getDraft(draftId)
    if (draft.author !== actor) throw new ForbiddenError('Only the author edits a draft.')
    if (draft.kind === DraftKind.Decision) {
      throw new ConflictError('A decision draft has no forms; forms belong to procedure drafts.')
    }
    return draft
  }

  /**
   * Saves the draft's version of a form. A form-js form (validated as `forms/` are) whose id is
   * the form id; a form another procedure is bound to is not changed through this one. Like an
   * XML edit, it needs the draft editable and returns a rejected draft to `draft`.
   */
  async saveDraftForm(
    draftId: string,
    formId: string,
    input: { schema: unknown; version?: number },
    actor: string,
  ): Promise<{ form: DraftFormView; draft: DraftView }> {
    const draft = await this.editableDraft(draftId, actor)
    const problems = formProblems(formId, input.schema)
    if (problems.length > 0) {
      throw new UserError(
        `The form ${formId} is not a valid form-js form.`,
        problems.map((p) => ({ path: `/schema${p.path === '/' ? '' : p.path}`, message: p.message })),
      )
    }
    const others = await this.deps.db
      .selectFrom('process_version_forms as pvf')
      .innerJoin('process_versions as pv', 'pv.process_definition_key', 'pvf.process_definition_key')
      .select('pv.bpmn_process_id')
      .distinct()
      .where('pvf.form_id', '=', formId)
      .where('pv.bpmn_process_id', '!=', draft.bpmnProcessId)
      .execute()
    if (others.length > 0) {
      throw new ConflictError(
        `The form ${formId} belongs to ${others.map((o) => o.bpmn_process_id).join(', ')}; change it in a draft of that procedure.`,
      )
    }
    const json = JSON.stringify(input.schema)
    const after = await this.transition(
      draftId,
      { states: [DraftState.Draft, DraftState.Rejected], version: input.version },
      { state: DraftState.Draft, rejected_by: null, rejected_reason: null },
      { actor, action: 'process-draft.form-saved', detail: { formId, formChecksum: checksum(json) } },
      async (tx) => {
        await tx
          .insertInto('draft_forms')
          .values({ draft_id: draftId, form_id: formId, schema: json, updated_by: actor, updated_at: new Date() })
          .onConflict((oc) =>
            oc.columns(['draft_id', 'form_id']).doUpdateSet({ schema: json, updated_by: actor, updated_at: new Date() }),
          )
          .execute()
      },
    )
    return { form: await this.getDraftForm(draftId, formId), draft: after }
  }

  /** Drops the draft's version of a form: the deployed one stays in use. Same rules as a save. */
  async deleteDraftForm(
    draftId: string,
    formId: string,
    actor: string,
    version?: number,
  ): Promise<DraftView> {
    await this.editableDraft(draftId, actor)
    const own = await this.deps.db
      .selectFrom('draft_forms')
      .select('schema')
      .where('draft_id', '=', draftId)
      .where('form_id', '=', formId)
      .executeTakeFirst()
    if (!own) throw new NotFoundError(`The draft has no version of the form ${formId}.`)
    return this.transition(
      draftId,
      { states: [DraftState.Draft, DraftState.Rejected], version },
      { state: DraftState.Draft, rejected_by: null, rejected_reason: null },
      {
        actor,
        action: 'process-draft.form-removed',
        detail: { formId, formChecksum: checksum(JSON.stringify(asJson(own.schema))) },
      },
      async (tx) => {
        await tx
          .deleteFrom('draft_forms')
          .where('draft_id', '=', draftId)
          .where('form_id', '=', formId)
          .execute()
      },
    )
  }

  /**
   * The forms deploying the draft would deploy: for every form its BPMN links, the draft's
   * version, else `forms/<id>.form`; only those that differ from the latest deployed version.
   */
  private async formsToDeploy(draft: DraftView) {
    const linked = await this.linkedFormIds(draft.xml ?? '')
    const own = await this.deps.db
      .selectFrom('draft_forms')
      .select(['form_id', 'schema'])
      .where('draft_id', '=', draft.id)
      .execute()
    const out: { formId: string; source: FormSource; schema: unknown; before: { version: number; schema: unknown } | null }[] = []
    for (const formId of [...linked].sort()) {
      const mine = own.find((f) => f.form_id === formId)
      const schema = mine ? asJson(mine.schema) : await this.bundledForm(formId)
      if (schema === undefined) continue
      const before = await this.latestDeployedForm(formId)
      if (before && canonical(before.schema) === canonical(schema)) continue
      out.push({ formId, source: mine ? FormSource.Draft : FormSource.Bundled, schema, before })
    }
    return out
  }

  /**
   * Deploys an approved draft: its BPMN with the forms it changes (the draft's versions, else
   * `forms/`), in one deployment. The new process version is bound to these form versions;
   * instances already running keep theirs. The old version is superseded.
   */
  async deployDraft(id: string, actor: string) {
    const draft = await this.getDraft(id)
    if (draft.kind === DraftKind.Decision) return this.decisions.deploy(draft, actor)
    if (draft.state !== DraftState.Approved) {
      throw new ConflictError(`Only an approved draft can be deployed; this one is ${draft.state}.`)
    }
    let xml = draft.xml ?? ''
    const forms = await this.formsToDeploy(draft)
    // held to the rules of a save again: a form saved before a rule existed (RE2 patterns) or
    // a bundled one must not reach the inbox unchecked
    const problems = forms.flatMap((f) =>
      formProblems(f.formId, f.schema).map((p) => ({
        path: `/forms/${f.formId}${p.path === '/' ? '' : p.path}`,
        message: p.message,
      })),
    )
    if (problems.length > 0) {
      throw new UserError('The draft carries forms that cannot be deployed; correct them first.', problems)
    }
    const resourceName = `${draft.bpmnProcessId}.bpmn`
    let versionTag: string | null = null
    if (forms.length > 0) {
      // Zeebe keeps the version of a resource it already deployed byte for byte; changed forms
      // need a new process version to be bound to, so the process gets a new version tag.
      const latest = await this.deps.db
        .selectFrom('process_versions')
        .select(['xml', 'resource_name'])
        .where('bpmn_process_id', '=', draft.bpmnProcessId)
        .orderBy('version', 'desc')
        .executeTakeFirst()
      if (latest && latest.xml === xml && latest.resource_name === resourceName) {
        versionTag = nextFormsVersionTag(await versionTagOf(xml, draft.bpmnProcessId))
        xml = await withVersionTag(xml, draft.bpmnProcessId, versionTag)
      }
    }
    const deployed = await this.deploy(
      [
        // bindingType="deployment": the decisions it calls go with it
        ...(await this.decisions.filesCalledBy(xml)),
        ...forms.map((f) => ({
          name: `${f.formId}.form`,
          content: Buffer.from(`${JSON.stringify(f.schema, null, 2)}\n`),
        })),
        { name: resourceName, content: Buffer.from(xml) },
      ],
      { actor, approvedBy: draft.approvedBy, draftId: id },
    )
    const mine = deployed.find((d) => d.bpmnProcessId === draft.bpmnProcessId)
    const bound = mine
      ? await this.deps.db
          .selectFrom('process_version_forms as pvf')
          .innerJoin('deployed_forms as f', 'f.form_key', 'pvf.form_key')
          .select(['pvf.form_id', 'f.version', 'f.form_key'])
          .where('pvf.process_definition_key', '=', mine.processDefinitionKey)
          .orderBy('pvf.form_id')
          .execute()
      : []
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
        {
          actor,
          action: 'process-draft.deployed',
          detail: {
            processVersion: mine?.version ?? null,
            ...(versionTag ? { versionTag } : {}),
            forms: bound.map((f) => ({ formId: f.form_id, version: f.version, formKey: f.form_key })),
          },
        },
      ),
      deployed: mine,
      forms: bound.map((f) => ({ formId: f.form_id, version: f.version, formKey: f.form_key })),
    }
  }

  /**
   * Elements added, removed and changed between the latest deployed version and a draft, and
   * the forms its deployment would add or change, component by component (4.3.2: the approver
   * sees the whole change).
   */
  /** The diff an approver reads: elements and forms of a procedure, rules of a decision. */
  async diff(id: string) {
    const draft = await this.getDraft(id)
    if (draft.kind === DraftKind.Decision) return this.decisions.diff(draft)
    return { kind: DraftKind.Process, ...(await this.diffDraft(id)) }
  }

  async diffDraft(
    id: string,
  ): Promise<ElementDiff & { againstVersion: number | null; forms: { added: FormChange[]; changed: FormChange[] } }> {
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
    const forms: { added: FormChange[]; changed: FormChange[] } = { added: [], changed: [] }
    for (const f of await this.formsToDeploy(draft)) {
      const change: FormChange = {
        formId: f.formId,
        source: f.source,
        beforeVersion: f.before?.version ?? null,
        components: diffComponents(f.before?.schema, f.schema),
      }
      if (f.before) forms.changed.push(change)
      else forms.added.push(change)
    }
    return { againstVersion, ...diffElements(before, after), forms }
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
      b.name === a.name &&
      b.type === a.type &&
      b.formId === a.formId &&
      b.formKey === a.formKey &&
      JSON.stringify(b.calledDecision) === JSON.stringify(a.calledDecision)
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
  kind: string
}

function draftView(r: DraftRow, withXml: boolean, forms: string[]): DraftView {
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
    forms,
    kind: r.kind === DraftKind.Decision ? DraftKind.Decision : DraftKind.Process,
  }
}

/** JSON text with sorted keys: two forms are the same form when this is equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

/** jsonb comes back parsed from PostgreSQL, as text from some drivers. */
function asJson(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value
}

/**
 * The version tag of a procedure redeployed for its forms: `<tag>+forms.<n>`, counting up from
 * the tag it had (`v2` → `v2+forms.1` → `v2+forms.2`; none → `forms.1`).
 */
export function nextFormsVersionTag(current: string | null): string {
  const m = /^(?:(.*)\+)?forms\.(\d+)$/.exec(current ?? '')
  if (m) return `${m[1] ? `${m[1]}+` : ''}forms.${Number(m[2]) + 1}`
  return current ? `${current}+forms.1` : 'forms.1'
}

function componentsOf(form: unknown): Map<string, FormComponent> {
  const out = new Map<string, FormComponent>()
  const visit = (components: unknown) => {
    if (!Array.isArray(components)) return
    for (const c of components as FormComponent[]) {
      if (c && typeof c === 'object' && typeof c.id === 'string') out.set(c.id, c)
      visit(c?.components)
    }
  }
  visit((form as { components?: unknown } | null | undefined)?.components)
  return out
}

function componentInfo(c: FormComponent): FormComponentInfo {
  return {
    id: c.id ?? '',
    type: c.type,
    label: c.label ?? c.key ?? c.id ?? '',
    ...(c.key ? { key: c.key } : {}),
  }
}

/** Components of a form added, removed and changed, by component id. */
export function diffComponents(before: unknown, after: unknown): FormChange['components'] {
  const b = componentsOf(before)
  const a = componentsOf(after)
  const own = (c: FormComponent) => canonical({ ...c, components: undefined })
  return {
    added: [...a.values()].filter((c) => !b.has(c.id!)).map(componentInfo),
    removed: [...b.values()].filter((c) => !a.has(c.id!)).map(componentInfo),
    changed: [...a.values()]
      .filter((c) => b.has(c.id!) && own(b.get(c.id!)!) !== own(c))
      .map(componentInfo),
  }
}
