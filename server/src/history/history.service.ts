/**
 * Instance history as evidence (ISO/IEC 20000-1 4.3.3): for one process instance, the BPMN of
 * the exact version it ran on, every element step with its time (from the engine's v2 searches,
 * so the same on the embedded engine and on a Camunda 8.8 cluster), the path taken (flows), what
 * is still active, incidents, its variables, the tasks with who claimed and completed them and
 * the data they submitted, and the evidence-trail entries with the chain's verification.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { NotFoundError } from '../errors'
import type { CamundaRest } from '../camunda/camunda-rest'
import { ProcessVersions } from '../processes/process-version-info'
import { requirementsByElement } from '../compliance/bpmn-links'
import { readInstance } from './instance-reader'
import { buildTimeline, type HistoryStep } from './timeline'
import { buildActivityTree, workerActor, type Actor } from './activity-tree'

export type { HistoryStep }
export type { Actor, ActivityNode } from './activity-tree'

export interface EvidenceLike {
  list(q: { processInstanceKey?: string; limit?: number }): Promise<unknown[]>
  verify(): Promise<unknown>
}

/** v2's instance states as the server names them (`process_instances.state`). */
const STATE = { ACTIVE: 'active', COMPLETED: 'completed', TERMINATED: 'cancelled' } as const

export class HistoryService {
  /** Element names of the version an instance runs on. */
  private readonly versions: ProcessVersions

  constructor(
    private readonly deps: {
      db: Kysely<DB>
      camunda: CamundaRest
      evidence?: EvidenceLike
      /** Shared with the inbox when given, so each version is parsed once. */
      versions?: ProcessVersions
      /** The organisation's IANA time zone for printed times; default the server's. */
      timeZone?: string
    },
  ) {
    this.versions = deps.versions ?? new ProcessVersions(deps.db)
  }

  async list(filter: {
    bpmnProcessId?: string
    version?: number
    state?: string
    caseKind?: string
    caseId?: string
    limit?: number
  }) {
    let q = this.deps.db.selectFrom('process_instances').selectAll()
    if (filter.bpmnProcessId) q = q.where('bpmn_process_id', '=', filter.bpmnProcessId)
    if (filter.version !== undefined) q = q.where('version', '=', filter.version)
    if (filter.state) q = q.where('state', '=', filter.state)
    if (filter.caseKind) q = q.where('case_kind', '=', filter.caseKind)
    if (filter.caseId) q = q.where('case_id', '=', filter.caseId)
    const rows = await q
      .orderBy('started_at', 'desc')
      .limit(Math.min(filter.limit ?? 100, 1000))
      .execute()
    return rows.map((r) => ({
      key: r.process_instance_key,
      bpmnProcessId: r.bpmn_process_id,
      version: r.version,
      processDefinitionKey: r.process_definition_key,
      state: r.state,
      caseKind: r.case_kind,
      caseId: r.case_id,
      startedBy: r.started_by,
      startedAt: new Date(r.started_at).toISOString(),
      endedAt: r.ended_at ? new Date(r.ended_at).toISOString() : null,
    }))
  }

