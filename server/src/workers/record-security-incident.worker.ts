import { UnexpectedError } from '../errors'
import { SecurityIncidentCategory } from '../security/security-model'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  incidentId: string
  securityCategory: SecurityIncidentCategory
  informationAffected: string
  containment: string
  personalData?: boolean | null
  reportToAuthorities?: boolean | null
  authority?: string | null
  authorityReference?: string | null
  lessons?: string | null
}
interface Out {
  securityIncidentRecorded: boolean
}

/**
 * 6.6.3, 4.3.3: the handling of the security incident (category, information affected,
 * containment, lessons) and its report to the authorities, when made, are recorded with their
 * evidence by the person who handled it; the report is dated when its task was completed.
 */
export const recordSecurityIncident = defineWorker<In, Out>({
  type: 'record-security-incident',
  inputSchema: {
    type: 'object',
    properties: {
      incidentId: { type: 'string', pattern: '^INC-[0-9]{6,12}$' },
      securityCategory: { enum: Object.values(SecurityIncidentCategory) },
      informationAffected: { type: 'string' },
      containment: { type: 'string' },
      personalData: { type: ['boolean', 'null'] },
      reportToAuthorities: { type: ['boolean', 'null'] },
      authority: { type: ['string', 'null'] },
      authorityReference: { type: ['string', 'null'] },
      lessons: { type: ['string', 'null'] },
    },
    required: ['incidentId', 'securityCategory', 'informationAffected', 'containment'],
  },
  async handler(job, deps) {
    if (!deps.security) throw new UnexpectedError('Information security is not wired in.')
    const v = job.variables
    const done = (elementId: string) =>
      deps.db
        .selectFrom('tasks')
        .select(['completed_by', 'completed_at'])
        .where('process_instance_key', '=', job.processInstanceKey)
        .where('element_id', '=', elementId)
        .where('completed_by', 'is not', null)
        .orderBy('completed_at', 'desc')
        .executeTakeFirst()
    const handled = await done('Task_HandleSecurityIncident')
    const reported =
      v.reportToAuthorities === true ? await done('Task_ReportSecurityIncident') : null
    await deps.security.incidents.record(
      v.incidentId,
      {
        category: v.securityCategory,
        informationAffected: v.informationAffected,
        containment: v.containment,
        personalData: v.personalData === true,
        reportToAuthorities: v.reportToAuthorities === true,
        authority: v.authority ?? null,
        authorityReference: v.authorityReference ?? null,
        reportedAt: reported?.completed_at
          ? new Date(reported.completed_at).toISOString()
          : v.reportToAuthorities === true
            ? deps.now().toISOString()
            : null,
        lessons: v.lessons ?? null,
      },
      handled?.completed_by ?? actorFor(job.type).username,
      job.processInstanceKey,
    )
    return job.complete({ securityIncidentRecorded: true })
  },
})
