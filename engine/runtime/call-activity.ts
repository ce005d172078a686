/**
 * Call activities: create an instance of the latest version of `zeebe:calledElement` with the
 * call activity's variables (all visible ones unless propagateAllParentVariables is false) and
 * wait for it; its variables come back on completion (see process.ts).
 */
import { evaluateTyped } from '../feel/feel'
import type { ElementBehavior } from './behavior'
import { IncidentErrorType } from './runtime'

/** Call activity behaviour. */
export const callActivity: ElementBehavior = {
  activate(rt, ei, node) {
    const called = node.calledElement
    if (!called) return
    const id = evaluateTyped(called.processId, rt.visibleVariables(ei.key), 'STRING')
    if (!id.ok) {
      rt.raiseIncident(ei, IncidentErrorType.ExtractValueError, id.message)
      return
    }
    const tenantId = rt.definition(ei.defKey).tenantId
    const def = rt
      .latestDefinitions()
      .find((d) => d.bpmnProcessId === id.value && d.tenantId === tenantId)
    if (!def) {
      rt.raiseIncident(
        ei,
        IncidentErrorType.CalledElementError,
        `Expected process with BPMN process id '${String(id.value)}' to be deployed, but not found.`,
      )
      return
    }
    if (!rt.activated(ei, node)) return
    const vars = called.propagateAllParentVariables
      ? rt.visibleVariables(ei.key)
      : Object.fromEntries(
          Object.entries(rt.s.variables[ei.key] ?? {}).map(([k, v]) => [k, v.value]),
        )
    rt.createInstance(def, vars, undefined, ei)
  },
}
