/**
 * Running-instance migration for administrators (ISO/IEC 20000-1 4.3.2 control of documented
 * procedures, 4.3.3 control of records): the running instances of a version, a mapping of
 * element ids proposed from the diff of two versions, a dry run of that mapping against the
 * selected instances, and the migration itself through the Orchestration Cluster REST API
 * (`POST /v2/process-instances/{key}/migration`), the same on the embedded engine and on a
 * Camunda 8.8 cluster. After the engine accepts an instance, the server's projection of it
 * (`process_instances`, `case_processes`, the inbox's open tasks with their form) moves to the
 * target version in one transaction with its `process-instance.migrated` evidence entry.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ServiceUnavailableError, UserError } from '../errors'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { TaskState } from '../inbox/task-model'
import { isoOrNull as iso } from '../db/timestamps'
import type { ActiveElement, MigrationEngine } from './migration-engine'
import type { BpmnElementInfo } from './bpmn'
import {
  mappingProblems,
  planActiveElements,
  proposeMapping,
  targetChoices,
  type ActiveElementPlan,
  type MappingInstruction,
  type PlanElement,
  type ProposedMapping,
} from './migration-plan'
import { ProcessVersions, type ResolvedForm } from './process-version-info'

/** At most this many running instances are listed (and migrated) in one request. */
export const MAX_INSTANCES = 200

/** A running instance of a version with its active elements. */
export interface RunningInstanceView {
  processInstanceKey: string
  caseKind: string | null
  caseId: string | null
  startedAt: string | null
  activeElements: { elementInstanceKey: string; elementId: string; elementName: string; type: string }[]
}

/** The proposed plan between two versions. */
export interface MigrationPlanView {
  bpmnProcessId: string
  sourceVersion: number
  targetVersion: number
  sourceProcessDefinitionKey: string
  targetProcessDefinitionKey: string
  mappings: ProposedMapping[]
  /** Elements of the target added by it (no source element has their id). */
  added: PlanElement[]
  targetElements: PlanElement[]
}

/** What a migration request names. */
export interface MigrationRequest {
  sourceVersion: number
  targetVersion: number
  mappingInstructions: MappingInstruction[]
  processInstanceKeys: string[]
}

/** One instance in a dry run. */
export interface DryRunInstance {
  processInstanceKey: string
  caseKind: string | null
  caseId: string | null
  canMigrate: boolean
  /**
   * The engine already runs it on the target version (an earlier migration whose projection
   * failed): migrating it only brings the server's records up to date.
   */
  inEngineAlready: boolean
  /** Why it cannot migrate (empty when it can). */
  problems: string[]
  activeElements: ActiveElementPlan[]
}

/** One instance's outcome of a migration. */
export interface MigrationResult {
  processInstanceKey: string
  status: 'migrated' | 'failed'
  /** Why it failed: the dry run's problems, the engine's rejection, or the projection's error. */
  reason: string | null
  /** True when the engine migrated it (a failure after that is the server's projection). */
  engineMigrated: boolean
}

interface Version {
  version: number
  processDefinitionKey: string
  elements: Record<string, BpmnElementInfo>
}

