/**
 * Management review actions (ISO/IEC 20000-1 4.5.4.3) beside the generic `/management-reviews`
 * record routes: the tracked actions of a review or of all reviews, and closing or carrying over
 * one (its owner, an SMS manager or top management); and the inputs a–j as a review would have
 * them assembled now, for preparing one.
 */
import { Router } from 'express'
import type { Kysely } from 'kysely'
import type { MatrixRow } from '../../compliance/compliance.service'
import type { DB } from '../../db/schema'
import { openapi } from '../../http/openapi'
import { bodyValidator, paramsValidator, queryValidator } from '../../http/validation'
import { refuseReversedRange } from '../../forms/date-ranges'
import { actingUser as actorOf, requireSmsReader, smsReaders } from '../access'
import type { ReviewActionsService } from './review-actions'
import { assembleReviewInputs } from './review-inputs'

const reviewParams = { id: { type: 'string', pattern: '^MR-[0-9]{6,12}$', maxLength: 20 } } as const
const actionParams = {
  id: { type: 'string', pattern: '^MRA-[0-9]{6,12}$', maxLength: 20 },
} as const
const validateReview = paramsValidator<{ id: string }>({
  type: 'object',
  properties: reviewParams,
  required: ['id'],
})
const validateAction = paramsValidator<{ id: string }>({
  type: 'object',
  properties: actionParams,
  required: ['id'],
})

/** The body of `POST /sms/review-actions/:id/settle`. */
export const settleBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'outcome'],
  properties: {
    status: { enum: ['closed', 'carried-over'] },
    outcome: { type: 'string', minLength: 1, maxLength: 4000 },
  },
} as const
const validateSettle = bodyValidator<{ status: 'closed' | 'carried-over'; outcome: string }>(
  settleBodySchema,
)

const inputsQuery = {
  type: 'object',
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
  },
  additionalProperties: false,
} as const
const validateInputsQuery = queryValidator<{ from?: string; to?: string }>(inputsQuery)
const YEAR = 365 * 86_400_000

export function reviewRoutes({
  reviewActions,
  db,
  now,
  riskAppetite,
  matrix,
}: {
  reviewActions: ReviewActionsService
  db: Kysely<DB>
  now: () => Date
  /** 4.5.2 j: risks scoring above it are high (`RISK_APPETITE_SCORE`). */
  riskAppetite?: number
  matrix?: (period: { from: Date; to: Date }) => Promise<readonly MatrixRow[]>
}): Router {
  const r = Router()
  r.get('/sms/review-inputs', requireSmsReader, async (req, res) => {
    const q = validateInputsQuery(req.query)
    refuseReversedRange(q.from, q.to, '/to', 'from')
    const at = now()
    const to = q.to ? new Date(q.to) : at
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - YEAR)
    const items = await assembleReviewInputs(db, { from, to }, '', at, {
      ...(riskAppetite !== undefined ? { riskAppetite } : {}),
      ...(matrix ? { matrix } : {}),
    })
    res.json({ from: from.toISOString(), to: to.toISOString(), items })
  })
  r.get('/sms/review-actions', requireSmsReader, async (_req, res) => {
    res.json({ items: await reviewActions.list() })
  })
  r.get('/sms/reviews/:id/actions', requireSmsReader, async (req, res) => {
    res.json({ items: await reviewActions.list(validateReview(req.params).id) })
  })
  r.post('/sms/review-actions/:id/settle', requireSmsReader, async (req, res) => {
    const { id } = validateAction(req.params)
    res.json(await reviewActions.settle(id, validateSettle(req.body), actorOf(req)))
  })
  return r
}

const readers = ['admin', 'process-owner', 'staff', 'auditor']
openapi.register(
  {
    method: 'get',
    path: '/sms/review-inputs',
    tag: 'sms',
    summary:
      'The inputs a–j of a management review as assembled now (4.5.4.3): competence gaps, high risks with owner and treatment, open nonconformities with their corrective actions, conformity gaps',
    description: `Allowed to: ${smsReaders}. Without \`to\`, now; without \`from\`, a year before \`to\`.`,
    roles: readers,
    query: Object.entries(inputsQuery.properties).map(([name, schema]) => ({ name, schema })),
  },
  {
    method: 'get',
    path: '/sms/review-actions',
    tag: 'sms',
    summary: 'Every management review action with its owner, due date and state (4.5.4.3)',
    description: `Allowed to: ${smsReaders}.`,
    roles: readers,
  },
  {
    method: 'get',
    path: '/sms/reviews/:id/actions',
    tag: 'sms',
    summary: 'The actions of one management review',
    description: `Allowed to: ${smsReaders}.`,
    roles: readers,
    params: reviewParams,
  },
  {
    method: 'post',
    path: '/sms/review-actions/:id/settle',
    tag: 'sms',
    summary: 'Close an action or carry it over to the next review',
    description:
      'Allowed to: the owner of the action, staff in sms-managers or top-management, admin. An action no longer open answers 409.',
    roles: ['admin', 'staff'],
    params: actionParams,
    requestBody: settleBodySchema,
  },
)
