/**
 * `/api/finance/...` (ISO/IEC 20000-1 6.4): budgets per service and period with their approval,
 * apportionment rules, actual costs (JSON or a CSV file, all rows or none), budget against
 * actual with variance and forecast, and the costs of supplier contracts. Finance writes;
 * auditors, process owners and SMS managers read; service owners read their services.
 */
import { Router, type Request } from 'express'
import { sessionOf } from '../auth/auth.middleware'
import { Role } from '../auth/roles'
import { openapi, type OperationSpec } from '../http/openapi'
import { bodyValidator, paramsValidator, queryValidator, versionSchema } from '../http/validation'
import { financeReaders, financeWriters } from './access'
import type { FinanceService } from './finance.service'
import type { BudgetApprovalService } from './budget-approval.service'
import {
  AMOUNT_PATTERN,
  Behaviour,
  costCategories,
  CURRENCY_PATTERN,
  Expense,
  MONEY_PATTERN,
  VarianceAction,
  type BudgetInput,
  type BudgetPatch,
  type CostInput,
  type RuleInput,
} from './finance-model'

const ref = (prefix: string) =>
  ({ type: 'string', pattern: `^${prefix}-[0-9]{6,12}$`, maxLength: 20 }) as const
const amount = { type: 'string', pattern: AMOUNT_PATTERN, maxLength: 20 } as const
const currency = { type: 'string', pattern: CURRENCY_PATTERN, maxLength: 3 } as const
const year = { type: 'integer', minimum: 2000, maximum: 2100 } as const
const day = { type: 'string', format: 'date', maxLength: 10 } as const
const line = {
  type: 'object',
  additionalProperties: false,
  required: ['category', 'amount'],
  properties: { category: { enum: [...costCategories] }, amount },
} as const
const lines = { type: 'array', maxItems: costCategories.length, items: line } as const
const threshold = {
  type: 'string',
  pattern: '^[0-9]{1,3}(\\.[0-9]{1,2})?$',
  maxLength: 6,
} as const
export const createBudgetBody = {
  type: 'object',
  additionalProperties: false,
  required: [
    'serviceId',
    'fiscalYear',
    'currency',
    'lines',
    'varianceThresholdPercent',
    'breachAction',
  ],
  properties: {
    serviceId: ref('SVC'),
    fiscalYear: year,
    quarter: { anyOf: [{ type: 'integer', minimum: 1, maximum: 4 }, { type: 'null' }] },
    currency,
    lines,
    varianceThresholdPercent: threshold,
    breachAction: { enum: Object.values(VarianceAction) },
    notes: { type: 'string', maxLength: 10_000 },
    revises: ref('BUD'),
  },
} as const
export const patchBudgetBody = {
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: {
    lines,
    varianceThresholdPercent: threshold,
    breachAction: { enum: Object.values(VarianceAction) },
    notes: { type: 'string', maxLength: 10_000 },
    version: versionSchema,
  },
} as const
const approveBody = {
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: { version: versionSchema },
} as const
const share = {
  type: 'object',
  additionalProperties: false,
  required: ['serviceId', 'weight'],
  properties: {
    serviceId: ref('SVC'),
    weight: { type: 'string', pattern: '^[0-9]{1,12}(\\.[0-9]{1,4})?$', maxLength: 17 },
  },
} as const
const ruleProps = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  basis: { type: 'string', minLength: 1, maxLength: 2000 },
  shares: { type: 'array', minItems: 1, maxItems: 500, items: share },
} as const
export const ruleBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'basis', 'shares'],
  properties: ruleProps,
} as const
const patchRuleBody = {
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: { ...ruleProps, version: versionSchema },
} as const
const cost = {
  type: 'object',
  additionalProperties: false,
  required: ['incurredOn', 'category', 'amount', 'currency'],
  properties: {
    incurredOn: day,
    category: { enum: [...costCategories] },
    amount: { type: 'string', pattern: MONEY_PATTERN, maxLength: 20 },
    currency,
    serviceId: { anyOf: [ref('SVC'), { type: 'null' }] },
    ruleId: { anyOf: [ref('APR'), { type: 'null' }] },
    behaviour: { enum: Object.values(Behaviour) },
    expense: { enum: Object.values(Expense) },
    contractId: { anyOf: [ref('CON'), { type: 'null' }] },
    caseId: {
      anyOf: [
        { type: 'string', pattern: '^[A-Z]{2,5}-[0-9]{6,12}$', maxLength: 20 },
        { type: 'null' },
      ],
    },
    description: { type: 'string', maxLength: 2000 },
  },
} as const
export const costsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['costs'],
  properties: { costs: { type: 'array', minItems: 1, maxItems: 10_000, items: cost } },
} as const
export const csvBody = {
  type: 'object',
  additionalProperties: false,
  required: ['csv'],
  properties: { csv: { type: 'string', minLength: 1, maxLength: 4_000_000 } },
} as const
const budgetsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { year, serviceId: ref('SVC') },
} as const
const statementQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['year'],
  properties: { year, serviceId: ref('SVC'), asOf: day },
} as const
const costsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: day,
    to: day,
    serviceId: ref('SVC'),
    limit: { type: 'integer', minimum: 1, maximum: 5000 },
  },
} as const
const yearQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['year'],
  properties: { year },
} as const

