/**
 * User tasks. Camunda user tasks (`zeebe:userTask`) run in camunda-user-task.ts. Job-worker
 * user tasks (no `zeebe:userTask`): a job of type `io.camunda.zeebe:userTask` with
 * Zeebe's custom headers for assignee, candidate groups/users (JSON array strings), form key
 * (embedded `camunda-forms:bpmn:<id>`, custom, or the linked form's key), due and follow-up
 * dates and priority.
 */
import { evaluateExpression } from '../feel/feel'
import { cancelUserTask } from '../user-task/lifecycle'
import { activateCamundaUserTask } from './camunda-user-task'
import type { ElementBehavior } from './behavior'
import type { FormState } from '../state/state'
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

/** The `versionTag` a deployed form declares in its JSON (read once per deployed form). */
const formVersionTags = new WeakMap<FormState, string | undefined>()
function versionTagOf(form: FormState): string | undefined {
  if (!formVersionTags.has(form)) {
    let tag: string | undefined
    try {
      const parsed = JSON.parse(form.resource) as { versionTag?: unknown }
      tag = typeof parsed.versionTag === 'string' ? parsed.versionTag : undefined
    } catch {
      tag = undefined
    }
    formVersionTags.set(form, tag)
  }
  return formVersionTags.get(form)
}

/**
 * The linked form a user task uses, by Zeebe's binding types: `latest` (default) the newest
 * version of the form id; `deployment` the version deployed together with the instance's process
 * definition; `versionTag` the newest version declaring that tag. A string is the incident's
 * message (Zeebe's wording) when there is none.
 */
export function linkedForm(
  rt: Runtime,
  defKey: number,
  formId: string,
  bindingType: string | undefined,
  versionTag: string | undefined,
): FormState | string {
  const versions = (rt.idx.formVersions.get(formId) ?? []).map((k) => rt.s.forms[k]!)
  if (bindingType === 'deployment') {
    const deploymentKey = rt.s.processes[defKey]?.deploymentKey
    const form = versions.find((f) => f.deploymentKey === deploymentKey)
    return (
      form ??
      `Expected to use a form with id '${formId}' with binding type 'deployment', but no such form found in the deployment with key ${deploymentKey} which contained the current process. To resolve this incident, migrate the process instance to a process definition that is deployed together with the intended form to use.`
    )
  }
  if (bindingType === 'versionTag') {
    const form = versions.filter((f) => versionTagOf(f) === versionTag).at(-1)
    return (
      form ??
      `Expected to use a form with id '${formId}' and version tag '${versionTag}', but no such form found. To resolve the incident, deploy a form with the given id and version tag.\n`
    )
  }
  return (
    versions.at(-1) ??
    `Expected to find a form with id '${formId}', but no form with this id is found, at least a form with this id should be available. To resolve the Incident please deploy a form with the same id`
  )
}

/** User task behaviour: Camunda user tasks, else job-worker user tasks. */
export const userTask: ElementBehavior = {
  terminating(rt, ei) {
    return ei.userTaskKey !== undefined && cancelUserTask(rt, ei)
  },
  activate(rt, ei, node) {
    if (node.camundaUserTask) {
      activateCamundaUserTask(rt, ei, node)
      return
    }
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
      const found = linkedForm(rt, ei.defKey, def.formId, def.formBindingType, def.formVersionTag)
      if (typeof found === 'string') {
        rt.raiseIncident(ei, IncidentErrorType.FormNotFound, found)
        return
      }
      headers[PREFIX + 'formKey'] = String(found.key)
    } else if (def.formKey) {
      headers[PREFIX + 'formKey'] = def.formKey
    }
    const prepared = rt.prepareJob(ei, node)
    if (!prepared) return
    if (!rt.activated(ei, node)) return
    rt.createJob(ei, node, prepared, headers)
  },
}