export class InstanceMigration {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      /** The engine's v2 API; undefined when no REST address is known (a gRPC gateway only). */
      engine: MigrationEngine | undefined
      audit: AuditSink
      /** One deployed version with its XML (`ProcessesService.getVersion`). */
      getVersion: (
        bpmnProcessId: string,
        version: number,
      ) => Promise<{ version: number; processDefinitionKey: string; xml: string }>
      /** Deployed versions' elements and forms, shared with the inbox and history (else its own). */
      versions?: ProcessVersions
    },
  ) {
    this.versions = deps.versions ?? new ProcessVersions(deps.db)
  }

  /** Elements, names and forms of both versions, for the plan and the migrated tasks. */
  private readonly versions: ProcessVersions

  /** The running instances of a version with their active elements (from v2 search). */
  async runningInstances(bpmnProcessId: string, version: number): Promise<RunningInstanceView[]> {
    const v = await this.version(bpmnProcessId, version)
    const rows = await this.deps.db
      .selectFrom('process_instances')
      .select(['process_instance_key', 'case_kind', 'case_id', 'started_at'])
      .where('process_definition_key', '=', v.processDefinitionKey)
      .where('state', '=', 'active')
      .orderBy('started_at')
      .limit(MAX_INSTANCES)
      .execute()
    const out: RunningInstanceView[] = []
    for (const r of rows) {
      out.push({
        processInstanceKey: r.process_instance_key,
        caseKind: r.case_kind,
        caseId: r.case_id,
        startedAt: iso(r.started_at),
        activeElements: (await this.activeElements(r.process_instance_key)).map((a) => ({
          elementInstanceKey: a.elementInstanceKey,
          elementId: a.elementId,
          type: a.type,
          elementName: v.elements[a.elementId]?.name ?? a.elementId,
        })),
      })
    }
    return out
  }

  /** The mapping proposed from the diff of two versions. */
  async plan(bpmnProcessId: string, from: number, to: number): Promise<MigrationPlanView> {
    const [source, target] = await this.pair(bpmnProcessId, from, to)
    return {
      bpmnProcessId,
      sourceVersion: source.version,
      targetVersion: target.version,
      sourceProcessDefinitionKey: source.processDefinitionKey,
      targetProcessDefinitionKey: target.processDefinitionKey,
      mappings: proposeMapping(source.elements, target.elements),
      added: targetChoices(target.elements).filter((e) => !source.elements[e.id]),
      targetElements: targetChoices(target.elements),
    }
  }

  /** What each selected instance would look like after the migration; nothing is changed. */
  async dryRun(bpmnProcessId: string, req: MigrationRequest): Promise<DryRunInstance[]> {
    const [source, target] = await this.checkedPair(bpmnProcessId, req)
    const out: DryRunInstance[] = []
    for (const key of req.processInstanceKeys) {
      out.push(await this.dryRunOne(key, source, target, req.mappingInstructions))
    }
    return out
  }

  /**
   * Migrates the selected instances one by one: each is dry-run again, then sent to the
   * engine; what the engine accepts is projected with its evidence in one transaction. Every
   * instance's outcome is returned, failures included.
   */
  async migrate(
    bpmnProcessId: string,
    req: MigrationRequest,
    actor: string,
  ): Promise<MigrationResult[]> {
    const [source, target] = await this.checkedPair(bpmnProcessId, req)
    const results: MigrationResult[] = []
    for (const key of req.processInstanceKeys) {
      const dry = await this.dryRunOne(key, source, target, req.mappingInstructions)
      if (!dry.canMigrate) {
        results.push({
          processInstanceKey: key,
          status: 'failed',
          reason: dry.problems.join('; '),
          engineMigrated: false,
        })
        continue
      }
      try {
        if (!dry.inEngineAlready) {
          await this.engine().migrate(key, target.processDefinitionKey, req.mappingInstructions)
        }
      } catch (err) {
        results.push({
          processInstanceKey: key,
          status: 'failed',
          reason: `the engine refused the migration: ${err instanceof Error ? err.message : String(err)}`,
          engineMigrated: false,
        })
        continue
      }
      try {
        await this.project(key, dry, source, target, req.mappingInstructions, actor)
        results.push({ processInstanceKey: key, status: 'migrated', reason: null, engineMigrated: true })
      } catch (err) {
        results.push({
          processInstanceKey: key,
          status: 'failed',
          reason: `migrated in the engine, but the server's records were not updated: ${err instanceof Error ? err.message : String(err)}`,
          engineMigrated: true,
        })
      }
    }
    return results
  }

  /**
   * The server's projection of a migrated instance moves to the target version, with its
   * evidence entry (before/after version and mapping), in one transaction (4.3.3).
   */
  private async project(
    key: string,
    dry: DryRunInstance,
    source: Version,
    target: Version,
    mapping: readonly MappingInstruction[],
    actor: string,
  ): Promise<void> {
    const targetOf = new Map(mapping.map((m) => [m.sourceElementId, m.targetElementId]))
    const { versions } = this
    const targetInfo = await versions.of(target.processDefinitionKey)
    // the forms of the target's user tasks, read before the transaction (it may hold the only
    // connection, as PGlite's does)
    const forms = new Map<string, ResolvedForm>()
    for (const e of Object.values(target.elements)) {
      if (e.type !== 'UserTask') continue
      forms.set(e.id, await versions.resolveForm(target.processDefinitionKey, e.id, undefined))
    }
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      await tx
        .updateTable('process_instances')
        .set({ process_definition_key: target.processDefinitionKey, version: target.version })
        .where('process_instance_key', '=', key)
        .execute()
      await tx
        .updateTable('case_processes')
        .set({
          process_definition_key: target.processDefinitionKey,
          process_version: target.version,
        })
        .where('process_instance_key', '=', key)
        .execute()
      const tasks = await tx
        .selectFrom('tasks')
        .select(['id', 'element_id', 'form_id', 'form_key', 'name', 'process_name', 'case_id', 'case_title'])
        .where('process_instance_key', '=', key)
        .where('state', 'in', [TaskState.Open, TaskState.Claimed, TaskState.Completing])
        .execute()
      const movedTasks: { taskId: string; from: string; to: string; formKey: string | null }[] = []
      for (const t of tasks) {
        const elementId = targetOf.get(t.element_id) ?? t.element_id
        const form = forms.get(elementId) ?? { formId: null, formKey: null }
        const name = targetInfo?.names[elementId] ?? t.name
        const processName = targetInfo?.name ?? t.process_name
        await tx
          .updateTable('tasks')
          .set({
            element_id: elementId,
            process_definition_key: target.processDefinitionKey,
            process_version: target.version,
            name,
            process_name: processName,
            search: [name, processName, t.case_id, t.case_title].filter(Boolean).join(' ').toLowerCase(),
            // a task keeps its form when the target element links none
            ...(form.formKey ? { form_id: form.formId, form_key: form.formKey } : {}),
          })
          .where('id', '=', t.id)
          .execute()
        movedTasks.push({ taskId: t.id, from: t.element_id, to: elementId, formKey: form.formKey ?? t.form_key })
      }
      return {
        result: undefined,
        evidence: {
          actor,
          action: 'process-instance.migrated',
          entityType: dry.caseKind ?? 'process-instance',
          entityId: dry.caseId ?? key,
          processInstanceKey: key,
          before: {
            version: source.version,
            processDefinitionKey: source.processDefinitionKey,
            activeElements: dry.activeElements.map((a) => a.elementId),
          },
          after: {
            version: target.version,
            processDefinitionKey: target.processDefinitionKey,
            activeElements: dry.activeElements.map((a) => a.targetElementId),
            mappingInstructions: mapping,
            tasks: movedTasks,
            // true: the engine had migrated it before; this entry records the server catching up
            inEngineAlready: dry.inEngineAlready,
          },
        },
      }
    })
  }

  private async dryRunOne(
    key: string,
    source: Version,
    target: Version,
    mapping: readonly MappingInstruction[],
  ): Promise<DryRunInstance> {
    const row = await this.deps.db
      .selectFrom('process_instances')
      .select(['process_definition_key', 'state', 'case_kind', 'case_id'])
      .where('process_instance_key', '=', key)
      .executeTakeFirst()
    const base = {
      processInstanceKey: key,
      caseKind: row?.case_kind ?? null,
      caseId: row?.case_id ?? null,
      inEngineAlready: false,
    }
    if (!row) return { ...base, canMigrate: false, problems: ['no such process instance'], activeElements: [] }
    if (row.process_definition_key !== source.processDefinitionKey) {
      const problem = `the instance does not run on version ${source.version}`
      return { ...base, canMigrate: false, problems: [problem], activeElements: [] }
    }
    if (row.state !== 'active') {
      const problem = `the instance is ${row.state}, not running`
      return { ...base, canMigrate: false, problems: [problem], activeElements: [] }
    }
    const active = await this.activeElements(key)
    if (active.length > 0 && active.every((a) => a.processDefinitionKey === target.processDefinitionKey)) {
      // the engine took an earlier migration whose projection failed: the elements are the
      // target's already, and only the server's records are behind
      const activeElements = active.map((a) => ({
        elementInstanceKey: a.elementInstanceKey,
        elementId: a.elementId,
        elementName: target.elements[a.elementId]?.name ?? a.elementId,
        type: a.type,
        targetElementId: a.elementId,
        targetName: target.elements[a.elementId]?.name ?? null,
        problem: null,
      }))
      return { ...base, inEngineAlready: true, canMigrate: true, problems: [], activeElements }
    }
    const activeElements = planActiveElements(active, mapping, source.elements, target.elements)
    const problems = activeElements.flatMap((a) => (a.problem ? [a.problem] : []))
    if (active.length === 0) problems.push('the engine reports no active element')
    return { ...base, canMigrate: problems.length === 0, problems, activeElements }
  }

  /** The active elements of an instance (not the process itself), from v2 element search. */
  private activeElements(key: string): Promise<ActiveElement[]> {
    return this.engine().activeElements(key)
  }

  private engine(): MigrationEngine {
    if (!this.deps.engine) {
      throw new ServiceUnavailableError(
        'Running-instance migration needs the Orchestration Cluster REST API: set CAMUNDA_REST_ADDRESS.',
      )
    }
    return this.deps.engine
  }

  private async version(bpmnProcessId: string, version: number): Promise<Version> {
    const v = await this.deps.getVersion(bpmnProcessId, version)
    const elements =
      (await this.versions.of(v.processDefinitionKey))?.processes[bpmnProcessId] ?? {}
    return { version: v.version, processDefinitionKey: v.processDefinitionKey, elements }
  }

  private async pair(bpmnProcessId: string, from: number, to: number): Promise<[Version, Version]> {
    if (from === to) throw new UserError('Pick two different versions.')
    return [await this.version(bpmnProcessId, from), await this.version(bpmnProcessId, to)]
  }

  /** Both versions, with a 400 naming each problem of the mapping itself. */
  private async checkedPair(
    bpmnProcessId: string,
    req: MigrationRequest,
  ): Promise<[Version, Version]> {
    const [source, target] = await this.pair(bpmnProcessId, req.sourceVersion, req.targetVersion)
    const problems = mappingProblems(req.mappingInstructions, source.elements, target.elements)
    if (problems.length > 0) throw new UserError('The mapping cannot be used.', problems)
    return [source, target]
  }
}