const validateCreate = bodyValidator<BudgetInput>(createBudgetBody)
const validatePatch = bodyValidator<BudgetPatch>(patchBudgetBody)
const validateApprove = bodyValidator<{ version: number }>(approveBody)
const validateRule = bodyValidator<RuleInput>(ruleBody)
const validatePatchRule = bodyValidator<Partial<RuleInput> & { version: number }>(patchRuleBody)
const validateCosts = bodyValidator<{ costs: CostInput[] }>(costsBody)
const validateCsv = bodyValidator<{ csv: string }>(csvBody)
const validateBudgets = queryValidator<{ year?: number; serviceId?: string }>(budgetsQuery)
const validateStatement = queryValidator<{ year: number; serviceId?: string; asOf?: string }>(
  statementQuery,
)
const validateCostsQuery = queryValidator<{
  from?: string
  to?: string
  serviceId?: string
  limit?: number
}>(costsQuery)
const validateYear = queryValidator<{ year: number }>(yearQuery)
const budgetParams = paramsValidator<{ id: string }>({
  type: 'object',
  properties: { id: ref('BUD') },
  required: ['id'],
})
const ruleParams = paramsValidator<{ id: string }>({
  type: 'object',
  properties: { id: ref('APR') },
  required: ['id'],
})

const actor = (req: Request) => sessionOf(req).user

export function financeRoutes(finance: FinanceService, approval: BudgetApprovalService): Router {
  const r = Router()
  r.get('/finance/budgets', async (req, res) => {
    res.json({ items: await finance.listBudgets(actor(req), validateBudgets(req.query)) })
  })
  r.post('/finance/budgets', async (req, res) => {
    res.status(201).json(await finance.createBudget(validateCreate(req.body), actor(req)))
  })
  r.get('/finance/budgets/:id', async (req, res) => {
    res.json(await finance.getBudget(budgetParams(req.params).id, actor(req)))
  })
  r.patch('/finance/budgets/:id', async (req, res) => {
    res.json(
      await finance.updateBudget(budgetParams(req.params).id, validatePatch(req.body), actor(req)),
    )
  })
  // 6.4: the author submits a draft for approval through budget-approval.bpmn
  r.post('/finance/budgets/:id/submit', async (req, res) => {
    const { version } = validateApprove(req.body)
    res.json(await approval.submit(budgetParams(req.params).id, version, actor(req)))
  })
  r.post('/finance/budgets/:id/approve', async (req, res) => {
    const { version } = validateApprove(req.body)
    res.json(await finance.approveBudget(budgetParams(req.params).id, version, actor(req)))
  })
  r.get('/finance/budget-vs-actual', async (req, res) => {
    res.json(await finance.budgetVsActual(actor(req), validateStatement(req.query)))
  })
  r.get('/finance/rules', async (req, res) => {
    res.json({ items: await finance.listRules(actor(req)) })
  })
  r.post('/finance/rules', async (req, res) => {
    res.status(201).json(await finance.createRule(validateRule(req.body), actor(req)))
  })
  r.patch('/finance/rules/:id', async (req, res) => {
    res.json(
      await finance.updateRule(ruleParams(req.params).id, validatePatchRule(req.body), actor(req)),
    )
  })
  r.get('/finance/costs', async (req, res) => {
    res.json({ items: await finance.listCosts(actor(req), validateCostsQuery(req.query)) })
  })
  r.post('/finance/costs', async (req, res) => {
    res.status(201).json(await finance.recordCosts(validateCosts(req.body).costs, actor(req)))
  })
  r.post('/finance/costs/import', async (req, res) => {
    res.status(201).json(await finance.importCsv(validateCsv(req.body).csv, actor(req)))
  })
  r.get('/finance/contract-costs', async (req, res) => {
    res.json({ items: await finance.contractCosts(actor(req), validateYear(req.query).year) })
  })
  return r
}

