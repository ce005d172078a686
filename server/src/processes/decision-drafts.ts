/**
 * Decisions under document control (ISO/IEC 20000-1 4.3.2): a `.dmn` of `processes/` (the
 * priority matrix, the change policy) changes only through a draft of kind `decision`, with the
 * same states, author rule, optimistic versions and evidence as a procedure draft (the
 * submit/approve/reject transitions are the procedure drafts' own). Deploying an approved
 * decision draft deploys the `.dmn` together with the latest version of every procedure that
 * calls one of its decisions with `bindingType="deployment"`, so new instances of those
 * procedures evaluate the new version while running instances keep theirs.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { NotFoundError } from '../errors'
import { isoOrNull as iso } from '../db/timestamps'
import { dmnFilesHolding } from './decision-deployment'
import { checkDmn, describeDmn, diffDmn, type DecisionDiff } from './dmn'
import { requireApproved, type DraftStore } from './draft-store'
import { decisionsCalledIn } from './process-version-info'
import type { ProcessDeployment } from './process-deployment'
import type { DraftForms } from './draft-forms'
import { DraftKind, DraftState, type DeployFile, type DraftView } from './processes.model'

export interface DecisionVersionView {
  version: number
  decisionRequirementsKey: string
  state: string
  deployedAt: string
  deployedBy: string
  approvedBy: string | null
  draftId: string | null
}

/** A `.dmn` with its deployed versions, decisions, the procedures calling it and its drafts. */
export interface DecisionRequirementsView {
  decisionRequirementsId: string
  name: string
  resourceName: string
  latestVersion: number
  decisions: { decisionId: string; name: string; version: number; decisionKey: string }[]
  /** Latest procedure versions that evaluate one of its decisions, and which version. */
  calledBy: { bpmnProcessId: string; version: number; decisionId: string; decisionVersion: number }[]
  versions: DecisionVersionView[]
  drafts: DraftView[]
}

