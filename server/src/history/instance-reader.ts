/**
 * Reads everything v2 holds about one process instance for its history: the instance, its
 * element instances with their scopes, the flows taken, incidents, variables, the workers that
 * completed its jobs and the instances it called. Every search pages through all results.
 */
import type {
  CamundaRest,
  ElementInstance,
  Incident,
  Job,
  ProcessInstance,
  Variable,
} from '../camunda/camunda-rest'

/** Element types that contain element instances of their own (8.8's `type` values). */
const CONTAINERS = new Set([
  'SUB_PROCESS',
  'EVENT_SUB_PROCESS',
  'AD_HOC_SUB_PROCESS',
  'AD_HOC_SUB_PROCESS_INNER_INSTANCE',
  'MULTI_INSTANCE_BODY',
])

export interface InstanceRead {
  instance: ProcessInstance
  elements: (ElementInstance & { flowScopeKey: string })[]
  flowsTaken: string[]
  incidents: Incident[]
  variables: Variable[]
  /** The worker name and job type of completed jobs, by element instance key. */
  jobs: Map<string, { worker: string; type: string }>
  /** Keys of the instances this one called. */
  children: string[]
}

export async function readInstance(
  camunda: CamundaRest,
  processInstanceKey: string,
): Promise<InstanceRead | undefined> {
  const instance = await camunda.processInstance(processInstanceKey)
  if (!instance) return undefined
  const byInstance = { filter: { processInstanceKey } }
  const sortByKey = (field: string) => [{ field, order: 'ASC' as const }]
  const [all, flows, incidents, variables, jobs, children] = await Promise.all([
    camunda.searchAll<ElementInstance>('element-instances', {
      ...byInstance,
      sort: sortByKey('elementInstanceKey'),
    }),
    camunda.sequenceFlows(processInstanceKey),
    camunda.searchAll<Incident>('incidents', { ...byInstance, sort: sortByKey('incidentKey') }),
    camunda.searchAll<Variable>('variables', { ...byInstance, sort: sortByKey('variableKey') }),
    camunda.searchAll<Job>('jobs', {
      filter: { processInstanceKey, state: 'COMPLETED' },
      sort: sortByKey('jobKey'),
    }),
    camunda.searchAll<ProcessInstance>('process-instances', {
      filter: { parentProcessInstanceKey: processInstanceKey },
      sort: sortByKey('processInstanceKey'),
    }),
  ])
  // 8.8's element instances carry no scope: each container's children are searched by it
  const scopeOf = new Map<string, string>()
  const scopes = [processInstanceKey]
  const types = new Map(all.map((e) => [e.elementInstanceKey, e.type]))
  while (scopes.length) {
    const scope = scopes.shift()!
    const inner = await camunda.searchAll<ElementInstance>('element-instances', {
      filter: { processInstanceKey, elementInstanceScopeKey: scope },
      sort: sortByKey('elementInstanceKey'),
    })
    for (const e of inner) {
      scopeOf.set(e.elementInstanceKey, scope)
      if (CONTAINERS.has(types.get(e.elementInstanceKey) ?? e.type))
        scopes.push(e.elementInstanceKey)
    }
  }
  return {
    instance,
    elements: all.map((e) => ({
      ...e,
      flowScopeKey: scopeOf.get(e.elementInstanceKey) ?? processInstanceKey,
    })),
    flowsTaken: flows.map((f) => f.sequenceFlowId),
    incidents,
    variables,
    jobs: new Map(jobs.map((j) => [j.elementInstanceKey, { worker: j.worker, type: j.type }])),
    children: children.map((c) => c.processInstanceKey),
  }
}
