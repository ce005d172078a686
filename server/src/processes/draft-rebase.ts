/**
 * Two drafts of one document (procedure or DRG) under document control (ISO/IEC 20000-1
 * 4.3.2): when another draft was deployed after the version a draft is based on, deploying the
 * later one would silently overwrite the earlier approved change. So its deployment is refused
 * (409 naming the newer version) until its author rebases it on the deployed version, having
 * seen the three-way comparison (base, theirs = deployed since, mine = the draft). Rebasing voids
 * a review or approval: the rebased draft is reviewed again.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, UserError } from '../errors'
import { canonicalJson } from '../evidence/canonical-json'
import { isoOrNull as iso } from '../db/timestamps'
import { elementSignatures, type ElementSignature } from './bpmn'
import { describeDmn } from './dmn'
import { FORM_PREFIX, mergeThreeWay, takesTheirs, type Resolution } from './draft-merge'
import { inReview, requireAuthor, type DraftStore } from './draft-store'
import {
  DraftKind,
  DraftState,
  OPEN_DRAFT_STATES,
  type DraftView,
  type ElementChange,
  type ThreeWayElement,
  type ThreeWayView,
} from './processes.model'

/** A deployed version of the document a draft changes. */
interface DeployedDocument {
  version: number
  xml: string
  deployedBy: string
  approvedBy: string | null
  draftId: string | null
  deployedAt: string | null
}

export class DraftRebase {
  constructor(private readonly deps: { db: Kysely<DB>; drafts: DraftStore }) {}

  /** A deployed version (`latest` or a number) of the procedure or DRG a draft changes. */
  async deployed(draft: DraftView, version: number | 'latest'): Promise<DeployedDocument | null> {
    if (draft.kind === DraftKind.Decision) {
      let q = this.deps.db
        .selectFrom('decision_requirements_versions')
        .select(['version', 'xml', 'deployed_by', 'approved_by', 'draft_id', 'deployed_at'])
        .where('decision_requirements_id', '=', draft.bpmnProcessId)
      q = version === 'latest' ? q.orderBy('version', 'desc') : q.where('version', '=', version)
      const row = await q.executeTakeFirst()
      return row ? documentOf(row) : null
    }
    let q = this.deps.db
      .selectFrom('process_versions')
      .select(['version', 'xml', 'deployed_by', 'approved_by', 'draft_id', 'deployed_at'])
      .where('bpmn_process_id', '=', draft.bpmnProcessId)
    q = version === 'latest' ? q.orderBy('version', 'desc') : q.where('version', '=', version)
    const row = await q.executeTakeFirst()
    return row ? documentOf(row) : null
  }

  /**
   * Refuses to deploy a draft based on an older version than the deployed one (4.3.2): the
   * versions deployed since would be overwritten. 409 naming the newer version.
   */
  async requireCurrentBase(draft: DraftView): Promise<void> {
    const latest = await this.newerThanBase(draft)
    if (!latest) return
    const what = draft.kind === DraftKind.Decision ? 'decisions' : 'procedure'
    throw new ConflictError(
      `Version ${latest.version} of ${what} ${draft.bpmnProcessId} was deployed after this draft's base (${
        draft.baseVersion === null ? 'none' : `version ${draft.baseVersion}`
      })${latest.deployedBy ? ` by ${latest.deployedBy}` : ''}; deploying would overwrite it. The author rebases the draft on version ${latest.version} first.`,
      undefined,
      { deployedVersion: latest.version, baseVersion: draft.baseVersion },
    )
  }

  /**
   * The latest deployed version when it is newer than the draft's base and differs from it. A
   * version deployed again with the same XML (with a decision it calls, or at a restart) changes
   * nothing the draft could overwrite.
   */
  private async newerThanBase(draft: DraftView): Promise<DeployedDocument | null> {
    const latest = await this.deployed(draft, 'latest')
    if (!latest || latest.version <= (draft.baseVersion ?? 0)) return null
    const base = draft.baseVersion === null ? null : await this.deployed(draft, draft.baseVersion)
    return base && base.xml === latest.xml ? null : latest
  }

