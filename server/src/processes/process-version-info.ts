/**
 * What a process version's BPMN says about its elements, in one place for the inbox, history
 * and deployment: element names, which form each user task links (`zeebe:formDefinition
 * formId`) or embeds (`zeebe:userTaskForm`), and what it writes on its case. Also which
 * deployed form a task of that version uses: the product binds linked forms to the form
 * version deployed with the process version (`process_version_forms`), so a running instance
 * keeps its forms when a newer form is deployed (ISO/IEC 20000-1 4.3.2).
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { recordMappingOf, type RecordMapping } from '../cases/record-updates'
import { describeBpmn, type BpmnElementInfo, type BpmnInfo } from './bpmn'

/** What the server needs of a deployed process version. */
export interface ProcessVersionInfo {
  name: string
  /** Element names by id. */
  names: Record<string, string>
  /** Linked form ids (`zeebe:formDefinition formId`) by element id. */
  formIds: Record<string, string>
  /** Embedded forms (`zeebe:userTaskForm`) by id, as JSON text. */
  embeddedForms: Record<string, string>
  /** What each user task writes on its case (`record:` extension properties) by element id. */
  recordMappings: Record<string, RecordMapping>
  /** Extension properties (`zeebe:properties`) by element id: `record:`, `context:`, `sod:` … */
  properties: Record<string, Record<string, string>>
  /** Every element of each process the version's BPMN defines, by process id and element id. */
  processes: Record<string, Record<string, BpmnElementInfo>>
  /** Decisions called with `bindingType="deployment"` (deployed with the version) by element id. */
  calledDecisions: Record<string, string>
  /** Sequence flows by id: their source and target element ids (to place a flow on a path). */
  flows: Record<string, { source: string; target: string }>
}

/** The form a user task uses: its id and the deployed form (or embedded form key). */
export interface ResolvedForm {
  formId: string | null
  formKey: string | null
}

/** Form keys of embedded forms: `camunda-forms:bpmn:<id>`. */
export const EMBEDDED_FORM_PREFIX = 'camunda-forms:bpmn:'

/**
 * The info of a stored version's processes. A version that does not parse (it did when it was
 * deployed) yields ids for names and no forms.
 */
export async function versionInfoOf(xml: string, name: string): Promise<ProcessVersionInfo> {
  return infoOf(await describeBpmn(xml).catch(() => undefined), name)
}

/** The info of process `processId` of a BPMN being deployed, named as its XML names it. */
export async function deployedVersionInfo(
  xml: string,
  processId: string,
): Promise<ProcessVersionInfo> {
  const bpmn = await describeBpmn(xml)
  const name = bpmn.processes.find((p) => p.id === processId)?.name ?? processId
  return infoOf(bpmn, name, processId)
}

/** Only `processId`'s elements when given, else those of every process. */
function infoOf(info: BpmnInfo | undefined, name: string, processId?: string): ProcessVersionInfo {
  const processes = info?.processes.filter((p) => processId === undefined || p.id === processId)
  const elements = processes?.flatMap((p) => Object.values(p.elements)) ?? []
  return {
    name,
    names: Object.fromEntries(elements.map((e) => [e.id, e.name])),
    formIds: Object.fromEntries(elements.flatMap((e) => (e.formId ? [[e.id, e.formId]] : []))),
    embeddedForms: info?.embeddedForms ?? {},
    recordMappings: Object.fromEntries(
      elements.flatMap((e) => {
        const mapping = recordMappingOf(e.properties)
        return mapping ? [[e.id, mapping]] : []
      }),
    ),
    properties: Object.fromEntries(
      elements.flatMap((e) => (e.properties ? [[e.id, e.properties]] : [])),
    ),
    processes: Object.fromEntries(processes?.map((p) => [p.id, p.elements]) ?? []),
    calledDecisions: Object.fromEntries(
      elements.flatMap((e) =>
        e.calledDecision?.bindingType === 'deployment' ? [[e.id, e.calledDecision.decisionId]] : [],
      ),
    ),
    flows: Object.fromEntries(
      elements.flatMap((e) =>
        e.sourceRef && e.targetRef ? [[e.id, { source: e.sourceRef, target: e.targetRef }]] : [],
      ),
    ),
  }
}

/** The form ids the user tasks of a BPMN link, in every process it defines. */
export async function linkedFormIds(xml: string): Promise<Set<string>> {
  return new Set(Object.values(infoOf(await describeBpmn(xml), '').formIds))
}

/** The decision ids a BPMN calls with `bindingType="deployment"`, in every process it defines. */
export async function decisionsCalledIn(xml: string): Promise<Set<string>> {
  return new Set(Object.values(infoOf(await describeBpmn(xml), '').calledDecisions))
}

/**
 * Deployed process versions as inbox, history and migration read them. The server holds one
 * instance (`server.ts`), so each version is read and parsed once for all of them.
 */
export class ProcessVersions {
  /** Deployed versions never change: each is read and parsed once (concurrent reads share it). */
  private readonly cache = new Map<string, Promise<ProcessVersionInfo | undefined>>()