export class DecisionDrafts {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      drafts: DraftStore
      deployment: ProcessDeployment
      /** `processes/` of the repository: `.dmn` files a procedure calls, never deployed yet. */
      processesDir?: string
      /** The forms a procedure's user tasks link (`bindingType="deployment"`): they go with it. */
      forms?: Pick<DraftForms, 'formsCarriedAlong'>
    },
  ) {}

  /** The latest deployed version of a DRG, with its XML. */
  async latest(decisionRequirementsId: string) {
    return (
      (await this.deps.db
        .selectFrom('decision_requirements_versions')
        .selectAll()
        .where('decision_requirements_id', '=', decisionRequirementsId)
        .orderBy('version', 'desc')
        .executeTakeFirst()) ?? null
    )
  }

  /** The decision ids the latest version of any procedure calls with `bindingType="deployment"`. */
  private async callers(): Promise<{ bpmnProcessId: string; xml: string; called: Set<string> }[]> {
    const rows = await this.deps.db
      .selectFrom('process_versions')
      .select(['bpmn_process_id', 'version', 'xml'])
      .orderBy('bpmn_process_id')
      .orderBy('version', 'desc')
      .execute()
    const out: { bpmnProcessId: string; xml: string; called: Set<string> }[] = []
    for (const r of rows) {
      if (out.some((o) => o.bpmnProcessId === r.bpmn_process_id)) continue
      out.push({ bpmnProcessId: r.bpmn_process_id, xml: r.xml, called: await decisionsCalledIn(r.xml) })
    }
    return out
  }

  async create(xml: string, author: string, name?: string): Promise<DraftView> {
    const info = await checkDmn(xml)
    const latest = await this.latest(info.id)
    return this.deps.drafts.create(
      {
        kind: DraftKind.Decision,
        bpmnProcessId: info.id,
        xml,
        author,
        baseVersion: latest?.version ?? null,
        lint: [],
        name,
      },
      { decisionRequirementsId: info.id },
    )
  }

  /** The columns a save of `xml` into `draft` sets (checked as a save is). */
  async checked(draft: DraftView, xml: string): Promise<Record<string, unknown>> {
    await this.check(draft, xml)
    return { xml }
  }

  /** A draft keeps its DRG id and every decision a deployed procedure calls. */
  private async check(draft: DraftView, xml: string) {
    const called = new Set((await this.callers()).flatMap((c) => [...c.called]))
    const before = await this.latest(draft.bpmnProcessId)
    const deployedIds = before ? (await describeDmn(before.xml)).decisions.map((d) => d.id) : []
    return checkDmn(xml, {
      decisionRequirementsId: draft.bpmnProcessId,
      calledDecisionIds: deployedIds.filter((d) => called.has(d)),
    })
  }

  async update(draft: DraftView, input: { xml: string; version: number }, actor: string) {
    await this.check(draft, input.xml)
    return this.deps.drafts.transition(
      draft.id,
      { states: [DraftState.Draft, DraftState.Rejected], version: input.version },
      {
        xml: input.xml,
        state: DraftState.Draft,
        rejected_by: null,
        rejected_reason: null,
      },
      { actor, action: 'process-draft.updated' },
    )
  }

  /**
   * The `.dmn` files a procedure's XML needs in its deployment: for every decision it calls with
   * `bindingType="deployment"`, the latest deployed version of the DRG holding it, else the
   * `processes/` file that defines it (never deployed yet).
   */
  async filesCalledBy(xml: string, except?: string): Promise<DeployFile[]> {
    const wanted = await decisionsCalledIn(xml)
    const out = new Map<string, DeployFile>()
    const missing = new Set<string>()
    for (const decisionId of wanted) {
      const row = await this.deps.db
        .selectFrom('deployed_decisions as d')
        .innerJoin(
          'decision_requirements_versions as v',
          'v.decision_requirements_key',
          'd.decision_requirements_key',
        )
        .select(['v.decision_requirements_id', 'v.resource_name', 'v.xml'])
        .where('d.decision_id', '=', decisionId)
        .orderBy('v.version', 'desc')
        .executeTakeFirst()
      if (!row) missing.add(decisionId)
      else if (row.decision_requirements_id !== except)
        out.set(row.resource_name, { name: row.resource_name, content: Buffer.from(row.xml) })
    }
    if (missing.size > 0 && this.deps.processesDir) {
      for (const f of await dmnFilesHolding(await this.bundled(), missing)) out.set(f.name, f)
    }
    return [...out.values()]
  }

  /** The `.dmn` files of `processes/`. */
  private async bundled(): Promise<DeployFile[]> {
    const dir = this.deps.processesDir
    if (!dir) return []
    const names = (await readdir(dir)).filter((n) => n.endsWith('.dmn')).sort()
    return Promise.all(names.map(async (name) => ({ name, content: await readFile(join(dir, name)) })))
  }

  /** The resource name a DRG deploys under: the one it was deployed with, else its file's. */
  private async resourceName(decisionRequirementsId: string): Promise<string> {
    const latest = await this.latest(decisionRequirementsId)
    if (latest) return latest.resource_name
    for (const f of await this.bundled()) {
      if ((await describeDmn(f.content.toString('utf8'))).id === decisionRequirementsId) return f.name
    }
    return `${decisionRequirementsId}.dmn`
  }

  /**
   * Deploys an approved decision draft with the latest version of every procedure that calls
   * one of its decisions (bound to the version deployed with it), in one deployment.
   */
  async deploy(draft: DraftView, actor: string) {
    requireApproved(draft)
    const xml = draft.xml ?? ''
    const info = await checkDmn(xml, { decisionRequirementsId: draft.bpmnProcessId })
    const mine = new Set(info.decisions.map((d) => d.id))
    const procedures = (await this.callers()).filter((c) => [...c.called].some((d) => mine.has(d)))
    const files: DeployFile[] = [{ name: await this.resourceName(info.id), content: Buffer.from(xml) }]
    for (const p of procedures) {
      for (const f of await this.filesCalledBy(p.xml, info.id)) {
        if (!files.some((x) => x.name === f.name)) files.push(f)
      }
      for (const f of (await this.deps.forms?.formsCarriedAlong({ xml: p.xml }, [])) ?? []) {
        const name = `${f.formId}.form`
        if (!files.some((x) => x.name === name)) {
          files.push({ name, content: Buffer.from(`${JSON.stringify(f.schema, null, 2)}\n`) })
        }
      }
      files.push({ name: `${p.bpmnProcessId}.bpmn`, content: Buffer.from(p.xml) })
    }
    const resourceOfProcess = await this.deps.db
      .selectFrom('process_versions')
      .select(['bpmn_process_id', 'resource_name'])
      .where('bpmn_process_id', 'in', procedures.length ? procedures.map((p) => p.bpmnProcessId) : [''])
      .orderBy('version', 'desc')
      .execute()
    for (const f of files) {
      const p = procedures.find((x) => `${x.bpmnProcessId}.bpmn` === f.name)
      const name = p && resourceOfProcess.find((r) => r.bpmn_process_id === p.bpmnProcessId)?.resource_name
      if (name) f.name = name
    }
    const deployed = await this.deps.deployment.deploy(files, {
      actor,
      approvedBy: draft.approvedBy,
      draftId: draft.id,
    })
    const drg = await this.latest(info.id)
    const decisions = drg
      ? await this.deps.db
          .selectFrom('deployed_decisions')
          .select(['decision_id', 'version', 'decision_key'])
          .where('decision_requirements_key', '=', drg.decision_requirements_key)
          .orderBy('decision_id')
          .execute()
      : []
    const bound = deployed.map((d) => ({
      bpmnProcessId: d.bpmnProcessId,
      version: d.version,
      processDefinitionKey: d.processDefinitionKey,
    }))
    const after = await this.deps.drafts.transition(
      draft.id,
      { states: [DraftState.Approved] },
      { state: DraftState.Deployed, deployed_by: actor, deployed_at: new Date() },
      {
        actor,
        action: 'process-draft.deployed',
        detail: {
          decisionRequirementsVersion: drg?.version ?? null,
          decisions: decisions.map((d) => ({ decisionId: d.decision_id, version: d.version, decisionKey: d.decision_key })),
          processes: bound.map((b) => ({ bpmnProcessId: b.bpmnProcessId, version: b.version })),
        },
      },
    )
    return {
      draft: after,
      decisionRequirements: drg ? { decisionRequirementsId: info.id, version: drg.version } : null,
      decisions: decisions.map((d) => ({ decisionId: d.decision_id, version: d.version, decisionKey: d.decision_key })),
      processes: bound,
    }
  }

  /** Decisions and rules added, removed and changed against the latest deployed version. */
  async diff(draft: DraftView): Promise<
    DecisionDiff & {
      kind: 'decision'
      againstVersion: number | null
      /** Procedures deployed again with it (bound to the new version). */
      procedures: string[]
    }
  > {
    const after = await describeDmn(draft.xml ?? '')
    const latest = await this.latest(draft.bpmnProcessId)
    const before = latest ? await describeDmn(latest.xml) : null
    const mine = new Set(after.decisions.map((d) => d.id))
    const procedures = (await this.callers())
      .filter((c) => [...c.called].some((d) => mine.has(d)))
      .map((c) => c.bpmnProcessId)
    return { kind: 'decision', againstVersion: latest?.version ?? null, ...diffDmn(before, after), procedures }
  }

  /** Every deployed DRG with its versions, decisions, calling procedures and open drafts. */
  async list(): Promise<DecisionRequirementsView[]> {
    const { db } = this.deps
    const versions = await db
      .selectFrom('decision_requirements_versions')
      .selectAll()
      .orderBy('decision_requirements_id')
      .orderBy('version', 'desc')
      .execute()
    const drafts = await this.deps.drafts.listDrafts({ kind: DraftKind.Decision })
    const callers = await this.callers()
    const out = new Map<string, DecisionRequirementsView>()
    for (const v of versions) {
      let view = out.get(v.decision_requirements_id)
      if (!view) {
        const decisions = await db
          .selectFrom('deployed_decisions')
          .select(['decision_id', 'name', 'version', 'decision_key'])
          .where('decision_requirements_key', '=', v.decision_requirements_key)
          .orderBy('decision_id')
          .execute()
        const calledBy = []
        for (const c of callers) {
          for (const d of decisions.filter((x) => c.called.has(x.decision_id))) {
            const bound = await db
              .selectFrom('process_versions as pv')
              .innerJoin('process_version_decisions as b', 'b.process_definition_key', 'pv.process_definition_key')
              .innerJoin('deployed_decisions as dd', 'dd.decision_key', 'b.decision_key')
              .select(['pv.version', 'dd.version as decisionVersion'])
              .where('pv.bpmn_process_id', '=', c.bpmnProcessId)
              .where('b.decision_id', '=', d.decision_id)
              .orderBy('pv.version', 'desc')
              .executeTakeFirst()
            if (bound) {
              calledBy.push({
                bpmnProcessId: c.bpmnProcessId,
                version: bound.version,
                decisionId: d.decision_id,
                decisionVersion: bound.decisionVersion,
              })
            }
          }
        }
        view = {
          decisionRequirementsId: v.decision_requirements_id,
          name: v.name,
          resourceName: v.resource_name,
          latestVersion: v.version,
          decisions: decisions.map((d) => ({ decisionId: d.decision_id, name: d.name, version: d.version, decisionKey: d.decision_key })),
          calledBy,
          versions: [],
          drafts: drafts.filter((d) => d.bpmnProcessId === v.decision_requirements_id),
        }
        out.set(v.decision_requirements_id, view)
      }
      view.versions.push({
        version: v.version,
        decisionRequirementsKey: v.decision_requirements_key,
        state: v.state,
        deployedAt: iso(v.deployed_at) ?? '',
        deployedBy: v.deployed_by,
        approvedBy: v.approved_by,
        draftId: v.draft_id,
      })
    }
    return [...out.values()]
  }

  /** One deployed version of a DRG with its XML. */
  async getVersion(decisionRequirementsId: string, version: number | 'latest') {
    let q = this.deps.db
      .selectFrom('decision_requirements_versions')
      .selectAll()
      .where('decision_requirements_id', '=', decisionRequirementsId)
    q = version === 'latest' ? q.orderBy('version', 'desc') : q.where('version', '=', version)
    const row = await q.executeTakeFirst()
    if (!row) {
      throw new NotFoundError(`No deployed version ${version} of decisions ${decisionRequirementsId}.`)
    }
    return {
      decisionRequirementsId: row.decision_requirements_id,
      version: row.version,
      decisionRequirementsKey: row.decision_requirements_key,
      name: row.name,
      resourceName: row.resource_name,
      state: row.state,
      xml: row.xml,
      deployedAt: iso(row.deployed_at),
      deployedBy: row.deployed_by,
      approvedBy: row.approved_by,
    }
  }
}
