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
  /** The release that deployed the change (`start-release`, message `release-outcome`). */
  releaseId?: string | null
}
interface Out {
  cmdbUpdatedCis: string[]
  /** The CIs' version after the deployment (the release's build version), null when unknown. */
  cmdbCiVersion: string | null
  cmdbCiStatus: string
  /** The configuration baseline of the CIs as deployed; null when no recorded CI is affected. */
  cmdbBaselineId: string | null
}

/** 9.1: the CI status after a change of this nature is deployed. */
export const ciStatusAfter = (changeNature: unknown): string =>
  changeNature === 'service-removal' ? 'retired' : 'active'

/**
 * 9.2, 9.1, 9.3: after a successful deployment the CMDB records of the affected CIs (the
 * change's and its release's) are updated: each takes the release's build version
 * (`ciVersion`) and its status after the change (`active`, `retired` when the change removes a
 * service; a version the change's own record edit set stays) and records the change and release
 * that last changed it (its history keeps
 * before/after); then a configuration baseline of the CIs as deployed is taken, naming the
 * release, so the baselines before and after the release can be compared.
 */
export const updateCmdb = defineWorker<In, Out>({
  type: 'update-cmdb',
  inputSchema: {
    type: 'object',
    properties: { ...caseRefProperties, releaseId: { type: ['string', 'null'] } },
    required: ['caseKind', 'caseId'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    const actor = actorFor(job.type)
    const releaseId =
      job.variables.releaseId ??
      (await deps.cases.linksOf(found.kind, record.id)).find((l) => l.fromKind === 'release')
        ?.fromId
    const release = releaseId ? await deps.cases.findCase('release', releaseId) : undefined
    const buildVersion =
      typeof release?.data.buildVersion === 'string' && release.data.buildVersion
        ? release.data.buildVersion
        : null
    const status = ciStatusAfter(record.data.changeNature)
    const wanted = new Set([
      ...stringList(record.data.affectedCis),
      ...stringList(release?.data.affectedCis),
    ])
    // a version the change's own approved record edit set (9.1, 9.2) is what the CAB approved
    // for that CI: the release's build version does not overwrite it
    const editedVersions = new Set(
      (
        await deps.db
          .selectFrom('change_record_edits')
          .select(['target_id', 'patch'])
          .where('change_id', '=', record.id)
          .where('target_kind', '=', 'ci')
          .where('applied_at', 'is not', null)
          .execute()
      )
        .filter((e) => e.patch !== null && typeof e.patch === 'object' && 'ciVersion' in e.patch)
        .map((e) => e.target_id),
    )
    const updated: string[] = []
    const changedAt = deps.now().toISOString()
    for (const ciId of wanted) {
      if (!(await deps.cases.find('ci', ciId))) continue
      await deps.cases.updateFields(
        'ci',
        ciId,
        {
          ...(buildVersion && !editedVersions.has(ciId) ? { ciVersion: buildVersion } : {}),
          status,
          data: {
            lastChangeId: record.id,
            lastChangedAt: changedAt,
            ...(release ? { lastReleaseId: release.id } : {}),
          },
        },
        actor,
        job.processInstanceKey,
      )
      updated.push(ciId)
    }
    let baselineId: string | null = null
    if (updated.length) {
      const baseline = await deps.cmdb.takeBaseline(
        {
          name: `After ${release ? `release ${release.id}` : `change ${record.id}`}`,
          description:
            `Taken by the change procedure after deploying ${record.id} (${record.title})` +
            `${release ? ` through ${release.id}` : ''}: version ${buildVersion ?? 'unchanged'}, status ${status}.`,
          ciIds: updated,
          releaseId: release?.id ?? null,
        },
        actor,
      )
      baselineId = baseline.id
    }
    return job.complete({
      cmdbUpdatedCis: updated,
      cmdbCiVersion: buildVersion,
      cmdbCiStatus: status,
      cmdbBaselineId: baselineId,
    })
  },
})
