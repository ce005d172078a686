/**
 * Call activities: create an instance of the `zeebe:calledElement` process with the call
 * activity's variables (all visible ones unless propagateAllParentVariables is false) and wait
 * for it; its variables come back on completion (see process.ts). Which version is called
 * follows the binding type, as Zeebe's CallActivityProcessor: `latest` (default), `deployment`
 * (the version deployed together with the calling process) or `versionTag` (the latest version
 * with that `zeebe:versionTag`); none found is a CALLED_ELEMENT_ERROR incident with Zeebe's text.
 */
import { evaluateTyped } from '../feel/feel'
import type { FlowNode } from '../model/model'
import type { ElementInstanceState, ProcessDefinitionState } from '../state/state'
import type { ElementBehavior } from './behavior'
import { IncidentErrorType, type Runtime } from './runtime'

/** The called process definition, or the incident message when there is none. */
function calledProcess(
  rt: Runtime,
  ei: ElementInstanceState,
  called: NonNullable<FlowNode['calledElement']>,
  processId: string,
): ProcessDefinitionState | string {
  const caller = rt.definition(ei.defKey)
  const versions = (rt.idx.versions.get(processId) ?? [])
    .map((k) => rt.s.processes[k])
    .filter((d): d is ProcessDefinitionState => d !== undefined && d.tenantId === caller.tenantId)
  if (called.bindingType === 'deployment') {
    return (
      versions.find((d) => d.deploymentKey === caller.deploymentKey) ??
      `Expected to call process with BPMN process id '${processId}' with binding type 'deployment', but no such process found in the deployment with key ${caller.deploymentKey} which contained the current process. To resolve this incident, migrate the process instance to a process definition that is deployed together with the intended process definition to call.`
    )
  }
  if (called.bindingType === 'versionTag') {
    const tag = called.versionTag ?? ''
    return (
      [...versions].reverse().find((d) => d.versionTag === tag) ??
      `Expected to call process with BPMN process id '${processId}' and version tag '${tag}', but no such process found. To resolve this incident, deploy a process with the given process id and version tag.`
    )
  }
  return (
    versions[versions.length - 1] ??
    `Expected process with BPMN process id '${processId}' to be deployed, but not found.`
  )
}

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
    const def = calledProcess(rt, ei, called, String(id.value))
    if (typeof def === 'string') {
      rt.raiseIncident(ei, IncidentErrorType.CalledElementError, def)
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
