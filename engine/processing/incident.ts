/** Incident commands (Zeebe's ResolveIncidentProcessor). */
import { EngineErrorCode } from '../api'
import { BpmnElementType } from '../model/model'
import type { Runtime } from '../runtime/runtime'
import { continueTransition } from '../user-task/lifecycle'
import { parseKey, reject } from './common'

export function resolveIncident(rt: Runtime, incidentKey: string): void {
  const key = parseKey(incidentKey, 'incident key')
  const incident = rt.s.incidents[key]
  if (!incident) {
    reject(
      EngineErrorCode.NotFound,
      `Expected to resolve incident with key '${incidentKey}', but no such incident was found`,
    )
  }
  const jobKey = incident.value.jobKey
  if (jobKey > 0) {
    const job = rt.s.jobs[jobKey]
    // Zeebe (since 8.3.x, camunda/camunda#16484): rejected with INVALID_STATE, which its
    // gateway answers as FAILED_PRECONDITION, until the job's retries are raised.
    if (job && job.value.retries <= 0) {
      reject(
        EngineErrorCode.FailedPrecondition,
        `Expected to resolve incident with key '${incidentKey}', but job with key '${jobKey}' has no retries left. Please update the job retries and retry resolving the incident`,
      )
    }
  }
  rt.emit('INCIDENT', 'RESOLVED', key, incident.value, incident.value.processInstanceKey)
  if (jobKey > 0) return
  const ei = rt.s.elementInstances[incident.value.elementInstanceKey]
  if (!ei) return
  if (ei.state === 'ACTIVATING') rt.continueActivation(ei.key)
  else if (ei.state === 'COMPLETING') rt.continueCompletion(ei.key)
  else if (ei.state === 'ACTIVATED' && ei.type === BpmnElementType.MultiInstanceBody)
    rt.childLeft(ei)
  else if (ei.userTaskKey !== undefined) continueTransition(rt, ei)
}
