/**
 * Deploying an approved procedure draft (ISO/IEC 20000-1 4.3.2): its BPMN with the forms it
 * changes and the decisions it calls, in one deployment; the draft becomes `deployed` with the
 * versions it produced as evidence.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { UserError } from '../errors'
import { versionTagOf, withVersionTag } from './bpmn'
import type { DecisionDrafts } from './decision-drafts'
import type { DraftForms } from './draft-forms'
import { requireApproved, type DraftStore } from './draft-store'
import { formProblems } from './form-validation'
import type { ProcessDeployment } from './process-deployment'
import { DraftState, type DraftView } from './processes.model'

export class DraftDeployment {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      drafts: DraftStore
      forms: DraftForms
      decisions: DecisionDrafts
      deployment: ProcessDeployment
    },
  ) {}

  /**
   * Deploys an approved draft: its BPMN with the forms it changes (the draft's versions, else
   * `forms/`), in one deployment. The new process version is bound to these form versions;
   * instances already running keep theirs. The old version is superseded.
   */
  async deploy(draft: DraftView, actor: string) {
    requireApproved(draft)
    const id = draft.id
    let xml = draft.xml ?? ''
    const forms = await this.deps.forms.formsToDeploy(draft)
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
    // bindingType="deployment": the forms its tasks link go with it, changed or not
    const carried = await this.deps.forms.formsCarriedAlong({ ...draft, xml }, forms)
    const deployed = await this.deps.deployment.deploy(
      [
        // bindingType="deployment": the decisions it calls go with it
        ...(await this.deps.decisions.filesCalledBy(xml)),
        ...[...forms, ...carried].map((f) => ({
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
      draft: await this.deps.drafts.transition(
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

