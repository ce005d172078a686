/**
 * Management review actions (ISO/IEC 20000-1 4.5.4.3) beside the generic `/management-reviews`
 * record routes: the tracked actions of a review or of all reviews, and closing or carrying over
 * one (its owner, an SMS manager or top management).
 */
import { Router } from 'express'
import { openapi } from '../../http/openapi'
import { bodyValidator, paramsValidator } from '../../http/validation'
import { actingUser as actorOf, requireSmsReader, smsReaders } from '../access'
import type { ReviewActionsService } from './review-actions'

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

export function reviewRoutes({ reviewActions }: { reviewActions: ReviewActionsService }): Router {
  const r = Router()
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
