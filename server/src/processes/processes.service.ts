/**
 * Procedures under document control (ISO/IEC 20000-1 4.3.2): the deployed versions of every
 * process with the forms deployed beside them, drafts that process owners write, the approval
 * by someone other than the author, and deployment by an administrator. The engine is reached
 * only through the Zeebe client.
 *
 * One concern a file; this service composes them for the routes:
 * - process-deployment.ts: deploying files and recording what the engine assigned
 * - process-versions.ts: the deployed versions and their instance counts
 * - draft-store.ts: drafts of any kind, their states and evidence (shared with decisions)
 * - process-drafts.ts: writing, submitting, approving and rejecting procedure drafts
 * - draft-forms.ts: the forms of a draft; draft-diff.ts: what the approver reads
 * - draft-deployment.ts: deploying an approved draft; decision-drafts.ts: `.dmn` drafts
 * - process-version-info.ts: which form and which element names a process version has
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'
import type { ZeebeClient } from '../zeebe/zeebe-client'
import { requireApproved, requireAuthor, DraftStore } from './draft-store'
import { DecisionDrafts } from './decision-drafts'
import { DraftDeployment } from './draft-deployment'
import { DraftDiff } from './draft-diff'
import { DraftRebase } from './draft-rebase'
import { DraftForms } from './draft-forms'
import { ProcessDeployment, type DeployedBy } from './process-deployment'
import { ProcessDrafts } from './process-drafts'
import { ProcessVersionQueries } from './process-versions'
import {
  DraftKind,
  type DeployedVersion,
  type DeployFile,
  type DraftFormView,
  type DraftView,
  type ProcessView,
} from './processes.model'

export * from './processes.model'
export { diffComponents, diffElements } from './draft-diff'
export { nextFormsVersionTag } from './draft-deployment'

export interface ProcessesServiceDeps {
  db: Kysely<DB>
  zeebe: ZeebeClient
  /** Every change is evidence, written in the transaction of the change (4.3.3). */
  audit: AuditSink
  /** `forms/` of the repository: forms a draft references are deployed with it. */
  formsDir: string
  /** `processes/` of the repository: `.dmn` files a procedure calls, never deployed yet. */
  processesDir?: string
}

export class ProcessesService {
  /** Drafts of `.dmn` files: the `decision` kind of draft. */
  readonly decisions: DecisionDrafts
  private readonly drafts: DraftStore
  private readonly deployment: ProcessDeployment
  private readonly versions: ProcessVersionQueries
  private readonly processDrafts: ProcessDrafts
  private readonly forms: DraftForms
  private readonly draftDeployment: DraftDeployment
  private readonly draftDiff: DraftDiff
  private readonly rebases: DraftRebase

  constructor(deps: ProcessesServiceDeps) {
    const { db } = deps
    const drafts = (this.drafts = new DraftStore(deps))
    const deployment = (this.deployment = new ProcessDeployment(deps))
    this.forms = new DraftForms({ db, drafts, formsDir: deps.formsDir })
    this.decisions = new DecisionDrafts({ ...deps, drafts, deployment, forms: this.forms })
    this.versions = new ProcessVersionQueries({ db, drafts })
    this.processDrafts = new ProcessDrafts({ db, drafts })
    this.draftDeployment = new DraftDeployment({
      db,
      drafts,
      forms: this.forms,
      decisions: this.decisions,
      deployment,
    })
    this.draftDiff = new DraftDiff({ versions: this.versions, forms: this.forms })
    this.rebases = new DraftRebase({ db, drafts })
  }

  // ---- deployed versions ----------------------------------------------------------------

  /**
   * Deploys BPMN and form files in one deployment and records the versions Zeebe assigned.
   * Unchanged files come back with their existing version (nothing new is recorded).
   */
  deploy(files: DeployFile[], by: DeployedBy): Promise<DeployedVersion[]> {
    return this.deployment.deploy(files, by)
  }

  /** Deploys `processes/` and `forms/` as shipped, keeping what document control deployed. */
  deployDirectory(processesDir: string, actor = 'system'): Promise<DeployedVersion[]> {
    return this.deployment.deployDirectory(processesDir, actor)
  }

  /** Every process with its versions (state, approver, instance counts) and open drafts. */
  list(): Promise<ProcessView[]> {
    return this.versions.list()
  }

  /** One deployed version with its XML. */
  getVersion(bpmnProcessId: string, version: number | 'latest') {
    return this.versions.getVersion(bpmnProcessId, version)
  }

  /** The deployed version with this definition key (history replays on it). */
  getVersionByKey(processDefinitionKey: string) {
    return this.versions.getVersionByKey(processDefinitionKey)
  }

  // ---- drafts (4.3.2) -------------------------------------------------------------------

