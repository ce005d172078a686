/**
 * Budgeting and accounting for services (ISO/IEC 20000-1 6.4): budgets per service and period
 * with an amount per cost category, approved by someone other than their author (6.4 c);
 * apportionment rules for indirect costs (6.4 b); actual costs recorded over the API or imported
 * as CSV (all rows or none), direct or indirect, fixed or variable, capital or operating, of a
 * supplier contract (7.2) or of a change or incident; the budget against the actuals with the
 * variance and the forecast; and a forecast exceeding an approved budget by more than its
 * threshold raises an improvement or an RFC (unless one it raised is still open). Every write is
 * one transaction with its evidence entry (4.3.3).
 */
import Decimal from 'decimal.js'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { iso } from '../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { ConflictError, ForbiddenError, NotFoundError } from '../errors'
import { nextReference } from '../cases/references'
import { systemActor, type Actor } from '../cases/access'
import type { CaseService } from '../cases'
import { UnprocessableError } from '../cases/change-control'
import { readableServices, requireFinanceReader, requireFinanceWriter } from './access'
import { budgetsOf, serviceNamesOf, type BudgetRow } from './budget-rows'
import { money, statement } from './accounting'
import { serviceCostsOf, type ServiceCostRow } from './service-costs'
import { checkRows, problemsOf, readCostsCsv, referencesOf, type KnownIds } from './csv'
import {
  BudgetStatus,
  periodOf,
  type ApportionmentRule,
  type Budget,
  type BudgetInput,
  type BudgetPatch,
  type BudgetStatement,
  type CostCategory,
  type CostEntry,
  type CostInput,
  type CostSource,
  type RuleInput,
} from './finance-model'

