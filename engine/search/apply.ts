/**
 * Folds a batch of engine records into the secondary storage's rows, as Camunda's exporter
 * handlers do for its secondary storage: the rows a batch touches are read once, changed in
 * memory record by record, and written back with one upsert per table (tables.ts).
 */
import type { EngineRecord, RecordOf } from '../state/records'
import type { SqlClient } from '../state/sql'
import { bpmnInfo, type BpmnInfo } from './bpmn-info'
import { Batch, keyOf, str } from './batch'
import { foldJob, foldJobBatch, foldUserTask } from './fold-tasks'
import { deleteRows, loadRows, Tables, upsertRows, type Row, type TableName } from './tables'

/** What instances need from their process definition. */
export interface DefinitionInfo {
  name: string
  versionTag: string | null
  version: number
  info: BpmnInfo
}

/** Applies record batches to the search tables; keeps a cache of definition names. */
export class SearchWriter {
  private readonly definitions = new Map<string, DefinitionInfo>()

  constructor(private readonly sql: SqlClient) {}

  /** Folds `records` (in log order) into the tables and stores `position` as the watermark. */
  async apply(records: readonly EngineRecord[], position: number): Promise<void> {
    const batch = new Batch()
    await this.load(records, batch)
    for (const r of records) this.fold(r, batch)
    await this.sql.transaction(async (tx) => {
      for (const [name, rows] of batch.dirty) {
        await upsertRows(tx, Tables[name], [...rows.values()])
      }
      for (const [name, keys] of batch.deleted) await deleteRows(tx, Tables[name], keys)
      await tx.query(
        `insert into ${Tables.position.name} (id, position) values (1, $1)
         on conflict (id) do update set position = excluded.position`,
        [position],
      )
    })
  }

  /** Reads the rows the batch changes (those it creates are not read). */
  private async load(records: readonly EngineRecord[], batch: Batch): Promise<void> {
    const want = new Map<TableName, Set<string>>()
    const need = (t: TableName, key: string | null) => {
      if (key === null) return
      let set = want.get(t)
      if (!set) want.set(t, (set = new Set()))
      set.add(key)
    }
    const defs = new Set<string>()
    for (const r of records) {
      switch (r.valueType) {
        case 'PROCESS_INSTANCE':
          if (r.intent === 'SEQUENCE_FLOW_TAKEN') break
          if (r.value.bpmnElementType === 'PROCESS') {
            if (r.intent !== 'ELEMENT_ACTIVATING') need('processInstances', r.key)
          } else if (r.intent !== 'ELEMENT_ACTIVATING') need('elementInstances', r.key)
          defs.add(String(r.value.processDefinitionKey))
          break
        case 'INCIDENT':
          need('processInstances', keyOf(r.value.processInstanceKey))
          need('elementInstances', keyOf(r.value.elementInstanceKey))
          if (r.intent !== 'CREATED') need('incidents', r.key)
          break
        case 'USER_TASK':
          if (r.intent !== 'CREATING') need('userTasks', r.key)
          defs.add(String(r.value.processDefinitionKey))
          break
        case 'JOB':
          if (r.intent !== 'CREATED') need('jobs', r.key)
          break
        case 'JOB_BATCH':
          for (const jobKey of r.value.jobKeys) need('jobs', String(jobKey))
          break
      }
    }
    for (const [t, keys] of want) {
      for (const row of await loadRows(this.sql, Tables[t], keys)) {
        batch.put(t, String(row[Tables[t].pk[0]!]), row, false)
      }
    }
    const missing = [...defs].filter((k) => !this.definitions.has(k))
    if (missing.length > 0) {
      const { rows } = await this.sql.query<Row>(
        `select process_definition_key::text as key, process_definition_id, name, version_tag,
           version, bpmn_xml from ${Tables.processDefinitions.name}
         where process_definition_key = any($1::bigint[])`,
        [missing],
      )
      for (const row of rows) {
        this.remember(
          String(row.key),
          String(row.process_definition_id),
          Number(row.version),
          str(row.version_tag),
          String(row.bpmn_xml),
        )
      }
    }
  }

  private remember(
    key: string,
    bpmnProcessId: string,
    version: number,
    versionTag: string | null,
    xml: string,
  ): DefinitionInfo {
    if (this.definitions.size >= 2000) this.definitions.clear()
    const info = bpmnInfo(xml, bpmnProcessId)
    const def = { name: info.processName ?? bpmnProcessId, versionTag, version, info }
    this.definitions.set(key, def)
    return def
  }

