/** Variables: what a scope sees, setting and propagating variables, input/output mappings. */
import { type Variables } from '../api'
import { evaluateExpression } from '../feel/feel'
import { type FlowNode } from '../model/model'
import { type ElementInstanceState } from '../state/state'
import { IncidentErrorType } from './incidents'
import type { Runtime } from './runtime'

/** Variables visible from `scopeKey`: the scope's own, then each enclosing scope's. */
export function visibleVariables(this: Runtime, scopeKey: number): Variables {
  const chain: number[] = []
  let cur: number | undefined = scopeKey
  while (cur !== undefined && cur > 0) {
    chain.push(cur)
    const ei: ElementInstanceState | undefined = this.s.elementInstances[cur]
    cur = ei && ei.key !== ei.piKey ? ei.flowScopeKey : undefined
  }
  const out: Variables = {}
  for (let i = chain.length - 1; i >= 0; i--) {
    const vars = this.s.variables[chain[i]!]
    if (vars) for (const [name, entry] of Object.entries(vars)) out[name] = entry.value
  }
  return out
}

/** Sets (creates or updates) one variable in exactly `scopeKey`. */
export function setVariable(this: Runtime, scopeKey: number, name: string, value: unknown): void {
  const ei = this.s.elementInstances[scopeKey]
  if (!ei) return
  const def = this.definition(ei.defKey)
  const existing = this.s.variables[scopeKey]?.[name]
  const json = JSON.stringify(value === undefined ? null : value)
  if (existing && JSON.stringify(existing.value) === json) return
  this.emit(
    'VARIABLE',
    existing ? 'UPDATED' : 'CREATED',
    existing ? existing.key : this.newKey(),
    {
      name,
      value: json,
      scopeKey,
      processInstanceKey: ei.piKey,
      processDefinitionKey: ei.defKey,
      bpmnProcessId: def.bpmnProcessId,
      tenantId: def.tenantId,
    },
    ei.piKey,
  )
}

export function setLocalVariables(this: Runtime, scopeKey: number, vars: Variables): void {
  for (const [name, value] of Object.entries(vars)) this.setVariable(scopeKey, name, value)
}

/**
 * Zeebe's propagation: each variable updates the nearest scope (from `scopeKey` up) that
 * already has it, else it is created in the process instance's root scope.
 */
export function mergeDocument(this: Runtime, scopeKey: number, vars: Variables): void {
  for (const [name, value] of Object.entries(vars)) {
    let cur = this.s.elementInstances[scopeKey]
    while (cur) {
      const isRoot = cur.key === cur.piKey
      if (isRoot || this.s.variables[cur.key]?.[name]) {
        this.setVariable(cur.key, name, value)
        break
      }
      cur = this.s.elementInstances[cur.flowScopeKey]
    }
  }
}

/**
 * Variables a job, message, signal or child instance hands back to an element: local to the
 * element when it has output mappings (they are applied on completion), else propagated.
 */
export function applyResultVariables(
  this: Runtime,
  ei: ElementInstanceState,
  node: FlowNode,
  vars: Variables | undefined,
): void {
  if (!vars || Object.keys(vars).length === 0) return
  if (node.outputs.length > 0) this.setLocalVariables(ei.key, vars)
  else this.mergeDocument(ei.key, vars)
}

/** Evaluates mappings into one document; null on failure (an incident was raised). */
export function evaluateMappings(
  this: Runtime,
  ei: ElementInstanceState,
  mappings: FlowNode['inputs'],
  scopeKey: number,
): Variables | null {
  const context = this.visibleVariables(scopeKey)
  const result: Variables = {}
  for (const m of mappings) {
    // A source without `=` is a static value: always a string (Zeebe quotes it as a string
    // literal; only input mappings may have one, deployment rejects static output sources).
    const r = evaluateExpression(m.source, context, this.clock.now())
    if (!r.ok) {
      this.raiseIncident(ei, IncidentErrorType.IoMappingError, r.message)
      return null
    }
    setPath(result, m.target, r.value)
    setPath(context, m.target, r.value)
  }
  return result
}

/** Sets `a.b.c` in a document (Zeebe's mapping targets may be nested paths). */
function setPath(doc: Variables, path: string, value: unknown): void {
  const parts = path.split('.')
  let cur: Record<string, unknown> = doc
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!
    const next = cur[p]
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      cur[p] = {}
    } else {
      cur[p] = { ...(next as Record<string, unknown>) }
    }
    cur = cur[p] as Record<string, unknown>
  }
  cur[parts[parts.length - 1]!] = value
}