  async history(processInstanceKey: string) {
    const { db } = this.deps
    const inst = await db
      .selectFrom('process_instances')
      .selectAll()
      .where('process_instance_key', '=', processInstanceKey)
      .executeTakeFirst()
    const read = await readInstance(this.deps.camunda, processInstanceKey)
    if (!inst && !read) throw new NotFoundError(`No process instance ${processInstanceKey}.`)
    const definitionKey = inst?.process_definition_key ?? read!.instance.processDefinitionKey
    const version = await db
      .selectFrom('process_versions')
      .selectAll()
      .where('process_definition_key', '=', definitionKey)
      .executeTakeFirst()
    const info = await this.versions.of(definitionKey)
    const tasks = await db
      .selectFrom('tasks')
      .select([
        'id',
        'name',
        'element_id',
        'element_instance_key',
        'state',
        'assignee',
        'claimed_at',
        'completed_by',
        'completed_at',
        'submitted_data',
        'created_at',
      ])
      .where('process_instance_key', '=', processInstanceKey)
      .orderBy('created_at')
      .execute()
    const taskByElementInstance = new Map(tasks.map((t) => [t.element_instance_key, t]))
    // not yet in secondary storage (it lags the engine a little): the steps follow shortly
    const timeline = read
      ? buildTimeline({
          instance: read.instance,
          elements: read.elements,
          flowsTaken: read.flowsTaken,
          flows: info?.flows ?? {},
          incidents: read.incidents,
          variables: read.variables,
          names: info?.names ?? {},
        })
      : { steps: [], incidents: [], variables: [] }
    const steps: HistoryStep[] = timeline.steps.map((s) =>
      s.intent === 'ELEMENT_COMPLETED'
        ? {
            ...s,
            actor:
              taskByElementInstance.get(s.elementInstanceKey)?.completed_by ??
              read?.jobs.get(s.elementInstanceKey)?.worker ??
              null,
          }
        : s,
    )
    // people by their display names (4.3.3: who acted, as a reader knows them)
    const usernames = new Set<string>()
    for (const t of tasks) for (const u of [t.assignee, t.completed_by]) if (u) usernames.add(u)
    if (inst?.started_by) usernames.add(inst.started_by)
    const displayNames = new Map(
      usernames.size
        ? (
            await db
              .selectFrom('users')
              .select(['username', 'display_name'])
              .where('username', 'in', [...usernames])
              .execute()
          ).map((u) => [u.username, u.display_name])
        : [],
    )
    const person = (username: string | null | undefined): Actor | null =>
      username
        ? { kind: 'person', id: username, name: displayNames.get(username) ?? username }
        : null
    const who = new Map<string, Actor>()
    for (const [key, job] of read?.jobs ?? []) who.set(key, workerActor(job.worker, job.type))
    for (const t of tasks) {
      const p = person(t.completed_by)
      if (p) who.set(t.element_instance_key, p)
    }
    const instanceState = inst?.state ?? (read ? STATE[read.instance.state] : 'active')
    const tree = read
      ? buildActivityTree({
          processInstanceKey,
          elements: read.elements,
          steps,
          variables: timeline.variables,
          incidents: read.incidents,
          names: info?.names ?? {},
          who,
          root: {
            elementId: read.instance.processDefinitionId,
            elementName: version?.name ?? read.instance.processDefinitionId,
            state:
              instanceState === 'active'
                ? 'active'
                : instanceState === 'completed'
                  ? 'completed'
                  : 'terminated',
            startedAt: read.instance.startDate,
            endedAt: read.instance.endDate ?? null,
            who: person(inst?.started_by),
          },
        })
      : null
    const flowsTaken: string[] = []
    const open = new Map<string, string>()
    const completed = new Set<string>()
    for (const s of steps) {
      if (s.intent === 'SEQUENCE_FLOW_TAKEN') flowsTaken.push(s.elementId)
      if (s.intent === 'ELEMENT_ACTIVATED') open.set(s.elementInstanceKey, s.elementId)
      if (s.intent === 'ELEMENT_COMPLETED' || s.intent === 'ELEMENT_TERMINATED') {
        open.delete(s.elementInstanceKey)
        if (s.intent === 'ELEMENT_COMPLETED') completed.add(s.elementId)
      }
    }
    const resolved = new Set(
      timeline.incidents.filter((i) => i.intent === 'RESOLVED').map((i) => i.key),
    )
    const evidence = this.deps.evidence
      ? {
          entries: await this.deps.evidence.list({ processInstanceKey, limit: 5000 }),
          verification: await this.deps.evidence.verify(),
        }
      : null
    return {
      instance: {
        key: processInstanceKey,
        bpmnProcessId: inst?.bpmn_process_id ?? version?.bpmn_process_id ?? null,
        version: inst?.version ?? version?.version ?? null,
        processDefinitionKey: definitionKey,
        processName: version?.name ?? null,
        state: instanceState,
        caseKind: inst?.case_kind ?? null,
        caseId: inst?.case_id ?? null,
        startedBy: inst?.started_by ?? null,
        startedByName: person(inst?.started_by)?.name ?? null,
        startedAt: inst
          ? new Date(inst.started_at).toISOString()
          : (read?.instance.startDate ?? null),
        endedAt: inst?.ended_at
          ? new Date(inst.ended_at).toISOString()
          : (read?.instance.endDate ?? null),
      },
      xml: version?.xml ?? null,
      // the requirements each element carries, as the version's diagram declares them
      requirements: version?.xml ? await requirementsByElement(version.xml).catch(() => ({})) : {},
      /** The organisation's time zone, for times shown in it (the printable report). */
      timeZone: this.deps.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      steps,
      /** Element instances as Operate shows them: nested scopes, iterations, who, incidents. */
      tree,
      flowsTaken: [...new Set(flowsTaken)],
      completedElements: [...completed],
      activeElements: [...new Set(open.values())],
      incidents: timeline.incidents.map((i) => ({ ...i, resolved: resolved.has(i.key) })),
      variables: timeline.variables,
      tasks: tasks.map((t) => ({
        id: t.id,
        name: t.name,
        elementId: t.element_id,
        elementInstanceKey: t.element_instance_key,
        state: t.state,
        claimedBy: t.assignee,
        claimedByName: person(t.assignee)?.name ?? null,
        claimedAt: t.claimed_at ? new Date(t.claimed_at).toISOString() : null,
        completedBy: t.completed_by,
        completedByName: person(t.completed_by)?.name ?? null,
        completedAt: t.completed_at ? new Date(t.completed_at).toISOString() : null,
        data: t.submitted_data ?? null,
      })),
      childInstances: read?.children ?? [],
      evidence,
    }
  }
}

/** One instance's history as the API serves it. */
export type InstanceHistory = Awaited<ReturnType<HistoryService['history']>>
