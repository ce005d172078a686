/**
 * One instance's history as a printable, self-contained HTML report (print to PDF) for auditors
 * (ISO/IEC 20000-1 4.3.3: records of what was done, by whom and when): the diagram of the exact
 * version with the path taken, each element instance with who did it (people by display name,
 * job workers as "automated (name)") and when, in the organisation's time zone, the tasks with
 * their data, the variables per scope, the incidents and the evidence chain's state. It runs no
 * script and loads nothing (EXPORT_CSP).
 */
import { flattenTree } from './activity-tree'
import { diagramSvg } from './diagram-svg'
import type { InstanceHistory } from './history.service'

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

/** A time as the organisation reads it: `7 Dec 2026, 17:01:05` in `timeZone`. */
export function reportTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(d)
}

/** `USER_TASK` → `User task`. */
const typeLabel = (t: string) => {
  const s = t.replace(/_/g, ' ').toLowerCase()
  return s.charAt(0).toUpperCase() + s.slice(1)
}

export async function historyHtml(h: InstanceHistory): Promise<string> {
  const i = h.instance
  const tz = h.timeZone
  const at = (iso: string | null | undefined) => reportTime(iso, tz)
  const nodes = h.tree ? flattenTree(h.tree) : []
  const nameOfScope = new Map(
    nodes.map((n) => [n.key, `${n.elementName}${n.iteration ? ` #${n.iteration}` : ''}`]),
  )
  const marks = {
    completed: new Set(h.completedElements),
    active: new Set(h.activeElements),
    incident: new Set(h.incidents.filter((x) => !x.resolved).map((x) => x.elementId)),
    taken: new Set(h.flowsTaken),
  }
  const diagram = h.xml ? await diagramSvg(h.xml, marks).catch(() => '') : ''
  const rows = nodes
    .map(
      (n) =>
        `<tr${n.incidents.length ? ' class="incident"' : ''}><td style="padding-left:${0.4 + n.depth * 1.2}rem">${esc(n.elementName)}${n.iteration ? ` <span class="muted">#${n.iteration}</span>` : ''}</td><td>${esc(typeLabel(n.elementType))}</td><td>${esc(at(n.startedAt))}</td><td>${esc(at(n.endedAt))}</td><td>${esc(n.state)}</td><td>${esc(n.who?.name ?? '')}</td><td>${n.incidents.map((x) => `${esc(x.errorType)}: ${esc(x.errorMessage)}${x.resolved ? ' (resolved)' : ''}`).join('<br>')}</td></tr>`,
    )
    .join('\n')
  const tasks = h.tasks
    .map(
      (t) =>
        `<tr><td>${esc(t.name)}</td><td>${esc(t.claimedByName ?? '')}</td><td>${esc(t.completedByName ?? '')}</td><td>${esc(at(t.completedAt))}</td><td><pre>${esc(JSON.stringify(t.data, null, 2))}</pre></td></tr>`,
    )
    .join('\n')
  const variables = nodes
    .filter((n) => n.variables.length)
    .map(
      (n) =>
        `<tr><td>${esc(nameOfScope.get(n.key))}</td><td><pre>${esc(JSON.stringify(Object.fromEntries(n.variables.map((v) => [v.name, v.value])), null, 2))}</pre></td></tr>`,
    )
    .join('\n')
  const elementName = new Map(nodes.map((n) => [n.elementId, n.elementName]))
  const verification = h.evidence?.verification as { ok?: boolean } | undefined
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>History of process instance ${esc(i.key)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eee}pre{margin:0;white-space:pre-wrap}.muted{color:#555}tr.incident td{background:#fde2e1}figure{margin:1rem 0;border:1px solid #ccc;padding:.5rem}figcaption{font-size:12px;color:#555}@media print{body{margin:0}figure,tr{break-inside:avoid}}</style>
</head><body>
<h1>Process instance ${esc(i.key)}</h1>
<p>Process <strong>${esc(i.processName ?? i.bpmnProcessId)}</strong> version ${esc(i.version)} (definition ${esc(i.processDefinitionKey)}); state ${esc(i.state)}; case ${esc(i.caseKind ?? '-')} ${esc(i.caseId ?? '')}; started ${esc(at(i.startedAt))} by ${esc(i.startedByName ?? 'the system')}; ended ${esc(at(i.endedAt))}.</p>
<p data-time-zone="${esc(tz)}">All times in ${esc(tz)}.</p>
<p>Evidence chain: ${verification ? (verification.ok ? 'verified intact' : 'BROKEN — see the evidence verification') : 'not available'}.</p>
<figure>${diagram || '<p>The version has no diagram to draw.</p>'}<figcaption>The version this instance ran on. Green: completed elements and the sequence flows taken; blue: still active; red: an open incident.</figcaption></figure>
<h2>Steps</h2>
<table><thead><tr><th>Element</th><th>Type</th><th>Started</th><th>Ended</th><th>State</th><th>Who</th><th>Incidents</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Tasks</h2>
<table><thead><tr><th>Task</th><th>Claimed by</th><th>Completed by</th><th>Completed at</th><th>Submitted data</th></tr></thead><tbody>
${tasks}
</tbody></table>
<h2>Variables</h2>
<p class="muted">Each scope's variables with their last values.</p>
<table><thead><tr><th>Scope</th><th>Variables</th></tr></thead><tbody>
${variables}
</tbody></table>
<h2>Incidents</h2>
<ul>${h.incidents.map((x) => `<li>${esc(at(x.timestamp))} ${esc(x.intent === 'RESOLVED' ? 'resolved' : 'raised')} at ${esc(elementName.get(x.elementId) ?? x.elementId)}: ${esc(x.errorType)}: ${esc(x.errorMessage)}</li>`).join('')}</ul>
</body></html>`
}
