/**
 * `/api/relationship/...`: customers (organisations, contacts, relationship managers), the
 * relationship settings and the agreed definition of a complaint, satisfaction surveys (a
 * customer's own, and all for staff) and the actions of service reviews (ISO/IEC 20000-1 7.1,
 * 6.1). Bodies, path and query parameters through ajv; OpenAPI under the `relationship` tag.
 */
import { Router } from 'express'
import { sessionOf } from '../auth/auth.middleware'
import { NotFoundError } from '../errors'
import { openapi, type OperationSpec } from '../http/openapi'
import { bodyValidator, paramsValidator, queryValidator } from '../http/validation'
import {
  isRelationshipManager,
  readerRoles,
  relationshipReaders,
  relationshipWriters,
  requireRelationshipReader,
  requireRelationshipWriter,
  writerRoles,
} from './access'
import type { OrganisationInput } from './customers.service'
import type { RelationshipServices } from './index'
import { closeActionBody } from './service-review-actions'
import { settingsBody, type SettingsInput } from './settings'
import { answerBody } from './surveys.service'

const ref = (prefix: string) =>
  ({ type: 'string', pattern: `^${prefix}-[0-9]{6,12}$`, maxLength: 20 }) as const
const username = { type: 'string', pattern: '^[a-z][a-z0-9._-]{1,49}$' } as const
const organisationProperties = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  relationshipManager: username,
  services: { type: 'array', maxItems: 200, uniqueItems: true, items: ref('SVC') },
  reviewIntervalDays: { type: 'integer', minimum: 7, maximum: 730 },
  nextReviewAt: { type: ['string', 'null'], format: 'date-time' },
  notes: { type: ['string', 'null'], maxLength: 10_000 },
  active: { type: 'boolean' },
} as const
export const createOrganisationBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'relationshipManager'],
  properties: organisationProperties,
} as const
export const patchOrganisationBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: organisationProperties,
} as const

const validateCreate = bodyValidator<OrganisationInput>(createOrganisationBody)
const validatePatch = bodyValidator<Partial<OrganisationInput>>(patchOrganisationBody)
const validateSettings = bodyValidator<SettingsInput>(settingsBody)
const validateAnswer = bodyValidator<{ score: number; comment?: string }>(answerBody)
const validateClose = bodyValidator<{ outcome: string }>(closeActionBody)
const orgParams = { id: ref('ORG') }
const contactParams = { id: ref('ORG'), username }
const surveyParams = { id: ref('CSAT') }
const reviewParams = { id: ref('SVR') }
const actionParams = { id: ref('SRA') }
const params = <T>(properties: Record<string, unknown>) =>
  paramsValidator<T>({ type: 'object', properties, required: Object.keys(properties) })
const validateOrg = params<{ id: string }>(orgParams)
const validateContact = params<{ id: string; username: string }>(contactParams)
const validateSurvey = params<{ id: string }>(surveyParams)
const validateReview = params<{ id: string }>(reviewParams)
const validateAction = params<{ id: string }>(actionParams)
const surveyQuery = {
  organisationId: ref('ORG'),
  serviceId: ref('SVC'),
}
const validateSurveyQuery = queryValidator<{ organisationId?: string; serviceId?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: surveyQuery,
})

export function relationshipRoutes(services: RelationshipServices): Router {
  const { customers, surveys, reviewActions, settings } = services
  const r = Router()
  const who = (req: Parameters<typeof sessionOf>[0]) => sessionOf(req).user
  r.get('/relationship/customers', requireRelationshipReader, async (_req, res) => {
    res.json({ items: await customers.list() })
  })
  r.post('/relationship/customers', requireRelationshipWriter, async (req, res) => {
    res.status(201).json(await customers.create(validateCreate(req.body), who(req).username))
  })
  r.get('/relationship/customers/:id', requireRelationshipReader, async (req, res) => {
    res.json(await customers.get(validateOrg(req.params).id))
  })
  r.patch('/relationship/customers/:id', requireRelationshipWriter, async (req, res) => {
    const { id } = validateOrg(req.params)
    res.json(await customers.update(id, validatePatch(req.body), who(req).username))
  })
  r.put(
    '/relationship/customers/:id/contacts/:username',
    requireRelationshipWriter,
    async (req, res) => {
      const { id, username: contact } = validateContact(req.params)
      res.json(await customers.setContact(id, contact, true, who(req).username))
    },
  )
  r.delete(
    '/relationship/customers/:id/contacts/:username',
    requireRelationshipWriter,
    async (req, res) => {
      const { id, username: contact } = validateContact(req.params)
      res.json(await customers.setContact(id, contact, false, who(req).username))
    },
  )
  r.get('/relationship/settings', requireRelationshipReader, async (_req, res) => {
    res.json(await settings.get())
  })
  r.patch('/relationship/settings', requireRelationshipWriter, async (req, res) => {
    res.json(await settings.update(validateSettings(req.body), who(req).username))
  })
  // 7.1: everyone, customers too, may read what counts as a complaint
  r.get('/relationship/complaint-definition', async (req, res) => {
    sessionOf(req)
    const definition = await settings.complaintDefinition()
    if (!definition) throw new NotFoundError('No definition of a complaint is agreed yet.')
    res.json(definition)
  })
  r.get('/relationship/surveys/mine', async (req, res) => {
    res.json({ items: await surveys.mine(who(req).username) })
  })
  r.post('/relationship/surveys/:id/answer', async (req, res) => {
    const { id } = validateSurvey(req.params)
    res.json(await surveys.answer(id, who(req).username, validateAnswer(req.body)))
  })
  r.get('/relationship/surveys', requireRelationshipReader, async (req, res) => {
    res.json({ items: await surveys.list(validateSurveyQuery(req.query)) })
  })
  r.get(
    '/relationship/service-reviews/:id/actions',
    requireRelationshipReader,
    async (req, res) => {
      res.json({ items: await reviewActions.list(validateReview(req.params).id) })
    },
  )
  r.post('/relationship/service-review-actions/:id/close', async (req, res) => {
    const { id } = validateAction(req.params)
    const user = who(req)
    const { outcome } = validateClose(req.body)
    res.json(await reviewActions.close(id, outcome, user.username, isRelationshipManager(user)))
  })
  return r
}