const day = (d: Date) => d.toISOString().slice(0, 10)
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`

export class FinanceService {
  constructor(
    private readonly deps: {
      db: Kysely<DB>
      audit: AuditSink
      cases: CaseService
      now: () => Date
    },
  ) {}

  private today() {
    return day(this.deps.now())
  }

  // --- budgets -------------------------------------------------------------------------------

  private toBudgets(rows: BudgetRow[]): Promise<Budget[]> {
    return budgetsOf(this.deps.db, rows)
  }

  private serviceNames() {
    return serviceNamesOf(this.deps.db)
  }

  private async budgetRow(id: string): Promise<BudgetRow> {
    const r = await this.deps.db
      .selectFrom('budgets')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!r) throw new NotFoundError(`No budget ${id}.`)
    return r
  }

  /** The budgets the actor may read, of a year and/or a service. */
  async listBudgets(actor: Actor, q: { year?: number; serviceId?: string } = {}) {
    const scope = await requireFinanceReader(this.deps.db, actor)
    let query = this.deps.db.selectFrom('budgets').selectAll()
    if (q.year) query = query.where('fiscal_year', '=', q.year)
    if (q.serviceId) query = query.where('service_id', '=', q.serviceId)
    if (scope !== 'all') query = query.where('service_id', 'in', [...scope])
    const rows = await query
      .orderBy('fiscal_year', 'desc')
      .orderBy('service_id')
      .orderBy('quarter')
      .execute()
    return this.toBudgets(rows)
  }

  async getBudget(id: string, actor: Actor): Promise<Budget> {
    const scope = await requireFinanceReader(this.deps.db, actor)
    const row = await this.budgetRow(id)
    if (scope !== 'all' && !scope.has(row.service_id)) throw new NotFoundError(`No budget ${id}.`)
    return (await this.toBudgets([row]))[0]!
  }

  private checkLines(lines: BudgetInput['lines']) {
    const seen = new Set<string>()
    for (const l of lines) {
      if (seen.has(l.category))
        throw new UnprocessableError(`Cost category ${l.category} appears twice in the budget.`)
      seen.add(l.category)
    }
  }

  async createBudget(input: BudgetInput, actor: Actor): Promise<Budget> {
    requireFinanceWriter(actor, 'Recording a budget')
    this.checkLines(input.lines)
    const service = await this.deps.db
      .selectFrom('services')
      .select('id')
      .where('id', '=', input.serviceId)
      .executeTakeFirst()
    if (!service) throw new UnprocessableError(`No service ${input.serviceId}.`)
    const quarter = input.quarter ?? null
    // a year is budgeted as a whole or by quarters, not both (the figures would count twice)
    const clash = await this.deps.db
      .selectFrom('budgets')
      .select(['id', 'quarter', 'status'])
      .where('service_id', '=', input.serviceId)
      .where('fiscal_year', '=', input.fiscalYear)
      .where('currency', '=', input.currency)
      .where('status', 'not in', [BudgetStatus.Rejected, BudgetStatus.Superseded])
      .execute()
    // a revision names the approved budget of the period it is to supersede (budget-approval.bpmn)
    const revised = clash.find((c) => c.id === input.revises && c.status === BudgetStatus.Approved)
    if (input.revises && (!revised || revised.quarter !== quarter))
      throw new UnprocessableError(
        `${input.revises} is no approved budget of ${input.serviceId} for this period in ${input.currency}.`,
      )
    const same = clash.find((c) => c.quarter === quarter && c.id !== revised?.id)
    if (same)
      throw new ConflictError(
        `${input.serviceId} already has budget ${same.id} for this period in ${input.currency}.`,
      )
    const mixed = clash.find((c) => (c.quarter === null) !== (quarter === null))
    if (mixed)
      throw new ConflictError(
        `${input.fiscalYear} of ${input.serviceId} is budgeted ${quarter === null ? 'by quarters' : 'as a whole year'} (${mixed.id}); budget it the same way.`,
      )
    const id = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const id = await nextReference(tx, 'BUD')
      const now = this.deps.now()
      const row = await tx
        .insertInto('budgets')
        .values({
          id,
          service_id: input.serviceId,
          fiscal_year: input.fiscalYear,
          quarter,
          currency: input.currency,
          variance_threshold_percent: input.varianceThresholdPercent,
          breach_action: input.breachAction,
          notes: input.notes ?? '',
          revises: input.revises ?? null,
          status: BudgetStatus.Draft,
          created_by: actor.username,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      if (input.lines.length) {
        await tx
          .insertInto('budget_lines')
          .values(
            input.lines.map((l) => ({ budget_id: id, category: l.category, amount: l.amount })),
          )
          .execute()
      }
      return {
        result: id,
        evidence: {
          actor: actor.username,
          action: 'budget.created',
          entityType: 'budget',
          entityId: id,
          after: { ...row, lines: input.lines },
        },
      }
    })
    return this.getBudget(id, actor)
  }

  /** Changes a draft budget (`version` as read); an approved one is fixed (409). */
  async updateBudget(id: string, patch: BudgetPatch, actor: Actor): Promise<Budget> {
    requireFinanceWriter(actor, 'Changing a budget')
    const before = await this.getBudget(id, actor)
    if (before.status !== BudgetStatus.Draft)
      throw new ConflictError(`${id} is approved; an approved budget is not changed.`)
    if (patch.lines) this.checkLines(patch.lines)
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const after = await tx
        .updateTable('budgets')
        .set({
          ...(patch.varianceThresholdPercent !== undefined
            ? { variance_threshold_percent: patch.varianceThresholdPercent }
            : {}),
          ...(patch.breachAction !== undefined ? { breach_action: patch.breachAction } : {}),
          ...(patch.notes !== undefined ? { notes: patch.notes } : {}),
          version: before.version + 1,
          updated_at: this.deps.now(),
        })
        .where('id', '=', id)
        .where('version', '=', patch.version)
        .where('status', '=', BudgetStatus.Draft)
        .returningAll()
        .executeTakeFirst()
      if (!after)
        throw new ConflictError(`${id} changed meanwhile (version ${before.version}); reload it.`)
      if (patch.lines) {
        await tx.deleteFrom('budget_lines').where('budget_id', '=', id).execute()
        if (patch.lines.length) {
          await tx
            .insertInto('budget_lines')
            .values(
              patch.lines.map((l) => ({ budget_id: id, category: l.category, amount: l.amount })),
            )
            .execute()
        }
      }
      return {
        result: null,
        evidence: {
          actor: actor.username,
          action: 'budget.updated',
          entityType: 'budget',
          entityId: id,
          before,
          after: { ...after, lines: patch.lines ?? before.lines },
        },
      }
    })
    return this.getBudget(id, actor)
  }

  /**
   * 6.4 c: approves a draft budget. The approver is a finance writer other than the budget's
   * author (403 for the author). Checks the variance at once.
   */
  async approveBudget(id: string, version: number, actor: Actor): Promise<Budget> {
    requireFinanceWriter(actor, 'Approving a budget')
    const before = await this.budgetRow(id)
    if (before.created_by === actor.username)
      throw new ForbiddenError(
        `${id} was written by ${actor.username}; someone else approves it (6.4 financial control).`,
      )
    if (before.status !== BudgetStatus.Draft || before.process_instance_key)
      throw new ConflictError(
        `${id} is ${before.status} in its approval procedure (budget-approval).`,
      )
    const lines = await this.deps.db
      .selectFrom('budget_lines')
      .select('category')
      .where('budget_id', '=', id)
      .execute()
    if (!lines.length) throw new UnprocessableError(`${id} has no amounts to approve.`)
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const now = this.deps.now()
      const after = await tx
        .updateTable('budgets')
        .set({
          status: BudgetStatus.Approved,
          approved_by: actor.username,
          approved_at: now,
          updated_at: now,
          version: before.version + 1,
        })
        .where('id', '=', id)
        .where('version', '=', version)
        .where('status', '=', BudgetStatus.Draft)
        .returningAll()
        .executeTakeFirst()
      if (!after)
        throw new ConflictError(`${id} changed meanwhile (version ${before.version}); reload it.`)
      return {
        result: null,
        evidence: {
          actor: actor.username,
          action: 'budget.approved',
          entityType: 'budget',
          entityId: id,
          before,
          after,
        },
      }
    })
    await this.checkVariances([id])
    return this.getBudget(id, actor)
  }

  // --- apportionment rules -------------------------------------------------------------------

  async listRules(actor: Actor): Promise<ApportionmentRule[]> {
    await requireFinanceReader(this.deps.db, actor)
    const rules = await this.deps.db
      .selectFrom('apportionment_rules')
      .selectAll()
      .orderBy('id')
      .execute()
    const shares = await this.deps.db
      .selectFrom('apportionment_shares')
      .select(['rule_id', 'service_id', sql<string>`weight::text`.as('weight')])
      .orderBy('service_id')
      .execute()
    const names = await this.serviceNames()
    return rules.map((r) => {
      const own = shares.filter((s) => s.rule_id === r.id)
      const sum = own.reduce((a, s) => a.plus(s.weight), new Decimal(0))
      return {
        id: r.id,
        name: r.name,
        basis: r.basis,
        shares: own.map((s) => ({
          serviceId: s.service_id,
          serviceName: names.get(s.service_id) ?? s.service_id,
          weight: new Decimal(s.weight).toString(),
          percent: sum.isZero() ? '0.00' : new Decimal(s.weight).div(sum).mul(100).toFixed(2),
        })),
        version: r.version,
      }
    })
  }

  private async checkShares(shares: RuleInput['shares']) {
    const ids = shares.map((s) => s.serviceId)
    if (new Set(ids).size !== ids.length)
      throw new UnprocessableError('A service appears twice in the apportionment rule.')
    if (shares.every((s) => new Decimal(s.weight).isZero()))
      throw new UnprocessableError('At least one service needs a weight above 0.')
    const found = await this.deps.db
      .selectFrom('services')
      .select('id')
      .where('id', 'in', ids)
      .execute()
    const missing = ids.filter((id) => !found.some((f) => f.id === id))
    if (missing.length) throw new UnprocessableError(`No service ${missing.join(', ')}.`)
  }

  async createRule(input: RuleInput, actor: Actor): Promise<ApportionmentRule> {
    requireFinanceWriter(actor, 'Recording an apportionment rule')
    await this.checkShares(input.shares)
    const id = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const id = await nextReference(tx, 'APR')
      const now = this.deps.now()
      const row = await tx
        .insertInto('apportionment_rules')
        .values({
          id,
          name: input.name,
          basis: input.basis,
          created_by: actor.username,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await tx
        .insertInto('apportionment_shares')
        .values(
          input.shares.map((s) => ({ rule_id: id, service_id: s.serviceId, weight: s.weight })),
        )
        .execute()
      return {
        result: id,
        evidence: {
          actor: actor.username,
          action: 'apportionment-rule.created',
          entityType: 'apportionment-rule',
          entityId: id,
          after: { ...row, shares: input.shares },
        },
      }
    })
    return (await this.listRules(actor)).find((r) => r.id === id)!
  }

  /**
   * Changes a rule's weights (`version` as read). Indirect costs are apportioned by the rule as
   * it stands when the figures are computed; the evidence keeps every earlier version.
   */
  async updateRule(id: string, input: Partial<RuleInput> & { version: number }, actor: Actor) {
    requireFinanceWriter(actor, 'Changing an apportionment rule')
    const before = (await this.listRules(actor)).find((r) => r.id === id)
    if (!before) throw new NotFoundError(`No apportionment rule ${id}.`)
    if (input.shares) await this.checkShares(input.shares)
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const after = await tx
        .updateTable('apportionment_rules')
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.basis !== undefined ? { basis: input.basis } : {}),
          version: before.version + 1,
          updated_at: this.deps.now(),
        })
        .where('id', '=', id)
        .where('version', '=', input.version)
        .returningAll()
        .executeTakeFirst()
      if (!after)
        throw new ConflictError(`${id} changed meanwhile (version ${before.version}); reload it.`)
      if (input.shares) {
        await tx.deleteFrom('apportionment_shares').where('rule_id', '=', id).execute()
        await tx
          .insertInto('apportionment_shares')
          .values(
            input.shares.map((s) => ({ rule_id: id, service_id: s.serviceId, weight: s.weight })),
          )
          .execute()
      }
      return {
        result: null,
        evidence: {
          actor: actor.username,
          action: 'apportionment-rule.updated',
          entityType: 'apportionment-rule',
          entityId: id,
          before,
          after: { ...after, shares: input.shares ?? before.shares },
        },
      }
    })
    return (await this.listRules(actor)).find((r) => r.id === id)!
  }

  // --- costs -----------------------------------------------------------------------------------

  private costQuery() {
    return this.deps.db
      .selectFrom('cost_entries')
      .select([
        'id',
        sql<string>`to_char(incurred_on, 'YYYY-MM-DD')`.as('incurred_on'),
        'category',
        sql<string>`amount::text`.as('amount'),
        'currency',
        'allocation',
        'service_id',
        'rule_id',
        'behaviour',
        'expense',
        'contract_id',
        'case_id',
        'description',
        'source',
        'recorded_by',
        'recorded_at',
      ])
  }

  private toCost(
    r: Awaited<ReturnType<ReturnType<FinanceService['costQuery']>['execute']>>[number],
  ): CostEntry {
    return {
      id: r.id,
      incurredOn: r.incurred_on,
      category: r.category as CostCategory,
      amount: money(r.amount),
      currency: r.currency,
      allocation: r.allocation as CostEntry['allocation'],
      serviceId: r.service_id,
      ruleId: r.rule_id,
      behaviour: r.behaviour as CostEntry['behaviour'],
      expense: r.expense as CostEntry['expense'],
      contractId: r.contract_id,
      caseId: r.case_id,
      description: r.description,
      source: r.source as CostSource,
      recordedBy: r.recorded_by,
      recordedAt: iso(r.recorded_at),
    }
  }

  /**
   * Costs of `[from, to)` (YYYY-MM-DD), newest first. Service owners see the direct costs of
   * their services (indirect ones reach them as their share in the statements).
   */
  async listCosts(
    actor: Actor,
    q: { from?: string; to?: string; serviceId?: string; limit?: number },
  ) {
    const scope = await requireFinanceReader(this.deps.db, actor)
    let query = this.costQuery()
    if (q.from) query = query.where('incurred_on', '>=', q.from)
    if (q.to) query = query.where('incurred_on', '<', q.to)
    if (q.serviceId) query = query.where('service_id', '=', q.serviceId)
    if (scope !== 'all') query = query.where('service_id', 'in', [...scope])
    const rows = await query
      .orderBy('incurred_on', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit ?? 500)
      .execute()
    return rows.map((r) => this.toCost(r))
  }

  private async known(costs: readonly CostInput[]): Promise<KnownIds> {
    const refs = referencesOf(costs)
    const db = this.deps.db
    const services = refs.services.length
      ? await db.selectFrom('services').select('id').where('id', 'in', refs.services).execute()
      : []
    const rules = refs.rules.length
      ? await db
          .selectFrom('apportionment_rules')
          .select('id')
          .where('id', 'in', refs.rules)
          .execute()
      : []
    const contracts = refs.contracts.length
      ? await db
          .selectFrom('contracts')
          .select(['id', 'data'])
          .where('id', 'in', refs.contracts)
          .execute()
      : []
    const cases = refs.cases.length
      ? await db
          .selectFrom('cases')
          .select('id')
          .where('id', 'in', refs.cases)
          .where('kind', 'in', ['change', 'incident'])
          .execute()
      : []
    const coveredBy = (data: unknown) => {
      const d = (typeof data === 'string' ? JSON.parse(data) : data) as { services?: unknown }
      return Array.isArray(d?.services) ? d.services.map(String) : null
    }
    return {
      services: new Set(services.map((s) => s.id)),
      rules: new Set(rules.map((r) => r.id)),
      contracts: new Map(contracts.map((c) => [c.id, coveredBy(c.data)])),
      cases: new Set(cases.map((c) => c.id)),
      today: this.today(),
    }
  }

  /** Records costs over the API (one or many; any bad one refuses all, 422 with one error each). */
  async recordCosts(costs: CostInput[], actor: Actor) {
    requireFinanceWriter(actor, 'Recording costs')
    const known = await this.known(costs)
    const errors = costs.flatMap((c, i) =>
      problemsOf(c, known).map((message) => ({ path: `/costs/${i}`, message })),
    )
    if (errors.length)
      throw new UnprocessableError(
        `The costs were not recorded: ${plural(errors.length, 'problem')}; nothing was stored.`,
        errors,
      )
    return this.store(costs, 'api', actor)
  }

  /**
   * Imports a CSV file of costs: any bad row refuses the file with one error per row (422) and
   * nothing is stored.
   */
  async importCsv(csv: string, actor: Actor) {
    requireFinanceWriter(actor, 'Importing costs')
    const read = readCostsCsv(csv)
    const known = await this.known(read.rows.map((r) => r.cost))
    const errors = [...read.errors, ...checkRows(read.rows, known)].sort(
      (a, b) => rowOf(a.path) - rowOf(b.path),
    )
    if (errors.length) {
      throw new UnprocessableError(
        `The file was not imported: ${plural(errors.length, 'bad row')}; nothing was stored.`,
        errors,
      )
    }
    return this.store(
      read.rows.map((r) => r.cost),
      'csv',
      actor,
    )
  }

  private async store(costs: CostInput[], source: CostSource, actor: Actor) {
    const stored = await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      const ids: string[] = []
      const now = this.deps.now()
      for (const c of costs) {
        const id = await nextReference(tx, 'CST')
        await tx
          .insertInto('cost_entries')
          .values({
            id,
            incurred_on: c.incurredOn,
            category: c.category,
            amount: c.amount,
            currency: c.currency,
            allocation: c.serviceId ? 'direct' : 'indirect',
            service_id: c.serviceId ?? null,
            rule_id: c.ruleId ?? null,
            behaviour: c.behaviour ?? 'variable',
            expense: c.expense ?? 'operating',
            contract_id: c.contractId ?? null,
            case_id: c.caseId ?? null,
            description: c.description ?? '',
            source,
            recorded_by: actor.username,
            recorded_at: now,
          })
          .execute()
        ids.push(id)
      }
      return {
        result: ids,
        evidence: {
          actor: actor.username,
          action: 'costs.recorded',
          entityType: 'cost-entry',
          entityId: ids.length > 20 ? `${ids[0]}..${ids.at(-1)}` : ids.join(','),
          after: { source, count: ids.length, costs: costs.map((c, i) => ({ id: ids[i], ...c })) },
        },
      }
    })
    const rows = await this.costQuery().where('id', 'in', stored).orderBy('id').execute()
    const entries = rows.map((r) => this.toCost(r))
    const raised = await this.checkVariances(await this.budgetsTouchedBy(entries))
    return { stored: entries.length, costs: entries, total: totalsByCurrency(entries), raised }
  }

  /** The approved budgets whose service and period a cost counts for. */
  private async budgetsTouchedBy(entries: CostEntry[]): Promise<string[]> {
    const ruleIds = [...new Set(entries.flatMap((e) => (e.ruleId ? [e.ruleId] : [])))]
    const shares = ruleIds.length
      ? await this.deps.db
          .selectFrom('apportionment_shares')
          .select(['rule_id', 'service_id'])
          .where('rule_id', 'in', ruleIds)
          .execute()
      : []
    const budgets = await this.deps.db
      .selectFrom('budgets')
      .select(['id', 'service_id', 'fiscal_year', 'quarter', 'currency'])
      .where('status', '=', BudgetStatus.Approved)
      .execute()
    return budgets
      .filter((b) => {
        const p = periodOf(b.fiscal_year, b.quarter)
        return entries.some(
          (e) =>
            e.currency === b.currency &&
            e.incurredOn >= p.from &&
            e.incurredOn < p.to &&
            (e.serviceId === b.service_id ||
              shares.some((s) => s.rule_id === e.ruleId && s.service_id === b.service_id)),
        )
      })
      .map((b) => b.id)
  }

  // --- budget against actual ----------------------------------------------------------------

  /**
   * Every service's costs of `[from, to)` as they count for it: direct costs whole, indirect
   * ones apportioned to the cent by their rule's current weights (6.4 b).
   */
  serviceCosts(from: string, to: string): Promise<Map<string, ServiceCostRow[]>> {
    return serviceCostsOf(this.deps.db, from, to)
  }

  private async openActions(budgetIds: string[]): Promise<Map<string, string>> {
    if (!budgetIds.length) return new Map()
    const rows = await this.deps.db
      .selectFrom('budget_variance_actions as a')
      .innerJoin('cases as c', 'c.id', 'a.case_id')
      .select(['a.budget_id', 'a.case_id'])
      .where('a.budget_id', 'in', budgetIds)
      .where('c.closed_at', 'is', null)
      .orderBy('a.id', 'desc')
      .execute()
    const out = new Map<string, string>()
    for (const r of rows) if (!out.has(r.budget_id)) out.set(r.budget_id, r.case_id)
    return out
  }

  /** The statements of budget rows as of a day. */
  private async statementsOf(rows: BudgetRow[], asOf: string): Promise<BudgetStatement[]> {
    if (!rows.length) return []
    const budgets = await this.toBudgets(rows)
    const from = budgets.map((b) => b.period.from).sort()[0]!
    const to = budgets
      .map((b) => b.period.to)
      .sort()
      .at(-1)!
    const costs = await this.serviceCosts(from, to)
    const open = await this.openActions(budgets.map((b) => b.id))
    return budgets.map((b) =>
      statement({
        budgetId: b.id,
        serviceId: b.serviceId,
        serviceName: b.serviceName,
        fiscalYear: b.fiscalYear,
        quarter: b.quarter,
        period: b.period,
        currency: b.currency,
        status: b.status,
        lines: b.lines,
        thresholdPercent: b.varianceThresholdPercent,
        breachAction: b.breachAction,
        openAction: open.get(b.id) ?? null,
        costs: (costs.get(b.serviceId) ?? []).filter(
          (c) =>
            c.currency === b.currency &&
            c.incurredOn >= b.period.from &&
            c.incurredOn < b.period.to &&
            c.incurredOn <= asOf,
        ),
        asOf,
      }),
    )
  }

  /**
   * 6.4: each budget of the year (optionally one quarter, one service) against the actual costs
   * of its period as of `asOf` (default today), with variance and forecast; and the costs of
   * services (or currencies) without a budget for the year.
   */
  async budgetVsActual(actor: Actor, q: { year: number; serviceId?: string; asOf?: string }) {
    const scope = await requireFinanceReader(this.deps.db, actor)
    let query = this.deps.db
      .selectFrom('budgets')
      .selectAll()
      .where('fiscal_year', '=', q.year)
      .where('status', 'not in', [BudgetStatus.Rejected, BudgetStatus.Superseded])
    if (q.serviceId) query = query.where('service_id', '=', q.serviceId)
    if (scope !== 'all') query = query.where('service_id', 'in', [...scope])
    const rows = await query.orderBy('service_id').orderBy('quarter').execute()
    const asOf = q.asOf ?? this.today()
    const items = await this.statementsOf(rows, asOf)
    const year = periodOf(q.year, null)
    const costs = await this.serviceCosts(year.from, year.to)
    const names = await this.serviceNames()
    const unbudgeted: {
      serviceId: string
      serviceName: string
      currency: string
      actual: string
    }[] = []
    for (const [serviceId, list] of costs) {
      if (scope !== 'all' && !scope.has(serviceId)) continue
      if (q.serviceId && q.serviceId !== serviceId) continue
      const byCurrency = new Map<string, Decimal>()
      for (const c of list) {
        if (c.incurredOn > asOf) continue
        if (rows.some((b) => b.service_id === serviceId && b.currency === c.currency)) continue
        byCurrency.set(c.currency, (byCurrency.get(c.currency) ?? new Decimal(0)).plus(c.amount))
      }
      for (const [currency, total] of byCurrency)
        unbudgeted.push({
          serviceId,
          serviceName: names.get(serviceId) ?? serviceId,
          currency,
          actual: money(total),
        })
    }
    return { year: q.year, asOf, items, unbudgeted }
  }

  /** 7.2, 6.4: the costs booked against each supplier contract in a year, per currency. */
  async contractCosts(actor: Actor, year: number) {
    const scope = await requireFinanceReader(this.deps.db, actor)
    const p = periodOf(year, null)
    let query = this.deps.db
      .selectFrom('cost_entries as e')
      .innerJoin('contracts as k', 'k.id', 'e.contract_id')
      .innerJoin('suppliers as s', 's.id', 'k.supplier_id')
      .select([
        'k.id as contractId',
        'k.title',
        's.id as supplierId',
        's.name as supplierName',
        'e.currency',
        sql<string>`sum(e.amount)::text`.as('total'),
        sql<number>`count(*)::int`.as('entries'),
      ])
      .where('e.incurred_on', '>=', p.from)
      .where('e.incurred_on', '<', p.to)
    if (scope !== 'all') query = query.where('e.service_id', 'in', [...scope])
    const rows = await query
      .groupBy(['k.id', 'k.title', 's.id', 's.name', 'e.currency'])
      .orderBy('k.id')
      .execute()
    return rows.map((r) => ({ ...r, total: money(r.total) }))
  }

  // --- variance actions -----------------------------------------------------------------------

  /**
   * 6.4: an approved budget whose forecast exceeds it by more than its threshold raises an
   * improvement or an RFC on its service, unless one it raised is still open. Returns the ids
   * raised.
   */
  async checkVariances(budgetIds: string[]): Promise<string[]> {
    if (!budgetIds.length) return []
    const rows = await this.deps.db
      .selectFrom('budgets')
      .selectAll()
      .where('id', 'in', budgetIds)
      .where('status', '=', BudgetStatus.Approved)
      .execute()
    const raised: string[] = []
    for (const s of await this.statementsOf(rows, this.today())) {
      if (!s.exceeded || s.openAction) continue
      raised.push(await this.raise(s))
    }
    return raised
  }

  private async raise(s: BudgetStatement): Promise<string> {
    const period = s.quarter ? `Q${s.quarter} ${s.fiscalYear}` : String(s.fiscalYear)
    const what =
      `forecast ${s.forecast} ${s.currency} against a budget of ${s.budget} ${s.currency} ` +
      `(${s.forecastVariancePercent ?? 'any'}% over; threshold ${s.thresholdPercent}%), actual ${s.actual} as of ${s.asOf}`
    const title = `Budget ${s.budgetId} of ${s.serviceName} ${period}: ${what}`.slice(0, 300)
    const actor = systemActor('budget-variance')
    const created =
      s.breachAction === 'change'
        ? await this.deps.cases.create(
            'change',
            {
              title,
              serviceId: s.serviceId,
              data: {
                scope: `Bring the costs of ${s.serviceName} back within budget ${s.budgetId}: ${what}`,
                reason: 'Budget variance threshold exceeded (6.4)',
              },
            },
            actor,
          )
        : await this.deps.cases.create(
            'improvement',
            {
              title,
              serviceId: s.serviceId,
              data: {
                source: 'staff',
                description: `Budget variance threshold exceeded (6.4): ${what}`,
              },
            },
            actor,
          )
    await writeWithEvidence(this.deps.db, this.deps.audit, async (tx) => {
      await tx
        .insertInto('budget_variance_actions')
        .values({
          budget_id: s.budgetId,
          case_id: created.id,
          case_kind: s.breachAction,
          variance: JSON.stringify(s),
          raised_at: this.deps.now(),
        })
        .execute()
      return {
        result: null,
        evidence: {
          actor: actor.username,
          action: 'budget.variance-raised',
          entityType: 'budget',
          entityId: s.budgetId,
          after: { caseId: created.id, kind: s.breachAction, statement: s },
        },
      }
    })
    return created.id
  }

  /** The services the actor may read (for the pages' filters). */
  scope(actor: Actor) {
    return readableServices(this.deps.db, actor)
  }
}

const rowOf = (path: string) => Number(/\/row\/(\d+)/.exec(path)?.[1] ?? 0)

function totalsByCurrency(entries: CostEntry[]) {
  const m = new Map<string, Decimal>()
  for (const e of entries) m.set(e.currency, (m.get(e.currency) ?? new Decimal(0)).plus(e.amount))
  return Object.fromEntries([...m].map(([c, v]) => [c, money(v)]))
}
