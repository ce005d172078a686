/**
 * Change control as the only door (ISO/IEC 20000-1 9.2, 9.3, 9.1, 6.1, 7.2): the rules
 * `case.service.ts` and `catalogue.service.ts` apply to people's writes, inside the transaction
 * of the write, before anything is written.
 *
 * - Records under change control are changed only through a change (its implementation step
 *   applies the edits attached to it, `change-record-edits.ts`) or through document control:
 *   CIs flagged `underChangeControl`, services (not in `pipeline`), SLAs (not in `draft`) and
 *   supplier contracts (not in `draft`). A direct edit gets 409 naming the door.
 * - A release starts only from an approved change (9.3): creating one names an approved change
 *   (`data.changeId`), else 422. The release procedure checks it again (`check-release-change`).
 * - A change is planned no sooner than the lead time the change policy in force sets for its
 *   class and risk (`refuseShortLeadTime`, the `change-policy` controlled document), else 422:
 *   on people's writes and when the change procedure's scheduling task plans the start
 *   (`checkTaskDecision`, the task's submission refused with nothing stored).
 * - A standard change picks an active model of the standard change catalogue and fits its scope
 *   (9.2, `standard-changes.ts`), else 422. The change procedure checks it again
 *   (`check-standard-change`).
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { ConflictError, UserError } from '../errors'
import type { CaseKind } from './kinds'
import { changeClassRule } from '../sms/documents/controlled-documents'
import { leadTimeOf, type ChangeClass } from '../sms/documents/controlled-model'
import { fitOfStandardChange } from './standard-changes'

/** 422: the request is well-formed but the rule it breaks is not about its shape. */
export class UnprocessableError extends UserError {
  override readonly status = 422
  override readonly title = 'Unprocessable Content'
}

/** The door to use instead of a direct edit of a controlled record. */
export const CHANGE_DOOR =
  'raise a change (POST /api/changes) and attach the edit to it (POST /api/changes/{changeId}/record-edits); its implementation applies it once the change is approved'

/** Statuses of a change that has been approved and not yet finished (9.2). */
export const approvedChangeStatuses: readonly string[] = ['approved', 'scheduled']

/** The parts of a record the rules look at: its status and data. */
interface Controlled {
  id: string
  status: string
  data: Record<string, unknown>
}

/**
 * Why a record is under change control, or undefined when people may edit it directly.
 * `contract` is a supplier contract (7.2).
 */
export function changeControlOf(
  kind: CaseKind | 'contract',
  record: Controlled,
): string | undefined {
  switch (kind) {
    case 'ci':
      return record.data.underChangeControl === true
        ? `CI ${record.id} is under change control (9.1)`
        : undefined
    case 'service':
      return record.status !== 'pipeline'
        ? `service ${record.id} is in the service catalogue (${record.status}) and under change control (6.1, 9.2)`
        : undefined
    case 'sla':
      return record.status !== 'draft'
        ? `SLA ${record.id} is ${record.status} and under change control (6.1, 9.2)`
        : undefined
    case 'contract':
      return record.status !== 'draft'
        ? `contract ${record.id} is ${record.status} and under change control (7.2, 9.2)`
        : undefined
    default:
      return undefined
  }
}

/**
 * Throws 409 naming the door when a person edits a record under change control directly.
 * Putting a CI under change control is not refused: it only tightens control.
 */
export function refuseDirectEdit(kind: CaseKind | 'contract', current: Controlled): void {
  const why = changeControlOf(kind, current)
  if (!why) return
  const documents =
    kind === 'sla' || kind === 'contract' || kind === 'service'
      ? ', or revise it as a controlled document'
      : ''
  throw new ConflictError(`${why}: ${CHANGE_DOOR}${documents}. Nothing was changed.`)
}

/**
 * 9.3: a release a person creates names the approved change it implements; 422 otherwise.
 */
export async function refuseReleaseWithoutChange(
  tx: Kysely<DB>,
  data: Record<string, unknown>,
): Promise<void> {
  const reason = await releaseChangeProblem(tx, data.changeId)
  if (reason) {
    throw new UnprocessableError(
      `A release starts only from an approved change (9.3): ${reason}. Raise a change (POST /api/changes); once approved, its procedure starts the release. Nothing was recorded.`,
      [{ path: '/data/changeId', message: reason }],
    )
  }
}

/** Why `changeId` is no approved change a release may implement, or undefined when it is. */
export async function releaseChangeProblem(
  db: Kysely<DB>,
  changeId: unknown,
): Promise<string | undefined> {
  if (typeof changeId !== 'string' || !changeId) return 'no change is named (data.changeId)'
  const change = await db
    .selectFrom('cases')
    .select(['id', 'status'])
    .where('kind', '=', 'change')
    .where('id', '=', changeId)
    .executeTakeFirst()
  if (!change) return `there is no change ${changeId}`
  if (!approvedChangeStatuses.includes(change.status)) {
    return `change ${changeId} is ${change.status}, not approved`
  }
  return undefined
}

