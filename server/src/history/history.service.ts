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

export type { HistoryStep }

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
              read?.jobWorkers.get(s.elementInstanceKey) ??
              null,
          }
        : s,
    )
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
        state: inst?.state ?? (read ? STATE[read.instance.state] : 'active'),
        caseKind: inst?.case_kind ?? null,
        caseId: inst?.case_id ?? null,
        startedBy: inst?.started_by ?? null,
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
      steps,
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
        claimedAt: t.claimed_at ? new Date(t.claimed_at).toISOString() : null,
        completedBy: t.completed_by,
        completedAt: t.completed_at ? new Date(t.completed_at).toISOString() : null,
        data: t.submitted_data ?? null,
      })),
      childInstances: read?.children ?? [],
      evidence,
    }
  }
}

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

/** A printable, self-contained HTML report of an instance's history (print to PDF). */
export function historyHtml(h: Awaited<ReturnType<HistoryService['history']>>): string {
  const i = h.instance
  const rows = h.steps
    .map(
      (s) =>
        `<tr><td>${esc(s.position)}</td><td>${esc(s.timestamp)}</td><td>${esc(s.elementName)}</td><td>${esc(s.elementType)}</td><td>${esc(s.intent)}</td><td>${esc(s.actor ?? '')}</td></tr>`,
    )
    .join('\n')
  const tasks = h.tasks
    .map(
      (t) =>
        `<tr><td>${esc(t.name)}</td><td>${esc(t.claimedBy)}</td><td>${esc(t.completedBy)}</td><td>${esc(t.completedAt)}</td><td><pre>${esc(JSON.stringify(t.data, null, 2))}</pre></td></tr>`,
    )
    .join('\n')
  const verification = h.evidence?.verification as { ok?: boolean } | undefined
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>History of process instance ${esc(i.key)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eee}pre{margin:0;white-space:pre-wrap}@media print{body{margin:0}}</style>
</head><body>
<h1>Process instance ${esc(i.key)}</h1>
<p>Process <strong>${esc(i.processName ?? i.bpmnProcessId)}</strong> version ${esc(i.version)} (definition ${esc(i.processDefinitionKey)}); state ${esc(i.state)}; case ${esc(i.caseKind ?? '-')} ${esc(i.caseId ?? '')}; started ${esc(i.startedAt)} by ${esc(i.startedBy ?? 'system')}; ended ${esc(i.endedAt ?? '-')}.</p>
<p>Evidence chain: ${verification ? (verification.ok ? 'verified intact' : 'BROKEN — see the evidence verification') : 'not available'}.</p>
<h2>Steps</h2>
<table><thead><tr><th>#</th><th>When</th><th>Element</th><th>Type</th><th>Event</th><th>Who</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Tasks</h2>
<table><thead><tr><th>Task</th><th>Claimed by</th><th>Completed by</th><th>Completed at</th><th>Submitted data</th></tr></thead><tbody>
${tasks}
</tbody></table>
<h2>Incidents</h2>
<ul>${h.incidents.map((x) => `<li>${esc(x.timestamp)} ${esc(x.intent)} ${esc(x.errorType)}: ${esc(x.errorMessage)}</li>`).join('')}</ul>
</body></html>`
}