  private fold(r: EngineRecord, b: Batch): void {
    switch (r.valueType) {
      case 'PROCESS':
        return this.foldProcess(r, b)
      case 'FORM': {
        const v = r.value
        if (r.intent === 'CREATED') {
          b.put('forms', String(v.formKey), {
            form_key: String(v.formKey),
            form_id: v.formId,
            version: v.version,
            schema: v.resource,
            tenant_id: v.tenantId,
          })
        } else if (r.intent === 'DELETED') b.delete('forms', String(v.formKey))
        return
      }
      case 'DECISION_REQUIREMENTS': {
        const v = r.value
        if (r.intent === 'DELETED') {
          b.delete('decisionRequirements', String(v.decisionRequirementsKey))
          return
        }
        if (r.intent !== 'CREATED') return
        b.put('decisionRequirements', String(v.decisionRequirementsKey), {
          decision_requirements_key: String(v.decisionRequirementsKey),
          decision_requirements_id: v.decisionRequirementsId,
          decision_requirements_name: v.decisionRequirementsName,
          version: v.decisionRequirementsVersion,
          resource_name: v.resourceName,
          tenant_id: v.tenantId,
          xml: v.resource,
        })
        return
      }
      case 'DECISION': {
        const v = r.value
        if (r.intent === 'DELETED') {
          b.delete('decisionDefinitions', String(v.decisionKey))
          return
        }
        if (r.intent !== 'CREATED') return
        b.put('decisionDefinitions', String(v.decisionKey), {
          decision_definition_key: String(v.decisionKey),
          decision_definition_id: v.decisionId,
          name: v.decisionName,
          version: v.version,
          decision_requirements_id: v.decisionRequirementsId,
          decision_requirements_key: keyOf(v.decisionRequirementsKey),
          tenant_id: v.tenantId,
        })
        return
      }
      case 'PROCESS_INSTANCE':
        return this.foldElement(r, b)
      case 'VARIABLE': {
        const v = r.value
        b.put('variables', r.key, {
          variable_key: r.key,
          name: v.name,
          value: v.value,
          scope_key: keyOf(v.scopeKey),
          process_instance_key: keyOf(v.processInstanceKey),
          tenant_id: v.tenantId,
        })
        return
      }
      case 'INCIDENT':
        return this.foldIncident(r, b)
      case 'USER_TASK':
        return foldUserTask(r, b, (key) => this.definitions.get(key))
      case 'JOB':
        return foldJob(r, b)
      case 'JOB_BATCH':
        return foldJobBatch(r, b)
      default:
        return
    }
  }

  private foldProcess(r: RecordOf<'PROCESS'>, b: Batch): void {
    const v = r.value
    const key = String(v.processDefinitionKey)
    if (r.intent === 'DELETED') {
      b.delete('processDefinitions', key)
      return
    }
    if (r.intent !== 'CREATED') return
    const versionTag = v.versionTag || null
    const def = this.remember(key, v.bpmnProcessId, v.version, versionTag, v.resource)
    b.put('processDefinitions', key, {
      process_definition_key: key,
      process_definition_id: v.bpmnProcessId,
      name: def.info.processName ?? null,
      version: v.version,
      version_tag: versionTag,
      resource_name: v.resourceName,
      tenant_id: v.tenantId,
      has_start_form: def.info.startForm !== undefined,
      start_form_id: def.info.startForm?.formId ?? null,
      start_form_key: def.info.startForm?.formKey ?? null,
      bpmn_xml: v.resource,
    })
  }

