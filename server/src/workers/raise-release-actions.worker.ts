import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

type In = CaseRefInput
interface Out {
  reviewProblemId: string | null
  reviewImprovementId: string | null
}

/** What the review of a failed release records, as its task wrote it on the release. */
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

/**
 * 9.3, 8.2, 4.5.5: the actions of the review of a failed release (backed out, or failing on its
 * incident count) become records where the review says so: a problem for the cause
 * (`openProblem`) and an improvement of the release procedure or policy
 * (`improvementOpportunity`), each linked to the release and starting its own procedure. Their
 * ids are written on the release (`reviewProblemId`, `reviewImprovementId`); a retried job finds
 * them there and creates nothing twice.
 */
export const raiseReleaseActions = defineWorker<In, Out>({
  type: 'raise-release-actions',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    const actor = actorFor(job.type)
    const findings = text(record.data.reviewFindings)
    const actions = text(record.data.reviewActions)
    const failure =
      record.data.outcome === 'failure'
        ? `failed on its incident count (${JSON.stringify(record.data.relatedIncidents ?? [])})`
        : 'backed out'
    const description = `Release ${record.id} ${failure}.\nFindings: ${findings}\nActions: ${actions}`
    let problemId = text(record.data.reviewProblemId) || null
    if (record.data.openProblem === true && !problemId) {
      problemId = (
        await deps.cases.create(
          'problem',
          {
            title: `Cause of failed release ${record.id}: ${record.title}`.slice(0, 300),
            ...(record.ciId ? { ciId: record.ciId } : {}),
            ...(record.serviceId ? { serviceId: record.serviceId } : {}),
            data: { detectedBy: 'release-review', description: description.slice(0, 4000) },
          },
          actor,
        )
      ).id
      await deps.cases.link(
        { kind: 'problem', id: problemId },
        { kind: 'release', id: record.id },
        'raised-from',
        actor,
      )
    }
    let improvementId = text(record.data.reviewImprovementId) || null
    if (record.data.improvementOpportunity === true && !improvementId) {
      improvementId = (
        await deps.cases.create(
          'improvement',
          {
            title: `Improvement from the review of release ${record.id}`.slice(0, 300),
            ...(record.serviceId ? { serviceId: record.serviceId } : {}),
            data: { source: 'release-review', description: description.slice(0, 4000) },
          },
          actor,
        )
      ).id
      await deps.cases.link(
        { kind: 'improvement', id: improvementId },
        { kind: 'release', id: record.id },
        'raised-from',
        actor,
      )
    }
    if (problemId || improvementId) {
      await deps.cases.updateFields(
        'release',
        record.id,
        {
          data: {
            ...(problemId ? { reviewProblemId: problemId } : {}),
            ...(improvementId ? { reviewImprovementId: improvementId } : {}),
          },
        },
        actor,
        job.processInstanceKey,
      )
    }
    return job.complete({ reviewProblemId: problemId, reviewImprovementId: improvementId })
  },
})
