/**
 * Instance history as evidence (ISO/IEC 20000-1 4.3.3): for one process instance, the BPMN of
 * the exact version it ran on, every element step from the engine's record log with its time,
 * the path taken (flows), what is still active, incidents, variables at each step, the tasks
 * with who claimed and completed them and the data they submitted, and the evidence-trail
 * entries with the chain's verification.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { NotFoundError } from '../errors'
import { ProcessVersions } from '../processes/process-version-info'
import type { EngineRecord, RecordSource } from './record-source'

export interface HistoryStep {
  position: number
  timestamp: string
  intent: string
  elementId: string
  elementName: string
  elementType: string
  elementInstanceKey: string
  flowScopeKey: string
  /** Who did it: the person completing a user task or the worker completing a job. */
  actor?: string | null
}

export interface EvidenceLike {
  list(q: { processInstanceKey?: string; limit?: number }): Promise<unknown[]>
  verify(): Promise<unknown>
}

const str = (v: unknown) => (v == null ? '' : String(v))

export class HistoryService {
  /** Element names of the version an instance runs on. */
  private readonly versions: ProcessVersions

  constructor(
    private readonly deps: {
      db: Kysely<DB>
      records?: RecordSource
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

  private async allRecords(processInstanceKey: string): Promise<EngineRecord[]> {
    const out: EngineRecord[] = []
    if (!this.deps.records) return out
    let after = 0
    for (;;) {
      const page = await this.deps.records.read({
        processInstanceKey,
        afterPosition: after,
        limit: 5000,
      })
      out.push(...page)
      if (page.length < 5000) break
      after = page[page.length - 1]!.position
    }
    return out
  }

  async history(processInstanceKey: string) {
    const { db } = this.deps
    const inst = await db
      .selectFrom('process_instances')
      .selectAll()
      .where('process_instance_key', '=', processInstanceKey)
      .executeTakeFirst()
    const records = (await this.allRecords(processInstanceKey)).filter(
      (r) => r.recordType === 'EVENT',
    )
    if (!inst && records.length === 0) {
      throw new NotFoundError(`No process instance ${processInstanceKey}.`)
    }
    const definitionKey =
      inst?.process_definition_key ??
      str(records.find((r) => r.valueType === 'PROCESS_INSTANCE')?.value.processDefinitionKey)
    const version = await db
      .selectFrom('process_versions')
      .selectAll()
      .where('process_definition_key', '=', definitionKey)
      .executeTakeFirst()
    const names = (await this.versions.of(definitionKey))?.names ?? {}
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
    const jobWorker = new Map<string, string>()
    for (const r of records) {
      if (r.valueType === 'JOB' && r.intent === 'COMPLETED') {
        jobWorker.set(str(r.value.elementInstanceKey), str(r.value.worker))
      }
    }

    const steps: HistoryStep[] = []
    const flowsTaken: string[] = []
    const open = new Map<string, string>()
    const completed = new Set<string>()
    for (const r of records) {
      if (r.valueType !== 'PROCESS_INSTANCE') continue
      const v = r.value
      const elementId = str(v.elementId)
      const type = str(v.bpmnElementType)
      if (r.intent === 'SEQUENCE_FLOW_TAKEN') flowsTaken.push(elementId)
      if (r.intent === 'ELEMENT_ACTIVATED') open.set(r.key, elementId)
      if (r.intent === 'ELEMENT_COMPLETED' || r.intent === 'ELEMENT_TERMINATED') {
        open.delete(r.key)
        if (r.intent === 'ELEMENT_COMPLETED') completed.add(elementId)
      }
      if (
        r.intent !== 'ELEMENT_ACTIVATED' &&
        r.intent !== 'ELEMENT_COMPLETED' &&
        r.intent !== 'ELEMENT_TERMINATED' &&
        r.intent !== 'SEQUENCE_FLOW_TAKEN'
      ) {
        continue
      }
      const task = taskByElementInstance.get(r.key)
      steps.push({
        position: r.position,
        timestamp: new Date(r.timestamp).toISOString(),
        intent: r.intent,
        elementId,
        elementName: names[elementId] ?? elementId,
        elementType: type,
        elementInstanceKey: r.key,
        flowScopeKey: str(v.flowScopeKey),
        ...(r.intent === 'ELEMENT_COMPLETED'
          ? { actor: task?.completed_by ?? jobWorker.get(r.key) ?? null }
          : {}),
      })
    }
    const incidents = records
      .filter((r) => r.valueType === 'INCIDENT')
      .map((r) => ({
        position: r.position,
        timestamp: new Date(r.timestamp).toISOString(),
        key: r.key,
        intent: r.intent,
        errorType: str(r.value.errorType),
        errorMessage: str(r.value.errorMessage),
        elementId: str(r.value.elementId),
      }))
    const resolved = new Set(incidents.filter((i) => i.intent === 'RESOLVED').map((i) => i.key))
    const variables = records
      .filter((r) => r.valueType === 'VARIABLE')
      .map((r) => ({
        position: r.position,
        timestamp: new Date(r.timestamp).toISOString(),
        intent: r.intent,
        name: str(r.value.name),
        value: parseValue(r.value.value),
        scopeKey: str(r.value.scopeKey),
      }))
    const children = [
      ...new Set(
        records
          .filter(
            (r) =>
              r.valueType === 'PROCESS_INSTANCE' &&
              str(r.value.parentProcessInstanceKey) === processInstanceKey &&
              str(r.value.processInstanceKey) !== processInstanceKey,
          )
          .map((r) => str(r.value.processInstanceKey)),
      ),
    ]
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
        state: inst?.state ?? (open.size ? 'active' : 'completed'),
        caseKind: inst?.case_kind ?? null,
        caseId: inst?.case_id ?? null,
        startedBy: inst?.started_by ?? null,
        startedAt: inst ? new Date(inst.started_at).toISOString() : null,
        endedAt: inst?.ended_at ? new Date(inst.ended_at).toISOString() : null,
      },
      xml: version?.xml ?? null,
      steps,
      flowsTaken: [...new Set(flowsTaken)],
      completedElements: [...completed],
      activeElements: [...new Set(open.values())],
      incidents: incidents.map((i) => ({ ...i, resolved: resolved.has(i.key) })),
      variables,
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
      childInstances: children,
      evidence,
    }
  }
}

/** Zeebe's VARIABLE records carry the value as JSON text. */
function parseValue(v: unknown): unknown {
  if (typeof v !== 'string') return v
  try {
    return JSON.parse(v) as unknown
  } catch {
    return v
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