  listDrafts(filter: {
    state?: string
    bpmnProcessId?: string
    kind?: DraftKind
    author?: string
    open?: boolean
  }) {
    return this.drafts.listDrafts(filter)
  }

  getDraft(id: string): Promise<DraftView> {
    return this.drafts.getDraft(id)
  }

  /** 4.3.2: one open draft per document and author; a second is a 409 naming the open one. */
  async createDraft(
    input: { xml: string; bpmnProcessId?: string; kind?: DraftKind; name?: string },
    author: string,
  ): Promise<DraftView> {
    if (input.kind === DraftKind.Decision) {
      return this.decisions.create(input.xml, author, input.name)
    }
    return this.processDrafts.create(input, author)
  }

  /** The author names (renames) an open draft. */
  renameDraft(id: string, name: string, actor: string, version?: number) {
    return this.drafts.rename(id, name, actor, version)
  }

  /** The author discards an open draft (kept, with its evidence). */
  discardDraft(id: string, actor: string, reason?: string, version?: number) {
    return this.drafts.discard(id, actor, reason, version)
  }

  /** The author takes a draft back from review (or an approved one) to change it. */
  withdrawDraft(id: string, actor: string, version?: number) {
    return this.drafts.withdraw(id, actor, version)
  }

  /** The draft's history from the evidence trail, with the reviewers' comments. */
  draftHistory(id: string) {
    return this.drafts.history(id)
  }

  /** Base, deployed since (theirs) and the draft (mine), element by element. */
  async threeWay(id: string) {
    return this.rebases.threeWay(await this.drafts.getDraft(id))
  }

  /** The author rebases the draft on the deployed version it was shown (4.3.2). */
  async rebaseDraft(
    id: string,
    input: {
      onto: number
      version?: number
      xml?: string
      resolutions?: Record<string, 'mine' | 'theirs'>
    },
    actor: string,
  ) {
    const draft = await this.drafts.getDraft(id)
    return this.rebases.rebase(draft, input, actor, (xml) =>
      draft.kind === DraftKind.Decision
        ? this.decisions.checked(draft, xml)
        : this.processDrafts.checked(draft, xml),
    )
  }

  async updateDraft(id: string, input: { xml: string; version: number }, actor: string) {
    const draft = await this.drafts.getDraft(id)
    requireAuthor(draft, actor)
    if (draft.kind === DraftKind.Decision) return this.decisions.update(draft, input, actor)
    return this.processDrafts.update(draft, input, actor)
  }

  submit(id: string, actor: string, version?: number) {
    return this.processDrafts.submit(id, actor, version)
  }

  /** 4.3.2: nobody approves a procedure they authored. */
  approve(id: string, actor: string, version?: number, comment?: string) {
    return this.processDrafts.approve(id, actor, version, comment)
  }

  reject(id: string, actor: string, reason: string, version?: number) {
    return this.processDrafts.reject(id, actor, reason, version)
  }

  // ---- forms of a draft (4.3.2: a procedure's forms are changed under the same control) ----

  listDraftForms(draftId: string): Promise<DraftFormView[]> {
    return this.forms.listDraftForms(draftId)
  }

  getDraftForm(draftId: string, formId: string): Promise<DraftFormView> {
    return this.forms.getDraftForm(draftId, formId)
  }

  saveDraftForm(
    draftId: string,
    formId: string,
    input: { schema: unknown; version?: number },
    actor: string,
  ) {
    return this.forms.saveDraftForm(draftId, formId, input, actor)
  }

  deleteDraftForm(draftId: string, formId: string, actor: string, version?: number) {
    return this.forms.deleteDraftForm(draftId, formId, actor, version)
  }

  // ---- approval and deployment ----------------------------------------------------------

  /**
   * Deploys an approved draft: a procedure with the forms it changes, or a decision with the
   * procedures that call it.
   */
  async deployDraft(id: string, actor: string) {
    const draft = await this.drafts.getDraft(id)
    requireApproved(draft)
    // 4.3.2: a version deployed after the draft's base is never silently overwritten
    await this.rebases.requireCurrentBase(draft)
    if (draft.kind === DraftKind.Decision) return this.decisions.deploy(draft, actor)
    return this.draftDeployment.deploy(draft, actor)
  }

  /** The diff an approver reads: elements and forms of a procedure, rules of a decision. */
  async diff(id: string) {
    const draft = await this.drafts.getDraft(id)
    if (draft.kind === DraftKind.Decision) return this.decisions.diff(draft)
    return { kind: DraftKind.Process, ...(await this.draftDiff.diff(draft)) }
  }

  /** Elements and forms a procedure draft changes against the latest deployed version. */
  async diffDraft(id: string) {
    return this.draftDiff.diff(await this.drafts.getDraft(id))
  }
}
