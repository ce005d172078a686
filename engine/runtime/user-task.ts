/**
 * Job-worker user tasks (no `zeebe:userTask`): a job of type `io.camunda.zeebe:userTask` with
 * Zeebe's custom headers for assignee, candidate groups/users (JSON array strings), form key
 * (embedded `camunda-forms:bpmn:<id>`, custom, or the linked form's key), due and follow-up
 * dates and priority.
 */
import { evaluateExpression } from '../feel/feel'
import type { ElementBehavior } from './behavior'
import { IncidentErrorType, type Runtime } from './runtime'

const PREFIX = 'io.camunda.zeebe:'

function evaluateHeader(
  rt: Runtime,
  vars: Record<string, unknown>,
  text: string | undefined,
): { ok: true; value: unknown } | { ok: false; message: string } | null {
  if (text === undefined || text.trim() === '') return null
  return evaluateExpression(text, vars, rt.clock.now())
}

function listHeader(value: unknown, isExpr: boolean): string {
  if (Array.isArray(value)) return JSON.stringify(value.map(String))
  if (typeof value === 'string') {
    const items = isExpr
      ? [value]
      : value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
    return JSON.stringify(items)
  }
  return JSON.stringify([])
}

/** Job-worker user task behaviour. */
export const userTask: ElementBehavior = {
  activate(rt, ei, node) {
    const def = node.userTask ?? {}
    const vars = rt.visibleVariables(ei.key)
    const headers: Record<string, string> = {}
    const fields: [keyof typeof def, string, 'text' | 'list'][] = [
      ['assignee', 'assignee', 'text'],
      ['candidateGroups', 'candidateGroups', 'list'],
      ['candidateUsers', 'candidateUsers', 'list'],
      ['dueDate', 'dueDate', 'text'],
      ['followUpDate', 'followUpDate', 'text'],
      ['priority', 'priority', 'text'],
    ]
    for (const [field, header, kind] of fields) {
      const text = def[field]
      const r = evaluateHeader(rt, vars, text)
      if (!r) continue
      if (!r.ok) {
        rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, r.message)
        return
      }
      if (r.value === null || r.value === undefined) continue
      headers[PREFIX + header] =
        kind === 'list' ? listHeader(r.value, (text ?? '').trim().startsWith('=')) : String(r.value)
    }
    if (def.formId) {
      const keys = rt.idx.formVersions.get(def.formId)
      const formKey = keys?.[keys.length - 1]
      if (formKey === undefined) {
        rt.raiseIncident(
          ei,
          IncidentErrorType.FormNotFound,
          `Expected to find a form with id '${def.formId}', but no form with this id is found, at least a form with this id should be available. To resolve the Incident please deploy a form with the same id`,
        )
        return
      }
      headers[PREFIX + 'formKey'] = String(formKey)
    } else if (def.formKey) {
      headers[PREFIX + 'formKey'] = def.formKey
    }
    const prepared = rt.prepareJob(ei, node)
    if (!prepared) return
    if (!rt.activated(ei, node)) return
    rt.createJob(ei, node, prepared, headers)
  },
}