  /** Base, theirs (the latest deployed version, if newer than the base) and mine, by element. */
  async threeWay(draft: DraftView, mineXml = draft.xml ?? ''): Promise<ThreeWayView> {
    const base = draft.baseVersion === null ? null : await this.deployed(draft, draft.baseVersion)
    const theirs = await this.newerThanBase(draft)
    const behind = !!theirs
    const signatures = (xml: string) => this.signatures(draft, xml)
    // a procedure's forms are part of it (4.3.2): each form is compared as one element
    const forms = draft.kind === DraftKind.Process
    const baseForms = forms && base ? await this.deployedForms(draft.bpmnProcessId, base.version) : {}
    const b = { ...(base ? await signatures(base.xml) : {}), ...baseForms }
    const t = theirs
      ? {
          ...(await signatures(theirs.xml)),
          ...(forms ? await this.deployedForms(draft.bpmnProcessId, theirs.version) : {}),
        }
      : b
    const m = {
      ...(await signatures(mineXml)),
      ...baseForms,
      ...(forms ? await this.draftForms(draft.id) : {}),
    }
    return {
      kind: draft.kind,
      draftId: draft.id,
      base: { version: draft.baseVersion, xml: base?.xml ?? null },
      theirs: theirs
        ? {
            version: theirs.version,
            xml: theirs.xml,
            deployedBy: theirs.deployedBy,
            approvedBy: theirs.approvedBy,
            draftId: theirs.draftId,
          }
        : null,
      mine: { version: draft.version, xml: mineXml },
      behind,
      elements: compareThreeWay(b, t, m),
    }
  }

  /**
   * The author rebases the draft on the deployed version `onto` (the one the three-way view
   * showed). The draft's content (`xml`, default: as saved) is merged with what was deployed
   * since (draft-merge.ts): changes only the deployed version made are taken over, the draft's
   * own stay, and each conflict is kept as `resolutions` says (unresolved: 409 naming them).
   * The draft goes back to `draft`: submission, approval and rejection are voided (evidence
   * `*-draft.rebased` with what each side changed, what was taken over and how conflicts were
   * resolved).
   */
  async rebase(
    draft: DraftView,
    input: {
      onto: number
      version?: number
      xml?: string
      resolutions?: Record<string, Resolution>
    },
    actor: string,
    /** Checks the new XML as a save does; returns the columns it sets (xml, lint). */
    check: (xml: string) => Promise<Record<string, unknown>>,
  ): Promise<DraftView> {
    requireAuthor(draft, actor, 'rebases')
    const latest = await this.deployed(draft, 'latest')
    if (!latest) {
      throw new UserError(`Nothing of ${draft.bpmnProcessId} is deployed to rebase on.`)
    }
    if (input.onto !== latest.version) {
      throw new ConflictError(
        `Version ${latest.version} is the deployed version now, not ${input.onto}; compare again before rebasing.`,
        undefined,
        { deployedVersion: latest.version },
      )
    }
    if (draft.baseVersion !== null && draft.baseVersion >= latest.version) {
      throw new ConflictError(`The draft is based on version ${draft.baseVersion} already.`)
    }
    if (draft.state === DraftState.InReview) throw inReview()
    const mine = input.xml ?? draft.xml ?? ''
    const view = await this.threeWay(draft, mine)
    const merge = await mergeThreeWay({
      kind: draft.kind,
      documentId: draft.bpmnProcessId,
      base: view.base.xml,
      theirs: latest.xml,
      mine,
      elements: view.elements,
      resolutions: input.resolutions,
    })
    const xml = merge.xml
    const set = xml !== draft.xml ? await check(xml) : {}
    // forms theirs changed (and the draft did not, or the author chose theirs): the draft carries
    // theirs, so its deployment neither reverts them nor deploys the repository's file instead
    const formsTaken = view.elements
      .filter((e) => e.id.startsWith(FORM_PREFIX) && takesTheirs(e, input.resolutions ?? {}))
      .map((e) => e.id.slice(FORM_PREFIX.length))
    const theirsForms = formsTaken.length
      ? await this.deployedForms(draft.bpmnProcessId, latest.version)
      : {}
    const conflicts = view.elements.filter((e) => e.conflict).map((e) => e.id)
    return this.deps.drafts.transition(
      draft.id,
      { states: OPEN_DRAFT_STATES, version: input.version },
      {
        ...set,
        base_version: latest.version,
        state: DraftState.Draft,
        submitted_at: null,
        approved_by: null,
        approved_at: null,
        approval_comment: null,
        rejected_by: null,
        rejected_reason: null,
      },
      {
        actor,
        action: 'process-draft.rebased',
        detail: {
          fromBaseVersion: draft.baseVersion,
          ontoVersion: latest.version,
          theirs: changedIds(view.elements, 'theirs'),
          mine: changedIds(view.elements, 'mine'),
          conflicts,
          takenOver: [...merge.taken, ...formsTaken.map((f) => `${FORM_PREFIX}${f}`)],
          ...(conflicts.length > 0 ? { resolutions: merge.resolved } : {}),
          ...(draft.state !== DraftState.Draft ? { voided: draft.state } : {}),
        },
      },
      async (tx) => {
        for (const formId of formsTaken) {
          const theirsForm = theirsForms[`${FORM_PREFIX}${formId}`]
          await tx
            .deleteFrom('draft_forms')
            .where('draft_id', '=', draft.id)
            .where('form_id', '=', formId)
            .execute()
          if (!theirsForm) continue
          await tx
            .insertInto('draft_forms')
            .values({
              draft_id: draft.id,
              form_id: formId,
              schema: theirsForm.signature,
              updated_by: actor,
              updated_at: new Date(),
            })
            .execute()
        }
      },
    )
  }