type Spec = Omit<OperationSpec, 'roles' | 'tag'>
const tag = 'finance'
const writer = (op: Spec): OperationSpec => ({
  ...op,
  tag,
  roles: [Role.Admin, Role.Staff],
  description: [op.description, `Allowed to: ${financeWriters}.`].filter(Boolean).join(' '),
})
const reader = (op: Spec): OperationSpec => ({
  ...op,
  tag,
  roles: [Role.Admin, Role.ProcessOwner, Role.Staff, Role.Auditor],
  description: [op.description, `Allowed to: ${financeReaders}.`].filter(Boolean).join(' '),
})
const q = (name: string, schema: Record<string, unknown>, required = false) => ({
  name,
  schema,
  required,
})

openapi.register(
  reader({
    method: 'get',
    path: '/finance/budgets',
    summary: 'Budgets per service and period (6.4)',
    query: [q('year', year), q('serviceId', ref('SVC'))],
  }),
  writer({
    method: 'post',
    path: '/finance/budgets',
    summary:
      'Record a draft budget of a service for a year or a quarter, an amount per cost category',
    description:
      'Money is decimal text with up to 2 places and an ISO 4217 currency. A year is budgeted whole or by quarters (409 otherwise).',
    requestBody: createBudgetBody,
  }),
  reader({
    method: 'get',
    path: '/finance/budgets/:id',
    summary: 'A budget with its lines',
    params: { id: ref('BUD') },
  }),
  writer({
    method: 'patch',
    path: '/finance/budgets/:id',
    summary: 'Change a draft budget (`version` as read); an approved one is fixed (409)',
    params: { id: ref('BUD') },
    requestBody: patchBudgetBody,
  }),
  writer({
    method: 'post',
    path: '/finance/budgets/:id/submit',
    summary:
      'Submit a draft budget for approval (6.4): its author only (403 otherwise); starts budget-approval.bpmn (proposal, review by the service owners, decision by finance: not the proposer)',
    params: { id: ref('BUD') },
    requestBody: approveBody,
  }),
  writer({
    method: 'post',
    path: '/finance/budgets/:id/approve',
    summary: 'Approve a draft budget (6.4 financial control): not by its author (403)',
    params: { id: ref('BUD') },
    requestBody: approveBody,
  }),
  reader({
    method: 'get',
    path: '/finance/budget-vs-actual',
    summary:
      'Each budget of the year against the actual costs of its period: variance, forecast, threshold; costs without a budget',
    description:
      'Indirect costs are apportioned by their rule to the cent. Forecast = actual + budget still to come pro rata (the actual once the period ended); variance = actual − budget pro rata to date.',
    query: [q('year', year, true), q('serviceId', ref('SVC')), q('asOf', day)],
  }),
  reader({
    method: 'get',
    path: '/finance/rules',
    summary: 'Apportionment rules of indirect costs (6.4 b)',
  }),
  writer({
    method: 'post',
    path: '/finance/rules',
    summary: 'Record an apportionment rule: services with weights',
    requestBody: ruleBody,
  }),
  writer({
    method: 'patch',
    path: '/finance/rules/:id',
    summary: 'Change an apportionment rule (`version` as read)',
    params: { id: ref('APR') },
    requestBody: patchRuleBody,
  }),
  reader({
    method: 'get',
    path: '/finance/costs',
    summary: 'Actual costs, newest first (service owners: direct costs of their services)',
    query: [
      q('from', day),
      q('to', day),
      q('serviceId', ref('SVC')),
      q('limit', costsQuery.properties.limit),
    ],
  }),
  writer({
    method: 'post',
    path: '/finance/costs',
    summary:
      'Record actual costs; any bad one refuses all (422, an error each); may raise a variance action',
    requestBody: costsBody,
  }),
  writer({
    method: 'post',
    path: '/finance/costs/import',
    summary:
      'Import costs from CSV (incurredOn,category,amount,currency,serviceId|ruleId[,behaviour,expense,contractId,caseId,description]): any bad row refuses the file with 422 and an error per row; nothing is stored',
    requestBody: csvBody,
  }),
  reader({
    method: 'get',
    path: '/finance/contract-costs',
    summary: 'Costs booked against each supplier contract in a year (7.2, 6.4)',
    query: [q('year', year, true)],
  }),
)
