import { UnexpectedError } from '../errors'
import { INFORMATION_SECURITY } from '../security/access'
import { defineWorker } from './define-worker'
import { actorFor } from './worker-helpers'

interface In {
  incidentId: string
}
interface Out {
  securityGroups: string[]
}

/**
 * 6.6.3: the security incident procedure took up the incident: its record is bound to this
 * instance and the information security group is told (once), in one transaction with the
 * evidence entry. The handling tasks go to that group.
 */
export const openSecurityIncident = defineWorker<In, Out>({
  type: 'open-security-incident',
  inputSchema: {
    type: 'object',
    properties: { incidentId: { type: 'string', pattern: '^INC-[0-9]{6,12}$' } },
    required: ['incidentId'],
  },
  async handler(job, deps) {
    if (!deps.security) throw new UnexpectedError('Information security is not wired in.')
    await deps.security.incidents.open(
      job.variables.incidentId,
      job.processInstanceKey,
      actorFor(job.type).username,
    )
    return job.complete({ securityGroups: [INFORMATION_SECURITY] })
  },
})
