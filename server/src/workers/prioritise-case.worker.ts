import {
  claimMajorSteps,
  isMajorIncident as isMajor,
  MajorStepsClaimant,
} from '../cases/major-incident'
import { SECURITY_INCIDENT_MESSAGE } from '../security/incidents.service'
import { defineWorker } from './define-worker'
import type { WorkerDeps } from './deps'
import { decidedBy, evaluateLatest, type DecisionRef } from './decisions'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

/** The decision of `processes/priority-matrix.dmn`. */
export const PRIORITY_DECISION = 'priority-matrix'

interface In extends CaseRefInput {
  /** 1 high … 3 low. */
  impact: number
  /** 1 high … 3 low. */
  urgency: number
  securityIncident?: boolean | null
  majorIncidentCandidate?: boolean | null
  /**
   * The priority the business rule task `Task_DecidePriority` got from the decision (absent in
   * instances of process versions from before it; null when no rule matched).
   */
  allocatedPriority?: number | null
}
interface Out {
  priority: number
  isMajorIncident: boolean
  /**
   * The main path runs the major-incident steps (it claimed them); false when they are in hand
   * elsewhere (an escalation by staff) or the incident is not major.
   */
  majorStepsHere: boolean
  priorityDecision: DecisionRef
}

/**
 * 8.1 b, 8.2 c, 4.5.5: records the priority the decision `priority-matrix` allocated from
 * impact × urgency (6.6.3: an information security incident gets at least priority 2; the rule
 * is the decision's) and which version of the decision decided it, the one deployed with the
 * instance's procedure. 8.1: a major incident per the agreed definition
 * (`cases/major-incident.ts`): flagged by the classifier, escalated by staff before
 * classification, or priority 1 with high impact. 8.1 b: service requests are prioritised the
 * same way (impact and urgency as recorded with the request, medium when not). A major incident's
 * steps run once: the main path claims them (`claimMajorSteps`) unless an escalation by staff at the
 * same moment already did.
 */
export const prioritiseCase = defineWorker<In, Out>({
  type: 'prioritise-case',
  // 6.6.3: starts the security incident procedure for a security incident
  publishes: [SECURITY_INCIDENT_MESSAGE],
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      impact: { type: 'integer', minimum: 1, maximum: 3 },
      urgency: { type: 'integer', minimum: 1, maximum: 3 },
      securityIncident: { type: ['boolean', 'null'] },
      majorIncidentCandidate: { type: ['boolean', 'null'] },
      allocatedPriority: { type: ['number', 'null'] },
    },
    required: ['caseKind', 'caseId', 'impact', 'urgency'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { impact, urgency, securityIncident, majorIncidentCandidate } = job.variables
    let allocated: unknown
    let decision: DecisionRef
    if ('allocatedPriority' in job.variables) {
      allocated = job.variables.allocatedPriority
      decision = await decidedBy(job, deps, PRIORITY_DECISION)
    } else {
      ;({ output: allocated, decision } = await evaluateLatest(deps, PRIORITY_DECISION, {
        impact,
        urgency,
        securityIncident: securityIncident ?? null,
      }))
    }
    if (
      typeof allocated !== 'number' ||
      !Number.isInteger(allocated) ||
      allocated < 1 ||
      allocated > 4
    ) {
      throw new Error(
        `The decision ${decision.decisionId} (version ${decision.version}) allocated no priority 1–4 for impact ${impact} and urgency ${urgency} (got ${JSON.stringify(allocated ?? null)}); the process owner must complete the matrix.`,
      )
    }
    const priority = allocated
    const isMajorIncident =
      found.kind === 'incident' &&
      isMajor({
        priority,
        impact,
        flaggedByClassifier: majorIncidentCandidate,
        escalatedByStaff: typeof found.record.data.majorEscalatedAt === 'string',
      })
    await deps.cases.updateFields(
      found.kind,
      job.variables.caseId,
      {
        priority,
        data: {
          impact,
          urgency,
          priorityDecisionVersion: decision.version,
          priorityDecisionKey: decision.decisionKey,
          ...(found.kind === 'incident'
            ? { securityIncident: securityIncident === true, major: isMajorIncident }
            : {}),
        },
      },
      actorFor(job.type),
      job.processInstanceKey,
    )
    if (found.kind === 'incident' && securityIncident === true) {
      await startSecurityIncident(deps, job.variables.caseId, actorFor(job.type).username)
    }
    const majorStepsHere =
      isMajorIncident &&
      (await claimMajorSteps(deps.db, {
        caseId: job.variables.caseId,
        elementId: MajorStepsClaimant.Rule,
        jobKey: job.key,
        processInstanceKey: job.processInstanceKey,
        at: deps.now(),
      }))
    return job.complete({ priority, isMajorIncident, majorStepsHere, priorityDecision: decision })
  },
})

/**
 * 6.6.3: an incident classified as a security incident goes, beside the incident procedure,
 * through the security incident procedure (security-incident.bpmn), started once by message:
 * the record is written first, and a repeated job neither records nor starts it twice (the
 * message id makes the engine refuse a duplicate while the first is buffered).
 */
async function startSecurityIncident(deps: WorkerDeps, incidentId: string, actor: string) {
  if (!deps.security) return
  if (!(await deps.security.incidents.report(incidentId, actor))) return
  try {
    await deps.messages.publish({
      name: SECURITY_INCIDENT_MESSAGE,
      correlationKey: incidentId,
      variables: { incidentId },
      timeToLive: deps.settings.messageTtlMs,
      messageId: `security-incident:${incidentId}`,
    })
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (code !== 6 && code !== 'ALREADY_EXISTS') throw err
  }
}
