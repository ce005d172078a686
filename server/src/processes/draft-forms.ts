/**
 * The forms of a procedure draft (ISO/IEC 20000-1 4.3.2: a procedure's forms are changed under
 * the same control as its BPMN): the version each form its BPMN links starts from, the draft's
 * own versions saved by its author, and the forms its deployment would add or change.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, NotFoundError, UserError } from '../errors'
import { isoOrNull as iso } from '../db/timestamps'
import { canonicalJson as canonical } from '../evidence/canonical-json'
import { FORM_ID_PATTERN, formProblems } from './form-validation'
import { requireAuthor, type DraftStore } from './draft-store'
import { asJson, linkedFormIds } from './process-version-info'
import {
  checksum,
  DraftKind,
  DraftState,
  FormSource,
  type DraftFormView,
  type DraftView,
} from './processes.model'

/** A form a draft's deployment deploys, and the deployed version it replaces. */
export interface FormToDeploy {
  formId: string
  source: FormSource
  schema: unknown
  before: { version: number; schema: unknown } | null
}

export class DraftForms {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      drafts: DraftStore
      /** `forms/` of the repository. */
      formsDir: string
    },
  ) {}

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
    const draft = await this.deps.drafts.getDraft(draftId)
    if (draft.kind === DraftKind.Decision) return []
    const linked = await linkedFormIds(draft.xml ?? '')
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
    const draft = await this.deps.drafts.getDraft(draftId)
    if (draft.kind === DraftKind.Decision) throw new NotFoundError('A decision draft has no forms.')
    const own = await this.deps.db
      .selectFrom('draft_forms')
      .selectAll()
      .where('draft_id', '=', draftId)
      .where('form_id', '=', formId)
      .executeTakeFirst()
    const view = await this.formView(draft, formId, await linkedFormIds(draft.xml ?? ''), own)
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
    const draft = await this.deps.drafts.getDraft(draftId)
    requireAuthor(draft, actor)
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
    const after = await this.deps.drafts.transition(
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
    return this.deps.drafts.transition(
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
  async formsToDeploy(draft: DraftView): Promise<FormToDeploy[]> {
    const linked = await linkedFormIds(draft.xml ?? '')
    const own = await this.deps.db
      .selectFrom('draft_forms')
      .select(['form_id', 'schema'])
      .where('draft_id', '=', draft.id)
      .execute()
    const out: FormToDeploy[] = []
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
   * The forms a draft's BPMN links that its deployment does not change, as deployed last (else
   * from `forms/`): they go with the BPMN all the same, because a Camunda user task binds its form
   * with `bindingType="deployment"` and the engine finds only a form of the process version's
   * own deployment (as Zeebe does; the engine versions every resource of a deployment that
   * changes anything).
   */
  async formsCarriedAlong(
    draft: Pick<DraftView, 'xml'>,
    changed: FormToDeploy[],
  ): Promise<{ formId: string; schema: unknown }[]> {
    const out: { formId: string; schema: unknown }[] = []
    for (const formId of [...(await linkedFormIds(draft.xml ?? ''))].sort()) {
      if (changed.some((f) => f.formId === formId)) continue
      // the stored schema is jsonb (keys reordered): when it is the repository's form, deploy
      // the file's own key order, so a later start deploying `forms/` finds nothing changed
      const deployed = (await this.latestDeployedForm(formId))?.schema
      const bundled = await this.bundledForm(formId)
      const schema =
        deployed === undefined || (bundled !== undefined && canonical(deployed) === canonical(bundled))
          ? bundled
          : deployed
      if (schema !== undefined) out.push({ formId, schema })
    }
    return out
  }
}