/** 9.2: a standard change a person records or edits fits an active model; 422 otherwise. */
export async function refuseMisfitStandardChange(
  tx: Kysely<DB>,
  change: { ciId?: unknown; serviceId?: unknown; data: Record<string, unknown> },
): Promise<void> {
  if (change.data.changeType !== 'standard') return
  const fit = await fitOfStandardChange(tx, change)
  if (!fit.fits) {
    throw new UnprocessableError(
      `A standard change must fit a pre-approved model of the standard change catalogue (9.2): ${fit.reason}. Nothing was recorded.`,
      [{ path: '/data/standardChangeModelId', message: fit.reason }],
    )
  }
}

/**
 * The checks of a person's create, inside its transaction (`input` the typed fields, `data` the
 * record's data).
 */
export async function checkCreate(
  tx: Kysely<DB>,
  kind: CaseKind,
  input: Record<string, unknown>,
  data: Record<string, unknown>,
  now: Date = new Date(),
): Promise<void> {
  if (kind === 'release') await refuseReleaseWithoutChange(tx, data)
  if (kind === 'change') {
    await refuseMisfitStandardChange(tx, { ...input, data })
    await refuseShortLeadTime(tx, data, now)
  }
}

/**
 * 9.2: a change is planned to start no sooner than the lead time the change policy in force
 * sets for its class and assessed risk (`change-policy` document, from its effective date;
 * `leadTimeOf`); 422 otherwise, the field error at `path` naming the policy version. An emergency
 * change has the emergency class's lead time, which the policy sets (none in the demo policy).
 */
export async function refuseShortLeadTime(
  tx: Kysely<DB>,
  data: Record<string, unknown>,
  now: Date,
  path = '/data/plannedStart',
): Promise<void> {
  if (typeof data.plannedStart !== 'string') return
  const start = Date.parse(data.plannedStart)
  if (Number.isNaN(start)) return
  const changeClass = (
    ['standard', 'normal', 'emergency'].includes(String(data.changeType))
      ? data.changeType
      : 'normal'
  ) as ChangeClass
  const rule = await changeClassRule(tx, changeClass, now)
  const hours = leadTimeOf(rule, data.risk)
  if (hours <= 0) return
  const earliest = now.getTime() + hours * 3_600_000
  if (start < earliest) {
    const risk = typeof data.risk === 'string' ? ` of ${data.risk.split(/[\s:]/)[0]} risk` : ''
    const reason = `a ${changeClass} change${risk} starts at least ${hours} h after it is planned (${rule.policy}); the earliest start now is ${new Date(earliest).toISOString()}`
    throw new UnprocessableError(
      `The change policy's lead time is not met (9.2): ${reason}. Nothing was recorded.`,
      [{ path, message: reason }],
    )
  }
}

/**
 * The checks of what a procedure's user task decides on a change (`record:` properties), inside
 * the transaction that stores the submission, before anything is written: scheduling
 * (`Task_ScheduleChange`) plans the start no sooner than the policy's lead time (9.2). `sources`
 * maps case fields to the form fields they come from, for the field error's path.
 */
export async function checkTaskDecision(
  tx: Kysely<DB>,
  kind: CaseKind,
  current: Controlled,
  patch: Record<string, unknown>,
  sources: Record<string, string>,
  now: Date,
): Promise<void> {
  if (kind !== 'change') return
  const data = (patch.data ?? {}) as Record<string, unknown>
  if (typeof data.plannedStart !== 'string' || data.plannedStart === current.data.plannedStart)
    return
  await refuseShortLeadTime(
    tx,
    { ...current.data, ...data },
    now,
    `/${sources.plannedStart ?? 'plannedStart'}`,
  )
}

/**
 * The checks of a person's edit, inside its transaction, before anything is written: `current`
 * as stored, `patch` the typed fields and `data` keys sent.
 */
export async function checkEdit(
  tx: Kysely<DB>,
  kind: CaseKind,
  current: Controlled & Record<string, unknown>,
  patch: Record<string, unknown>,
  now: Date = new Date(),
): Promise<void> {
  refuseDirectEdit(kind, current)
  const data = (patch.data ?? {}) as Record<string, unknown>
  if (
    kind === 'change' &&
    'plannedStart' in data &&
    data.plannedStart !== current.data.plannedStart
  ) {
    await refuseShortLeadTime(tx, { ...current.data, ...data }, now)
  }
  if (kind === 'release' && 'changeId' in data && data.changeId !== current.data.changeId) {
    throw new ConflictError(
      `The change a release implements is fixed when the release is recorded (9.3); ${current.id} implements ${String(current.data.changeId ?? 'none')}. Nothing was changed.`,
    )
  }
  const merged = { ...current.data, ...data }
  const scoped = ['changeType', 'standardChangeModelId', 'affectedCis'].some((k) => k in data)
  if (
    kind === 'change' &&
    merged.changeType === 'standard' &&
    (scoped || patch.ciId !== undefined || patch.serviceId !== undefined)
  ) {
    await refuseMisfitStandardChange(tx, {
      ciId: patch.ciId !== undefined ? patch.ciId : current.ciId,
      serviceId: patch.serviceId !== undefined ? patch.serviceId : current.serviceId,
      data: merged,
    })
  }
}