  private foldElement(r: RecordOf<'PROCESS_INSTANCE'>, b: Batch): void {
    const v = r.value
    const pdKey = String(v.processDefinitionKey)
    const def = this.definitions.get(pdKey)
    if (r.intent === 'SEQUENCE_FLOW_TAKEN') {
      const pi = String(v.processInstanceKey)
      b.put('sequenceFlows', `${pi}/${v.elementId}`, {
        process_instance_key: pi,
        sequence_flow_id: v.elementId,
        process_definition_key: pdKey,
        process_definition_id: v.bpmnProcessId,
        tenant_id: v.tenantId,
      })
      return
    }
    const ended =
      r.intent === 'ELEMENT_COMPLETED'
        ? 'COMPLETED'
        : r.intent === 'ELEMENT_TERMINATED'
          ? 'TERMINATED'
          : null
    if (v.bpmnElementType === 'PROCESS') {
      if (r.intent === 'ELEMENT_ACTIVATING') {
        b.put('processInstances', r.key, {
          process_instance_key: r.key,
          process_definition_key: pdKey,
          process_definition_id: v.bpmnProcessId,
          process_definition_name: def?.name ?? v.bpmnProcessId,
          process_definition_version: v.version,
          process_definition_version_tag: def?.versionTag ?? null,
          start_date: r.timestamp,
          end_date: null,
          state: 'ACTIVE',
          incident_count: 0,
          tenant_id: v.tenantId,
          parent_process_instance_key: keyOf(v.parentProcessInstanceKey),
          parent_element_instance_key: keyOf(v.parentElementInstanceKey),
        })
        return
      }
      const row = b.get('processInstances', r.key)
      if (!row) return
      if (ended) Object.assign(row, { state: ended, end_date: r.timestamp })
      else if (r.intent === 'ELEMENT_MIGRATED') {
        Object.assign(row, {
          process_definition_key: pdKey,
          process_definition_id: v.bpmnProcessId,
          process_definition_name: def?.name ?? v.bpmnProcessId,
          process_definition_version: v.version,
          process_definition_version_tag: def?.versionTag ?? null,
        })
      }
      b.touch('processInstances', r.key)
      return
    }
    const elementId = v.elementId
    const elementName = def?.info.names.get(elementId) ?? elementId
    if (r.intent === 'ELEMENT_ACTIVATING') {
      b.put('elementInstances', r.key, {
        element_instance_key: r.key,
        process_instance_key: keyOf(v.processInstanceKey),
        process_definition_key: pdKey,
        process_definition_id: v.bpmnProcessId,
        element_id: elementId,
        element_name: elementName,
        type: v.bpmnElementType,
        state: 'ACTIVE',
        start_date: r.timestamp,
        end_date: null,
        incident_key: null,
        flow_scope_key: keyOf(v.flowScopeKey),
        tenant_id: v.tenantId,
      })
      return
    }
    const row = b.get('elementInstances', r.key)
    if (!row) return
    if (ended) Object.assign(row, { state: ended, end_date: r.timestamp })
    else if (r.intent === 'ELEMENT_MIGRATED') {
      Object.assign(row, {
        process_definition_key: pdKey,
        process_definition_id: v.bpmnProcessId,
        element_id: elementId,
        element_name: elementName,
      })
    }
    b.touch('elementInstances', r.key)
  }

  private foldIncident(r: RecordOf<'INCIDENT'>, b: Batch): void {
    const v = r.value
    const pi = keyOf(v.processInstanceKey)
    const ei = keyOf(v.elementInstanceKey)
    const instance = pi ? b.get('processInstances', pi) : undefined
    const element = ei ? b.get('elementInstances', ei) : undefined
    if (r.intent === 'CREATED') {
      b.put('incidents', r.key, {
        incident_key: r.key,
        process_definition_key: keyOf(v.processDefinitionKey),
        process_definition_id: v.bpmnProcessId,
        process_instance_key: pi,
        error_type: v.errorType,
        error_message: v.errorMessage,
        element_id: v.elementId,
        element_instance_key: ei,
        creation_time: r.timestamp,
        state: 'ACTIVE',
        job_key: keyOf(v.jobKey),
        tenant_id: v.tenantId,
      })
      if (instance) {
        instance.incident_count = Number(instance.incident_count ?? 0) + 1
        b.touch('processInstances', pi!)
      }
      if (element) {
        element.incident_key = r.key
        b.touch('elementInstances', ei!)
      }
      return
    }
    const row = b.get('incidents', r.key)
    if (!row) return
    if (r.intent === 'RESOLVED') {
      row.state = 'RESOLVED'
      if (instance) {
        instance.incident_count = Math.max(0, Number(instance.incident_count ?? 0) - 1)
        b.touch('processInstances', pi!)
      }
      if (element && element.incident_key === r.key) {
        element.incident_key = null
        b.touch('elementInstances', ei!)
      }
    } else if (r.intent === 'MIGRATED') {
      Object.assign(row, {
        process_definition_key: keyOf(v.processDefinitionKey),
        process_definition_id: v.bpmnProcessId,
        element_id: v.elementId,
      })
    }
    b.touch('incidents', r.key)
  }
}
