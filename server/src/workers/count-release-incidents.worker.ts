import { releasePolicyAt } from '../sms/documents/controlled-documents'
import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  stringList,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  /** When the release was deployed; default: when its measurement started (now − period). */
  deployedAt?: string | null
}
interface Out {
  releaseIncidentCount: number
  releaseSuccessful: boolean
}

/**
 * 9.3: success or failure of a release is measured, including the incidents related to it in
 * the period after deployment: incidents linked to the release, or on its affected CIs,
 * recorded since deployment. More than the release policy's `maxIncidentsAfterDeployment` (its
 * document in force; `releaseIncidentThreshold` until one is) is a failure; the result is
 * recorded on the release.
 */
export const countReleaseIncidents = defineWorker<In, Out>({
  type: 'count-release-incidents',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties, deployedAt: { type: ['string', 'null'] } },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    const deployed = job.variables.deployedAt ? new Date(job.variables.deployedAt) : undefined
    const since =
      deployed && !Number.isNaN(deployed.getTime()) ? deployed : new Date(record.updatedAt)
    const linked = (await deps.cases.linksOf('release', record.id))
      .filter((l) => l.fromKind === 'incident' || l.toKind === 'incident')
      .map((l) => (l.fromKind === 'incident' ? l.fromId : l.toId))
    const cis = [
      ...new Set([...stringList(record.data.affectedCis), ...(record.ciId ? [record.ciId] : [])]),
    ]
    const onCis = cis.length
      ? await deps.db
          .selectFrom('cases')
          .select('id')
          .where('kind', '=', 'incident')
          .where('ci_id', 'in', cis)
          .where('created_at', '>=', since)
          .execute()
      : []
    const incidents = new Set([...linked, ...onCis.map((r) => r.id)])
    // 9.3: the release policy in force sets the threshold; the setting until one takes effect
    const policy = await releasePolicyAt(deps.db, deps.now())
    const threshold =
      policy?.data.release.maxIncidentsAfterDeployment ?? deps.settings.releaseIncidentThreshold
    const releaseSuccessful = incidents.size <= threshold
    await deps.cases.updateFields(
      'release',
      record.id,
      {
        data: {
          outcome: releaseSuccessful ? 'success' : 'failure',
          relatedIncidents: [...incidents],
          releaseIncidentThreshold: threshold,
          ...(policy ? { releasePolicy: `${policy.documentId} v${policy.version}` } : {}),
        },
      },
      actorFor(job.type),
      job.processInstanceKey,
    )
    return job.complete({ releaseIncidentCount: incidents.size, releaseSuccessful })
  },
})
