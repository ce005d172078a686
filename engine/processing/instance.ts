/**
 * Process instance commands (Zeebe's CreateProcessInstanceProcessor, CancelProcessInstance and
 * VariableDocument UPDATE): create, cancel, set variables. Waiting for a result is
 * results.ts.
 */
import {
  type CreatedInstance,
  type CreateInstanceCommand,
  EngineErrorCode,
  type Variables,
} from '../api'
import { BpmnElementType } from '../model/model'
import type { Runtime } from '../runtime/runtime'
import type { ProcessDefinitionState } from '../state/state'
import { checkVariables, parseKey, reject, tenantOf } from './common'

function findDefinition(rt: Runtime, cmd: CreateInstanceCommand): ProcessDefinitionState {
  if (cmd.processDefinitionKey && cmd.processDefinitionKey !== '0') {
    const def = rt.s.processes[parseKey(cmd.processDefinitionKey, 'process definition key')]
    if (!def) {
      reject(
        EngineErrorCode.NotFound,
        `Expected to find process definition with key '${cmd.processDefinitionKey}', but none found`,
      )
    }
    return def
  }
  const id = cmd.bpmnProcessId ?? ''
  const tenant = tenantOf(cmd.tenantId)
  const versions = (rt.idx.versions.get(id) ?? [])
    .map((k) => rt.s.processes[k])
    .filter((p): p is ProcessDefinitionState => p !== undefined && p.tenantId === tenant)
  if (cmd.version === undefined || cmd.version < 0) {
    const latest = versions[versions.length - 1]
    if (!latest)
      reject(
        EngineErrorCode.NotFound,
        `Expected to find process definition with process ID '${id}', but none found`,
      )
    return latest
  }
  const def = versions.find((p) => p.version === cmd.version)
  if (!def) {
    reject(
      EngineErrorCode.NotFound,
      `Expected to find process definition with process ID '${id}' and version '${cmd.version}', but none found`,
    )
  }
  return def
}

export function startInstance(rt: Runtime, cmd: CreateInstanceCommand): CreatedInstance {
  const def = findDefinition(rt, cmd)
  const variables = checkVariables(cmd.variables)
  const model = rt.models(def.key)
  const root = model.elements.get(model.bpmnProcessId)
  const elementIds = (cmd.startInstructions ?? []).map((s) => s.elementId)
  for (const id of elementIds) {
    const node = model.elements.get(id)
    if (!node || node.scopeId !== model.bpmnProcessId) {
      reject(
        EngineErrorCode.InvalidArgument,
        `Expected to create instance of process with start instructions but the element with id '${id}' targets unsupported element`,
      )
    }
  }
  if (elementIds.length === 0 && !root?.noneStartEventId) {
    reject(
      EngineErrorCode.FailedPrecondition,
      `Expected to create instance of process with none start event, but there is no such event`,
    )
  }
  const pi = rt.createInstance(def, variables, elementIds.length > 0 ? { elementIds } : undefined)
  return {
    processDefinitionKey: String(def.key),
    bpmnProcessId: def.bpmnProcessId,
    version: def.version,
    processInstanceKey: String(pi.key),
    tenantId: def.tenantId,
  }
}

export function cancelProcessInstance(rt: Runtime, processInstanceKey: string): void {
  const key = parseKey(processInstanceKey, 'process instance key')
  const pi = rt.s.elementInstances[key]
  if (!pi || pi.type !== BpmnElementType.Process) {
    reject(
      EngineErrorCode.NotFound,
      `Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found`,
    )
  }
  if (pi.parentEiKey !== undefined) {
    reject(
      EngineErrorCode.FailedPrecondition,
      `Expected to cancel a process instance with key '${processInstanceKey}', but it is created by a parent process instance. Cancel the root process instance '${pi.parentPiKey}' instead.`,
    )
  }
  rt.terminate(pi, false)
}

export function setVariables(
  rt: Runtime,
  elementInstanceKey: string,
  variables: Variables,
  local: boolean,
): { key: string } {
  const key = parseKey(elementInstanceKey, 'element instance key')
  const vars = checkVariables(variables)
  const ei = rt.s.elementInstances[key]
  if (!ei) {
    reject(
      EngineErrorCode.NotFound,
      `Expected to update variables for element with key '${elementInstanceKey}', but no such element was found`,
    )
  }
  const docKey = rt.newKey()
  rt.emit(
    'VARIABLE_DOCUMENT',
    'UPDATED',
    docKey,
    {
      scopeKey: key,
      updateSemantics: local ? 'LOCAL' : 'PROPAGATE',
      variables: vars,
      tenantId: rt.definition(ei.defKey).tenantId,
    },
    ei.piKey,
  )
  if (local) rt.setLocalVariables(key, vars)
  else rt.mergeDocument(key, vars)
  return { key: String(docKey) }
}