  constructor(private readonly db: Kysely<DB>) {}

  /** The info of a deployed version, or undefined when the server has no record of it. */
  of(definitionKey: string): Promise<ProcessVersionInfo | undefined> {
    const cached = this.cache.get(definitionKey)
    if (cached) return cached
    const read = this.read(definitionKey)
    this.cache.set(definitionKey, read)
    // an unknown version (not deployed yet) or a failed read is asked again next time
    read.then(
      (v) => v ?? this.cache.delete(definitionKey),
      () => this.cache.delete(definitionKey),
    )
    return read
  }

  /** The extension properties (`zeebe:properties`) of one element of a deployed version. */
  async elementProperties(
    definitionKey: string,
    elementId: string,
  ): Promise<Record<string, string> | undefined> {
    return (await this.of(definitionKey))?.properties[elementId]
  }

  private async read(definitionKey: string): Promise<ProcessVersionInfo | undefined> {
    const row = await this.db
      .selectFrom('process_versions')
      .select(['name', 'xml'])
      .where('process_definition_key', '=', definitionKey)
      .executeTakeFirst()
    return row ? versionInfoOf(row.xml, row.name) : undefined
  }

  /**
   * The form of a user task, bound to the process version it runs on: an embedded form
   * (`camunda-forms:bpmn:<id>`), a deployed form key, or the linked form id of the element in
   * that version's XML resolved to the form deployed with that version.
   */
  async resolveForm(
    definitionKey: string,
    elementId: string,
    headerKey: string | undefined,
  ): Promise<ResolvedForm> {
    const { db } = this
    if (headerKey?.startsWith(EMBEDDED_FORM_PREFIX)) {
      return { formId: headerKey.slice(EMBEDDED_FORM_PREFIX.length), formKey: headerKey }
    }
    // The engine names the form version it resolved (Zeebe binds linked forms to the latest
    // version by default); the product binds them to the version deployed with the process
    // version, so a running instance keeps its forms when a newer form is deployed.
    const named =
      headerKey && /^\d+$/.test(headerKey)
        ? await db
            .selectFrom('deployed_forms')
            .select(['form_id', 'form_key'])
            .where('form_key', '=', headerKey)
            .executeTakeFirst()
        : undefined
    const formId = named?.form_id ?? (await this.of(definitionKey))?.formIds[elementId] ?? headerKey
    if (!formId) return { formId: null, formKey: null }
    const bound = await this.boundFormKey(definitionKey, formId)
    if (bound) return { formId, formKey: bound }
    if (named) return { formId: named.form_id, formKey: named.form_key }
    return { formId, formKey: (await latestFormKey(db, formId)) ?? null }
  }

  /** The form-js schema of a resolved form, from the version it was deployed with. */
  async formSchema(definitionKey: string, form: ResolvedForm): Promise<unknown> {
    if (form.formKey?.startsWith(EMBEDDED_FORM_PREFIX)) {
      const body = (await this.of(definitionKey))?.embeddedForms[form.formId ?? '']
      return body ? (JSON.parse(body) as unknown) : null
    }
    if (!form.formKey) return null
    const f = await this.db
      .selectFrom('deployed_forms')
      .select('schema')
      .where('form_key', '=', form.formKey)
      .executeTakeFirst()
    return f ? asJson(f.schema) : null
  }

  /** The form key a process version was deployed with for a linked form id. */
  private async boundFormKey(definitionKey: string, formId: string): Promise<string | undefined> {
    const bound = await this.db
      .selectFrom('process_version_forms')
      .select('form_key')
      .where('process_definition_key', '=', definitionKey)
      .where('form_id', '=', formId)
      .executeTakeFirst()
    return bound?.form_key
  }
}

/**
 * Binds a process version being deployed to a version of every form it links: the one in the
 * same deployment, else the latest deployed before (`deployedNow` maps form id → form key).
 */
export async function bindForms(
  tx: Kysely<DB>,
  definitionKey: string,
  info: ProcessVersionInfo,
  deployedNow: Map<string, string>,
): Promise<void> {
  for (const formId of new Set(Object.values(info.formIds))) {
    const formKey = deployedNow.get(formId) ?? (await latestFormKey(tx, formId))
    if (!formKey) continue
    await tx
      .insertInto('process_version_forms')
      .values({ process_definition_key: definitionKey, form_id: formId, form_key: formKey })
      .onConflict((oc) => oc.columns(['process_definition_key', 'form_id']).doNothing())
      .execute()
  }
}

/** The key of the latest deployed version of a form. */
async function latestFormKey(db: Kysely<DB>, formId: string): Promise<string | undefined> {
  const latest = await db
    .selectFrom('deployed_forms')
    .select('form_key')
    .where('form_id', '=', formId)
    .orderBy('version', 'desc')
    .executeTakeFirst()
  return latest?.form_key
}

/** jsonb comes back parsed from PostgreSQL, as text from some drivers. */
export function asJson(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value
}