type Spec = Omit<OperationSpec, 'roles' | 'tag'>
const writeOp = (op: Spec): OperationSpec => ({
  ...op,
  tag: 'relationship',
  roles: writerRoles,
  description: [op.description, `Allowed to: ${relationshipWriters}.`].filter(Boolean).join(' '),
})
const readOp = (op: Spec): OperationSpec => ({
  ...op,
  tag: 'relationship',
  roles: readerRoles,
  description: [op.description, `Allowed to: ${relationshipReaders}.`].filter(Boolean).join(' '),
})
const anyOp = (op: Spec): OperationSpec => ({ ...op, tag: 'relationship', roles: 'any' })

openapi.register(
  readOp({
    method: 'get',
    path: '/relationship/customers',
    summary: 'Customer organisations with contacts and relationship managers (7.1)',
  }),
  writeOp({
    method: 'post',
    path: '/relationship/customers',
    summary: 'Record a customer organisation',
    requestBody: createOrganisationBody,
  }),
  readOp({
    method: 'get',
    path: '/relationship/customers/:id',
    summary: 'One customer organisation',
    params: orgParams,
  }),
  writeOp({
    method: 'patch',
    path: '/relationship/customers/:id',
    summary: 'Change a customer organisation (relationship manager, services, review interval)',
    params: orgParams,
    requestBody: patchOrganisationBody,
  }),
  writeOp({
    method: 'put',
    path: '/relationship/customers/:id/contacts/:username',
    summary: 'Make a customer user a contact of the organisation',
    params: contactParams,
  }),
  writeOp({
    method: 'delete',
    path: '/relationship/customers/:id/contacts/:username',
    summary: 'Remove a contact',
    params: contactParams,
  }),
  readOp({
    method: 'get',
    path: '/relationship/settings',
    summary: 'Surveyed kinds, survey interval, complaint resolution time, complaint definition',
  }),
  writeOp({
    method: 'patch',
    path: '/relationship/settings',
    summary:
      'Change the relationship settings (the complaint definition must be an effective controlled document)',
    requestBody: settingsBody,
  }),
  anyOp({
    method: 'get',
    path: '/relationship/complaint-definition',
    summary:
      'The agreed definition of a complaint (7.1): the effective version of its controlled document',
  }),
  anyOp({
    method: 'get',
    path: '/relationship/surveys/mine',
    summary: "The caller's own satisfaction surveys",
  }),
  anyOp({
    method: 'post',
    path: '/relationship/surveys/:id/answer',
    summary: "Answer one of your own surveys (another person's answers 404; an answered one 409)",
    params: surveyParams,
    requestBody: answerBody,
  }),
  readOp({
    method: 'get',
    path: '/relationship/surveys',
    summary: 'All satisfaction surveys',
    query: Object.entries(surveyQuery).map(([name, schema]) => ({ name, schema })),
  }),
  readOp({
    method: 'get',
    path: '/relationship/service-reviews/:id/actions',
    summary: 'The tracked actions of a service review (6.1)',
    params: reviewParams,
  }),
  anyOp({
    method: 'post',
    path: '/relationship/service-review-actions/:id/close',
    summary:
      'Close a service review action with its outcome: its owner, a relationship or SMS manager, an admin (403 otherwise, 409 once closed)',
    params: actionParams,
    requestBody: closeActionBody,
  }),
)
