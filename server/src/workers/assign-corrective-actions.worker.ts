import { formDateTime } from '../sms/review/review-actions'
import { findingsOf, isOpenNonconformity } from '../sms/audit/findings'
import { defineWorker, ErrorCode } from './define-worker'
import { actorFor } from './worker-helpers'

interface ActionIn {
  findingId: string
  correctiveAction: string
  owner: string
  due: string
}
interface In {
  caseId: string
  actions?: ActionIn[] | null
}
interface Out {
  /** The latest due date (ISO), when the overdue timer fires. */
  actionsDue: string
  /** The owners, who may work the implementation task. */
  actionOwners: string[]
}

/**
 * 4.5.4.2 `Task_AssignCorrectiveActions`: each open nonconformity of the audit gets its corrective
 * action, its owner (the finding's assignee) and due date, all in one transaction with their
 * evidence. A nonconformity without one, or an owner who is not a user, is the BPMN error
 * CORRECTIVE_ACTION_MISSING (back to the SMS manager); nothing is written then.
 */
export const assignCorrectiveActions = defineWorker<In, Out>({
  type: 'assign-corrective-actions',
  inputSchema: {
    type: 'object',
    properties: {
      caseId: { type: 'string', minLength: 1 },
      actions: { type: ['array', 'null'] },
    },
    required: ['caseId'],
  },
  async handler(job, deps) {
    const actions = job.variables.actions ?? []
    const open = (await findingsOf(deps.db, job.variables.caseId)).filter(isOpenNonconformity)
    const missing = open.filter((f) => !actions.some((a) => a.findingId === f.id)).map((f) => f.id)
    const owners = [...new Set(actions.map((a) => a.owner))]
    const known = owners.length
      ? await deps.db
          .selectFrom('users')
          .select('username')
          .where('username', 'in', owners)
          .execute()
      : []
    const unknown = owners.filter((o) => !known.some((k) => k.username === o))
    const stray = actions
      .filter((a) => !open.some((f) => f.id === a.findingId))
      .map((a) => a.findingId)
    if (missing.length || unknown.length || stray.length) {
      return job.error({
        errorCode: ErrorCode.CORRECTIVE_ACTION_MISSING,
        errorMessage: [
          missing.length ? `no corrective action for ${missing.join(', ')}` : '',
          unknown.length ? `unknown owner ${unknown.join(', ')}` : '',
          stray.length ? `not an open nonconformity of this audit: ${stray.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      })
    }
    const actor = actorFor(job.type)
    const published = await deps.db.transaction().execute(async (tx) => {
      const out: (() => void)[] = []
      for (const a of actions) {
        const { publish } = await deps.cases.applyInTransaction(
          'audit-finding',
          a.findingId,
          {
            assignee: a.owner,
            status: 'in-progress',
            data: { correctiveAction: a.correctiveAction, actionDue: a.due },
          },
          actor,
          tx,
          { processInstanceKey: job.processInstanceKey },
        )
        out.push(publish)
      }
      return out
    })
    for (const publish of published) publish()
    const latest = Math.max(...actions.map((a) => formDateTime(a.due).getTime()))
    return job.complete({ actionsDue: new Date(latest).toISOString(), actionOwners: owners })
  },
})
