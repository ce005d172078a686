/**
 * Budgeting and accounting for services (ISO/IEC 20000-1 6.4) end to end through HTTP: budgets
 * per service and period with cost categories, approved by someone other than their author
 * (6.4 c); actual costs recorded over the API and imported as CSV (a file with a bad row is
 * refused with an error per row and nothing is stored); indirect costs apportioned by a rule to
 * the cent (6.4 b); supplier contract costs (7.2); budget against actual with variance and
 * forecast in decimal money; a forecast over the threshold raising an improvement or an RFC once
 * while it is open; who reads and who writes; the demo data.
 */
import Decimal from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type {
  ApportionmentRule,
  Budget,
  BudgetStatement,
  CostEntry,
} from '../../server/src/finance/finance-model'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type Harness } from './harness'

interface Statements {
  year: number
  asOf: string
  items: BudgetStatement[]
  unbudgeted: { serviceId: string; currency: string; actual: string }[]
}
interface Problem {
  detail: string
  errors: { path: string; message: string }[]
}

describe.each(testDatabaseTargets())('budgeting and accounting on $kind (6.4)', (target) => {
  let h: Harness
  let payroll: string
  let printing: string
  let network: string
  let year: number
  let budgetId: string
  let rule: ApportionmentRule

  beforeAll(async () => {
    h = await startHarness(target)
    year = new Date(h.clock.now()).getUTCFullYear() - 1
    payroll = (await h.record('service', { name: 'Payroll', ownerGroup: 'network' })).id
    printing = (await h.record('service', { name: 'Printing', ownerGroup: 'service-desk' })).id
    network = (
      await h.database.db.selectFrom('services').select('id').where('name', '=', 'Network').executeTakeFirstOrThrow()
    ).id
  })
  afterAll(async () => {
    await h?.stop()
  })

  const statements = async (as = 'auditor', query = '') =>
    (await (await h.as(as)).get<Statements>(`/finance/budget-vs-actual?year=${year}${query}`)).body
  const statementOf = async (id: string, query = '') =>
    (await statements('auditor', query)).items.find((s) => s.budgetId === id)!
  const budget = (over: Record<string, unknown> = {}) => ({
    serviceId: payroll,
    fiscalYear: year,
    currency: 'EUR',
    lines: [
      { category: 'personnel', amount: '1000.10' },
      { category: 'software', amount: '2000.20' },
    ],
    varianceThresholdPercent: '5',
    breachAction: 'improvement',
    ...over,
  })

  it('6.4: the demo shows approved budgets, a draft, rules and costs #6.4-3', async () => {
    const fin = await h.as('finance')
    const all = (await fin.get<{ items: Budget[] }>('/finance/budgets')).body.items
    expect(all.filter((b) => b.status === 'approved').length).toBeGreaterThanOrEqual(5)
    expect(all.find((b) => b.serviceName === 'ERP')).toMatchObject({ status: 'draft', createdBy: 'finance' })
    expect(all.find((b) => b.serviceName === 'Network')).toMatchObject({ approvedBy: 'finance2', currency: 'EUR' })
    expect((await fin.get<{ items: ApportionmentRule[] }>('/finance/rules')).body.items).toHaveLength(2)
  })

  it('6.4 c: finance records a budget per service and period by cost category; someone other than its author approves it #6.4-2', async () => {
    // when someone outside finance tries, or the auditor
    expect((await (await h.as('desk')).post('/finance/budgets', budget())).status).toBe(403)
    expect((await (await h.as('auditor')).post('/finance/budgets', budget())).status).toBe(403)
    // and when the money is not decimal with two places, or a float
    expect((await (await h.as('finance')).post('/finance/budgets', budget({ lines: [{ category: 'personnel', amount: '1.005' }] }))).status).toBe(400)
    expect((await (await h.as('finance')).post('/finance/budgets', budget({ lines: [{ category: 'personnel', amount: 1000 }] }))).status).toBe(400)
    expect((await (await h.as('finance')).post('/finance/budgets', budget({ currency: 'euro' }))).status).toBe(400)
    // or a category twice
    const twice = await (await h.as('finance')).post<Problem>('/finance/budgets', budget({ lines: [{ category: 'personnel', amount: '1' }, { category: 'personnel', amount: '2' }] }))
    expect(twice.status).toBe(422)
    // then; when finance records it
    const created = await (await h.as('finance')).post<Budget>('/finance/budgets', budget())
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.body).toMatchObject({ status: 'draft', total: '3000.30', quarter: null, period: { from: `${year}-01-01`, to: `${year + 1}-01-01` }, createdBy: 'finance' })
    budgetId = created.body.id
    // a second budget of the same period, or a quarter of a year budgeted whole, is refused
    expect((await (await h.as('finance')).post('/finance/budgets', budget())).status).toBe(409)
    expect((await (await h.as('finance')).post('/finance/budgets', budget({ quarter: 2 }))).status).toBe(409)
    // the draft is changed while it is one
    const changed = await (await h.as('finance')).patch<Budget>(`/finance/budgets/${budgetId}`, { version: 1, notes: 'Payroll team and its software' })
    expect(changed.status).toBe(200)
    // when the author approves their own budget
    const own = await (await h.as('finance')).post<Problem>(`/finance/budgets/${budgetId}/approve`, { version: 2 })
    expect(own.status).toBe(403)
    expect(own.body.detail).toContain('someone else approves it')
    // a stale version, then the second finance user approves it
    expect((await (await h.as('finance2')).post(`/finance/budgets/${budgetId}/approve`, { version: 1 })).status).toBe(409)
    const approved = await (await h.as('finance2')).post<Budget>(`/finance/budgets/${budgetId}/approve`, { version: 2 })
    expect(approved.status).toBe(200)
    expect(approved.body).toMatchObject({ status: 'approved', approvedBy: 'finance2', version: 3 })
    // and an approved budget is fixed
    expect((await (await h.as('finance')).patch(`/finance/budgets/${budgetId}`, { version: 3, notes: 'x' })).status).toBe(409)
    expect((await h.trail({ entityId: budgetId })).map((e) => e.action)).toEqual(['budget.created', 'budget.updated', 'budget.approved'])
  })

  it('6.4 b: an indirect cost is apportioned to the services by its rule, to the cent #6.4-2', async () => {
    const fin = await h.as('finance')
    expect((await fin.post('/finance/rules', { name: 'x', basis: 'y', shares: [{ serviceId: payroll, weight: '0' }] })).status).toBe(422)
    const created = await fin.post<ApportionmentRule>('/finance/rules', {
      name: 'Office space by desks',
      basis: 'Desks each service team uses',
      shares: [
        { serviceId: payroll, weight: '1' },
        { serviceId: printing, weight: '2' },
      ],
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    rule = created.body
    expect(rule.shares.map((s) => s.percent)).toEqual(['33.33', '66.67'])
    // when 100.00 of facilities is recorded against the rule
    const rec = await fin.post<{ stored: number; costs: CostEntry[] }>('/finance/costs', {
      costs: [{ incurredOn: `${year}-02-28`, category: 'facilities', amount: '100.00', currency: 'EUR', ruleId: rule.id, behaviour: 'fixed' }],
    })
    expect(rec.status, JSON.stringify(rec.body)).toBe(201)
    expect(rec.body.costs[0]).toMatchObject({ allocation: 'indirect', amount: '100.00', serviceId: null, ruleId: rule.id, source: 'api' })
    // then Payroll carries 33.33 and Printing (no budget) 66.67: nothing lost to rounding
    const s = await statementOf(budgetId)
    expect(s).toMatchObject({ indirect: '33.33', direct: '0.00', actual: '33.33' })
    expect((await statements()).unbudgeted).toContainEqual(expect.objectContaining({ serviceId: printing, currency: 'EUR', actual: '66.67' }))
  })

  it('6.4: a CSV file with a bad row is refused with an error per row and nothing is stored #6.4-3', async () => {
    const before = (await (await h.as('auditor')).get<{ items: CostEntry[] }>(`/finance/costs?serviceId=${payroll}`)).body.items.length
    const csv = [
      'incurredOn,category,amount,currency,serviceId,ruleId,description',
      `${year}-03-31,personnel,500.10,EUR,${payroll},,March payroll team`,
      `${year}-03-31,salaries,1,EUR,${payroll},,`,
      `${year}-02-30,personnel,1,EUR,${payroll},,`,
      `${year}-03-31,software,12.345,EUR,${payroll},,`,
      `${year}-03-31,software,1,EUR,${payroll},${rule.id},both`,
      `${year}-03-31,software,1,EUR,SVC-999999,,`,
    ].join('\n')
    const res = await (await h.as('finance')).post<Problem>('/finance/costs/import', { csv })
    expect(res.status).toBe(422)
    expect(res.body.detail).toContain('5 bad rows; nothing was stored')
    expect(res.body.errors.map((e) => e.path)).toEqual(['/csv/row/3', '/csv/row/4', '/csv/row/5', '/csv/row/6', '/csv/row/7'])
    expect(res.body.errors[0]!.message).toContain('category "salaries"')
    expect(res.body.errors[1]!.message).toContain(`incurredOn "${year}-02-30"`)
    expect(res.body.errors[2]!.message).toContain('amount "12.345"')
    expect(res.body.errors[3]!.message).toContain('either serviceId')
    expect(res.body.errors[4]!.message).toContain('no service SVC-999999')
    expect((await (await h.as('auditor')).get<{ items: CostEntry[] }>(`/finance/costs?serviceId=${payroll}`)).body.items).toHaveLength(before)
    // a file without the header, or one naming a cost after today, is refused too
    const noHeader = await (await h.as('finance')).post<Problem>('/finance/costs/import', { csv: `${year}-01-01,personnel,1,EUR,${payroll}` })
    expect(noHeader.status).toBe(422)
    expect(noHeader.body.errors[0]!.message).toContain('header')
    // the auditor cannot import
    expect((await (await h.as('auditor')).post('/finance/costs/import', { csv })).status).toBe(403)
  })

  it('6.4: budget against actual in decimal money, with variance and forecast #6.4-3', async () => {
    // when a good file is imported: amounts whose float sum is not exact (0.1 + 0.2)
    const csv = [
      'category,amount,currency,incurredOn,serviceId,behaviour,expense',
      `personnel,0.10,EUR,${year}-03-31,${payroll},fixed,operating`,
      `personnel,0.20,EUR,${year}-04-30,${payroll},fixed,operating`,
      `software,1000.00,EUR,${year}-05-31,${payroll},variable,capital`,
      `software,99.99,USD,${year}-05-31,${payroll},variable,operating`,
    ].join('\r\n')
    const imported = await (await h.as('finance')).post<{ stored: number; total: Record<string, string>; raised: string[] }>('/finance/costs/import', { csv })
    expect(imported.status, JSON.stringify(imported.body)).toBe(201)
    expect(imported.body).toMatchObject({ stored: 4, total: { EUR: '1000.30', USD: '99.99' }, raised: [] })
    // then: the year ended, so the forecast is the actual: 0.30 + 1000.00 + 33.33 = 1033.63
    const s = await statementOf(budgetId)
    expect(s).toMatchObject({ budget: '3000.30', budgetToDate: '3000.30', actual: '1033.63', direct: '1000.30', forecast: '1033.63', forecastVariance: '-1966.67', exceeded: false, openAction: null })
    expect(s.categories).toEqual([
      { category: 'facilities', budget: '0.00', actual: '33.33', forecast: '33.33' },
      { category: 'personnel', budget: '1000.10', actual: '0.30', forecast: '0.30' },
      { category: 'software', budget: '2000.20', actual: '1000.00', forecast: '1000.00' },
    ])
    // the USD cost is not mixed into the EUR budget: it is a cost without a budget in its currency
    expect((await statements()).unbudgeted).toContainEqual(expect.objectContaining({ serviceId: payroll, currency: 'USD', actual: '99.99' }))
    // and half-way through the year (182 of 365 days) the forecast adds the budget still to come
    const mid = await statementOf(budgetId, `&asOf=${year}-07-01`)
    expect(mid.asOf).toBe(`${year}-07-01`)
    const days = Date.UTC(year + 1, 0, 1) / 86_400_000 - Date.UTC(year, 0, 1) / 86_400_000
    const toDate = new Decimal('3000.30').mul(182).div(days).toDecimalPlaces(2)
    expect(mid.budgetToDate).toBe(toDate.toFixed(2))
    // only the costs incurred by then count: 33.33 + 0.30 + 1000.00
    expect(mid.actual).toBe('1033.63')
    expect(mid.variance).toBe(new Decimal('1033.63').minus(toDate).toFixed(2))
    expect(mid.forecast).toBe(
      ['0.00', '1000.10', '2000.20']
        .map((b) => new Decimal(b).mul(days - 182).div(days).toDecimalPlaces(2))
        .reduce((a, b) => a.plus(b), new Decimal('1033.63'))
        .toFixed(2),
    )
  })

  it('6.4: a forecast over the threshold raises an improvement, once while it is open #6.4-3', async () => {
    // when costs bring the year to 3000.30 × 1.05 + more
    const over = await (await h.as('finance')).post<{ raised: string[] }>('/finance/costs', {
      costs: [{ incurredOn: `${year}-11-30`, category: 'software', amount: '2200.00', currency: 'EUR', serviceId: payroll, expense: 'capital', behaviour: 'fixed', description: 'Payroll upgrade licences' }],
    })
    expect(over.status, JSON.stringify(over.body)).toBe(201)
    // then an improvement was raised on the service
    expect(over.body.raised).toHaveLength(1)
    const improvement = await h.cases.findCase('improvement', over.body.raised[0]!)
    expect(improvement).toMatchObject({ serviceId: payroll })
    expect(improvement?.title).toContain(`Budget ${budgetId} of Payroll ${year}: forecast 3233.63 EUR against a budget of 3000.30 EUR (7.78% over; threshold 5.00%)`)
    const s = await statementOf(budgetId)
    expect(s).toMatchObject({ exceeded: true, openAction: improvement!.id, forecastVariancePercent: '7.78' })
    // and a further cost while it is open raises nothing more
    const again = await (await h.as('finance')).post<{ raised: string[] }>('/finance/costs', {
      costs: [{ incurredOn: `${year}-12-31`, category: 'personnel', amount: '10', currency: 'EUR', serviceId: payroll }],
    })
    expect(again.body.raised).toEqual([])
    expect((await h.trail({ entityId: budgetId })).map((e) => e.action)).toContain('budget.variance-raised')
    await h.server.zeebe.cancelProcessInstance(await h.instanceOf('improvement', improvement!.id))
  })

  it('6.4, 7.2: supplier contract costs are linked, and a contract not covering the service is refused #6.4-3', async () => {
    const contracts = await h.database.db.selectFrom('contracts').select(['id', 'title']).execute()
    const wan = contracts.find((c) => c.title === 'WAN and internet access')!.id
    const hosting = contracts.find((c) => c.title.startsWith('Data centre hosting'))!.id
    const fin = await h.as('finance')
    const wrong = await fin.post<Problem>('/finance/costs', {
      costs: [{ incurredOn: `${year}-06-30`, category: 'external-services', amount: '10', currency: 'EUR', serviceId: network, contractId: hosting }],
    })
    expect(wrong.status).toBe(422)
    expect(wrong.body.errors[0]!.message).toContain(`does not cover service ${network}`)
    const ok = await fin.post('/finance/costs', {
      costs: [{ incurredOn: `${year}-06-30`, category: 'external-services', amount: '4999.99', currency: 'EUR', serviceId: network, contractId: wan }],
    })
    expect(ok.status).toBe(201)
    const items = (await (await h.as('auditor')).get<{ items: { contractId: string; supplierName: string; total: string; entries: number }[] }>(`/finance/contract-costs?year=${year}`)).body.items
    expect(items).toEqual([expect.objectContaining({ contractId: wan, supplierName: 'Northwind Networks', total: '4999.99', entries: 1 })])
  })

  it('6.4, 6.2: the cost of an incident is recorded and the service report shows costs against budget #6.4-3', async () => {
    // given an incident on Payroll whose cost is booked to it
    const incident = await h.open('incident', { title: 'Payroll run failed', serviceId: payroll, data: { description: 'Payroll run failed', impact: 3, urgency: 3 } })
    await h.server.zeebe.cancelProcessInstance(incident.instance)
    const booked = await (await h.as('finance')).post('/finance/costs', {
      costs: [{ incurredOn: `${year}-12-31`, category: 'personnel', amount: '250.00', currency: 'EUR', serviceId: payroll, caseId: incident.id, description: 'Overtime to rerun payroll' }],
    })
    expect(booked.status, JSON.stringify(booked.body)).toBe(201)
    // a case id that is neither a change nor an incident is refused
    const notACase = await (await h.as('finance')).post<Problem>('/finance/costs', {
      costs: [{ incurredOn: `${year}-12-31`, category: 'personnel', amount: '1', currency: 'EUR', serviceId: payroll, caseId: 'CHG-999999' }],
    })
    expect(notACase.status).toBe(422)
    // when a report of the year with the costs section runs
    const owner = await h.as('owner')
    const def = await owner.post<{ id: string }>('/reports/definitions', {
      name: `Costs ${year}`,
      audience: 'Top management',
      sections: ['costs'],
      period: { kind: 'fixed', from: `${year}-01-01T00:00:00.000Z`, to: `${year + 1}-01-01T00:00:00.000Z` },
      granularity: 'month',
      schedule: 'none',
    })
    expect(def.status, JSON.stringify(def.body)).toBe(201)
    const run = await owner.post<{ content: { sections: { id: string; clause: string; rows: Record<string, unknown>[] }[] } }>(`/reports/definitions/${def.body.id}/run`, {})
    expect(run.status).toBe(201)
    const section = run.body.content.sections.find((x) => x.id === 'costs')!
    expect(section.clause).toBe('6.4')
    // then Payroll's line holds the whole budget, its direct and apportioned costs and the incident's cost
    const s = await statementOf(budgetId)
    expect(section.rows.find((r) => r.service === 'Payroll' && r.currency === 'EUR')).toEqual({
      service: 'Payroll',
      currency: 'EUR',
      budget: '3000.30',
      direct: s.direct,
      indirect: '33.33',
      actual: s.actual,
      variance: new Decimal(s.actual).minus('3000.30').toFixed(2),
      variancePercent: new Decimal(s.actual).minus('3000.30').div('3000.30').mul(100).toFixed(2),
      ofChangesAndIncidents: '250.00',
    })
    expect(section.rows.find((r) => r.service === 'Printing')).toMatchObject({ budget: '0.00', indirect: '66.67', variancePercent: null })
  })

  it('6.4: approving a budget already exceeded raises an RFC when that is its action #6.4-3', async () => {
    // given Printing's costs of the year (66.67 apportioned) and a budget of 50.00 with no tolerance
    const draft = await (await h.as('finance2')).post<Budget>('/finance/budgets', budget({ serviceId: printing, lines: [{ category: 'facilities', amount: '50.00' }], varianceThresholdPercent: '0', breachAction: 'change' }))
    expect(draft.status, JSON.stringify(draft.body)).toBe(201)
    // when the other finance user approves it
    const approved = await (await h.as('finance')).post<Budget>(`/finance/budgets/${draft.body.id}/approve`, { version: 1 })
    expect(approved.body).toMatchObject({ status: 'approved', approvedBy: 'finance', createdBy: 'finance2' })
    // then an RFC on Printing was raised at once
    const s = await statementOf(draft.body.id)
    expect(s).toMatchObject({ exceeded: true, forecastVariancePercent: '33.34', breachAction: 'change' })
    const change = await h.cases.findCase('change', s.openAction!)
    expect(change).toMatchObject({ serviceId: printing })
    expect(change?.title).toContain(`Budget ${draft.body.id} of Printing`)
    await h.server.zeebe.cancelProcessInstance(await h.instanceOf('change', change!.id))
  })

  it('6.4: auditors read only, service owners read their services, others nothing', async () => {
    // the auditor reads everything and writes nothing
    const auditor = await h.as('auditor')
    expect((await auditor.get<{ items: Budget[] }>(`/finance/budgets?year=${year}`)).body.items.map((b) => b.id)).toContain(budgetId)
    expect((await auditor.post(`/finance/budgets/${budgetId}/approve`, { version: 3 })).status).toBe(403)
    expect((await auditor.post('/finance/rules', { name: 'x', basis: 'y', shares: [{ serviceId: payroll, weight: '1' }] })).status).toBe(403)
    // the network group owns Payroll (and Network): it reads those budgets and costs only
    const owner = await h.as('network')
    const own = await owner.get<Statements>(`/finance/budget-vs-actual?year=${year}`)
    expect(own.status).toBe(200)
    expect(new Set(own.body.items.map((s) => s.serviceId))).toEqual(new Set([payroll]))
    expect(own.body.unbudgeted.map((u) => u.serviceId)).not.toContain(printing)
    expect((await owner.get(`/finance/budgets/${budgetId}`)).status).toBe(200)
    expect((await owner.post('/finance/costs', { costs: [{ incurredOn: `${year}-01-31`, category: 'personnel', amount: '1', currency: 'EUR', serviceId: payroll }] })).status).toBe(403)
    // the service desk owns Printing, not Payroll
    expect((await (await h.as('desk')).get(`/finance/budgets/${budgetId}`)).status).toBe(404)
    // the change manager owns no service; customers see nothing
    expect((await (await h.as('change')).get('/finance/budgets')).status).toBe(403)
    expect((await (await h.as('customer')).get(`/finance/budget-vs-actual?year=${year}`)).status).toBe(403)
  })
})
