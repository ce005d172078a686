import { changeClassRule } from '../sms/documents/controlled-documents'
import { defineWorker } from './define-worker'
import { decidedBy, evaluateLatest, type DecisionRef } from './decisions'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  stringList,
  type CaseRefInput,
} from './worker-helpers'

/** The decision of `processes/change-classification.dmn`. */
export const CHANGE_DECISION = 'change-classification'

const CHANGE_TYPES = ['standard', 'normal', 'emergency'] as const
type ChangeType = (typeof CHANGE_TYPES)[number]

interface In extends CaseRefInput {
  changeType: ChangeType
  changeNature?: string | null
  potentialMajorImpact?: boolean | null
  affectedCiIds?: string[] | null
  /**
   * What the business rule task `Task_ClassifyByPolicy` got from the decision (absent in
   * instances of process versions from before it).
   */
  changeClass?: unknown
}
interface Out {
  changeType: string
  majorImpact: boolean
  changeDecision: DecisionRef
  /** Who approves changes of the class, by the change policy in force (null: pre-approved). */
  changeApprovers: string | null
  leadTimeHours: number
}

/**
 * 9.2: records the change class and potential major impact the change management policy (the
 * decision `change-classification`, the version deployed with the instance's procedure) decided,
 * and which version decided. Changes with potential major impact go through clause 5; the class
 * routes the RFC (standard: pre-approved; normal: CAB; emergency: emergency CAB). Who approves the
 * class and its lead time are the change policy document's in force (`changeApprovers`,
 * `leadTimeHours`, recorded on the change with the policy version).
 */
export const applyChangePolicy = defineWorker<In, Out>({
  type: 'apply-change-policy',
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      changeType: { enum: [...CHANGE_TYPES] },
      changeNature: { type: ['string', 'null'] },
      potentialMajorImpact: { type: ['boolean', 'null'] },
      affectedCiIds: { type: ['array', 'null'], items: { type: 'string' } },
      changeClass: {},
    },
    required: ['caseKind', 'caseId', 'changeType'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { changeNature, potentialMajorImpact } = job.variables
    const affectedCis = stringList(job.variables.affectedCiIds)
    let decided: unknown
    let decision: DecisionRef
    if ('changeClass' in job.variables) {
      decided = job.variables.changeClass
      decision = await decidedBy(job, deps, CHANGE_DECISION)
    } else {
      ;({ output: decided, decision } = await evaluateLatest(deps, CHANGE_DECISION, {
        changeType: job.variables.changeType,
        changeNature: changeNature ?? null,
        potentialMajorImpact: potentialMajorImpact ?? null,
      }))
    }
    const result = decided as { changeType?: unknown; majorImpact?: unknown } | null
    if (
      !result ||
      !CHANGE_TYPES.includes(result.changeType as ChangeType) ||
      typeof result.majorImpact !== 'boolean'
    ) {
      throw new Error(
        `The decision ${decision.decisionId} (version ${decision.version}) gave no change class (standard, normal, emergency) and major impact for a ${job.variables.changeType} change of nature ${changeNature ?? 'none'} (got ${JSON.stringify(decided ?? null)}); the process owner must complete the policy.`,
      )
    }
    const changeType = result.changeType as ChangeType
    const majorImpact = result.majorImpact
    // 9.2: who approves the class and its lead time come from the change policy in force
    const rule = await changeClassRule(deps.db, changeType, deps.now())
    await deps.cases.updateFields(
      found.kind,
      found.record.id,
      {
        data: {
          changeType,
          majorImpact,
          changeDecisionVersion: decision.version,
          changeDecisionKey: decision.decisionKey,
          changeApprovers: rule.approverGroup,
          leadTimeHours: rule.leadTimeHours,
          changePolicy: rule.policy,
          ...(changeNature ? { changeNature } : {}),
          ...(affectedCis.length ? { affectedCis } : {}),
        },
      },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({
      changeType,
      majorImpact,
      changeDecision: decision,
      changeApprovers: rule.approverGroup,
      leadTimeHours: rule.leadTimeHours,
    })
  },
})
