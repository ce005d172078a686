import { defineWorker } from './define-worker'
import {
  actorFor,
  caseRefProperties,
  isOutcome,
  loadCase,
  type CaseRefInput,
} from './worker-helpers'

interface In extends CaseRefInput {
  releaseOutcome: 'deployed' | 'backed-out' | 'rejected'
}
interface Out {
  releaseOutcomeReportedTo: string[]
}

/** The message a change waits on for the outcome of its release. */
export const RELEASE_OUTCOME_MESSAGE = 'release-outcome'

/** The incident-management group told of release outcomes (8.1 ← 9.3). */
const INCIDENT_GROUP = 'service-desk'

/**
 * 9.3: the release outcome is reported to change management (message `release-outcome`,
 * correlated on the id of every change the release implements) and to incident and service
 * request management (a notification to the service desk). The release's status becomes
 * `deployed` or `backed-out`.
 */
export const reportReleaseOutcome = defineWorker<In, Out>({
  type: 'report-release-outcome',
  publishes: [RELEASE_OUTCOME_MESSAGE],
  inputSchema: {
    type: 'object',
    properties: {
      ...caseRefProperties,
      releaseOutcome: { enum: ['deployed', 'backed-out', 'rejected'] },
    },
    required: ['caseKind', 'caseId', 'releaseOutcome'],
  },
  async handler(job, deps) {
    const found = await loadCase(job, deps)
    if (isOutcome(found)) return found
    const { record } = found
    const { releaseOutcome } = job.variables
    const changes = new Set<string>()
    for (const l of await deps.cases.linksOf('release', record.id)) {
      if (l.fromKind === 'release' && l.toKind === 'change') changes.add(l.toId)
      if (l.toKind === 'release' && l.fromKind === 'change') changes.add(l.fromId)
    }
    if (typeof record.data.changeId === 'string') changes.add(record.data.changeId)
    for (const changeId of changes) {
      await deps.messages.publish({
        name: RELEASE_OUTCOME_MESSAGE,
        correlationKey: changeId,
        variables: { releaseOutcome, releaseId: record.id },
        timeToLive: deps.settings.messageTtlMs,
        messageId: `release-outcome:${job.key}:${changeId}`,
      })
    }
    await deps.notifications.enqueue({
      dedupeKey: `job:${job.key}`,
      recipientGroup: INCIDENT_GROUP,
      template: 'release-outcome',
      context: {
        caseKind: 'release',
        caseId: record.id,
        title: record.title,
        detail: releaseOutcome,
      },
    })
    if (releaseOutcome !== 'rejected') {
      // 9.3: the release record shows whether it is deployed or was backed out
      await deps.cases.setStatus('release', record.id, releaseOutcome, actorFor(job.type), {
        processInstanceKey: job.processInstanceKey,
        elementId: job.elementId,
      })
    }
    if (releaseOutcome === 'backed-out') {
      await deps.cases.updateFields(
        'release',
        record.id,
        { data: { outcome: 'backed-out' } },
        actorFor(job.type),
        job.processInstanceKey,
      )
    }
    return job.complete({ releaseOutcomeReportedTo: [...changes, INCIDENT_GROUP] })
  },
})