  /** The forms deployed with a version of a procedure, as three-way elements `form:<id>`. */
  private async deployedForms(bpmnProcessId: string, version: number) {
    const rows = await this.deps.db
      .selectFrom('process_versions as pv')
      .innerJoin('process_version_forms as pvf', 'pvf.process_definition_key', 'pv.process_definition_key')
      .innerJoin('deployed_forms as f', 'f.form_key', 'pvf.form_key')
      .select(['pvf.form_id', 'f.schema'])
      .where('pv.bpmn_process_id', '=', bpmnProcessId)
      .where('pv.version', '=', version)
      .execute()
    return formSignatures(rows)
  }

  /** The draft's own versions of forms, as three-way elements `form:<id>`. */
  private async draftForms(draftId: string, db: Kysely<DB> = this.deps.db) {
    const rows = await db
      .selectFrom('draft_forms')
      .select(['form_id', 'schema'])
      .where('draft_id', '=', draftId)
      .execute()
    return formSignatures(rows)
  }

  private async signatures(draft: DraftView, xml: string): Promise<Record<string, ElementSignature>> {
    if (draft.kind === DraftKind.Process) return elementSignatures(xml, draft.bpmnProcessId)
    const info = await describeDmn(xml)
    return Object.fromEntries(
      info.decisions.map((d) => [
        d.id,
        { id: d.id, name: d.name, type: 'Decision', signature: canonicalJson(d) },
      ]),
    )
  }
}

function formSignatures(rows: { form_id: string; schema: unknown }[]) {
  return Object.fromEntries(
    rows.map((r) => {
      const schema = typeof r.schema === 'string' ? (JSON.parse(r.schema) as unknown) : r.schema
      const id = `${FORM_PREFIX}${r.form_id}`
      return [id, { id, name: `Form ${r.form_id}`, type: 'Form', signature: canonicalJson(schema) }]
    }),
  ) as Record<string, ElementSignature>
}

function documentOf(row: {
  version: number
  xml: string
  deployed_by: string
  approved_by: string | null
  draft_id: string | null
  deployed_at: Date | string
}): DeployedDocument {
  return {
    version: row.version,
    xml: row.xml,
    deployedBy: row.deployed_by,
    approvedBy: row.approved_by,
    draftId: row.draft_id,
    deployedAt: iso(row.deployed_at),
  }
}

function changeOf(before: ElementSignature | undefined, after: ElementSignature | undefined): ElementChange {
  if (!before) return after ? 'added' : 'same'
  if (!after) return 'removed'
  return before.signature === after.signature ? 'same' : 'changed'
}

/**
 * Every element of base, theirs and mine with how each side changed it; a conflict is an
 * element both sides changed, unless they ended up the same.
 */
export function compareThreeWay(
  base: Record<string, ElementSignature>,
  theirs: Record<string, ElementSignature>,
  mine: Record<string, ElementSignature>,
): ThreeWayElement[] {
  const ids = [...new Set([...Object.keys(base), ...Object.keys(theirs), ...Object.keys(mine)])]
  return ids
    .map((id) => {
      const b = base[id]
      const t = theirs[id]
      const m = mine[id]
      const any = m ?? t ?? b!
      const theirsChange = changeOf(b, t)
      const mineChange = changeOf(b, m)
      return {
        id,
        name: any.name,
        type: any.type,
        theirs: theirsChange,
        mine: mineChange,
        conflict:
          theirsChange !== 'same' && mineChange !== 'same' && t?.signature !== m?.signature,
      }
    })
    .filter((e) => e.theirs !== 'same' || e.mine !== 'same')
    .sort((a, b) => Number(b.conflict) - Number(a.conflict) || a.id.localeCompare(b.id))
}

function changedIds(elements: ThreeWayElement[], side: 'theirs' | 'mine') {
  return elements.filter((e) => e[side] !== 'same').map((e) => ({ id: e.id, change: e[side] }))
}
