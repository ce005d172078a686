/**
 * CSV import of actual costs (ISO/IEC 20000-1 6.4): a header naming at least `incurredOn`,
 * `category`, `amount`, `currency` and one of `serviceId` (a direct cost) or `ruleId` (an
 * indirect cost apportioned by the rule); optional `behaviour` (fixed, variable), `expense`
 * (capital, operating), `contractId`, `caseId` and `description`. Columns in any order, names
 * case-insensitive. Every row is checked; any bad row refuses the whole file with one error per
 * row (row number as in the file, 1 = header), so nothing is stored partly.
 */
import type { FieldError } from '../errors'
import { cells } from '../delivery/capacity/csv'
import {
  Behaviour,
  costCategories,
  CURRENCY_PATTERN,
  Expense,
  MONEY_PATTERN,
  type CostCategory,
  type CostInput,
} from './finance-model'

/** At most this many rows a file. */
export const MAX_COST_ROWS = 10_000
const required = ['incurredon', 'category', 'amount', 'currency'] as const
const optional = [
  'serviceid',
  'ruleid',
  'behaviour',
  'expense',
  'contractid',
  'caseid',
  'description',
] as const
const DATE = /^\d{4}-\d{2}-\d{2}$/
const money = new RegExp(MONEY_PATTERN)
const currency = new RegExp(CURRENCY_PATTERN)

/** What the rows may refer to: the ids that exist. */
export interface KnownIds {
  services: ReadonlySet<string>
  rules: ReadonlySet<string>
  /** Supplier contracts with the services they cover (null: not stated). */
  contracts: ReadonlyMap<string, readonly string[] | null>
  /** Changes and incidents. */
  cases: ReadonlySet<string>
  /** Today (YYYY-MM-DD): no cost is incurred after it. */
  today: string
}

/** The ids a cost refers to, to look up before checking. */
export const referencesOf = (costs: readonly CostInput[]) => ({
  services: [...new Set(costs.flatMap((c) => (c.serviceId ? [c.serviceId] : [])))],
  rules: [...new Set(costs.flatMap((c) => (c.ruleId ? [c.ruleId] : [])))],
  contracts: [...new Set(costs.flatMap((c) => (c.contractId ? [c.contractId] : [])))],
  cases: [...new Set(costs.flatMap((c) => (c.caseId ? [c.caseId] : [])))],
})

/** Checks one cost (a CSV row or a JSON item): the problems, in words. */
export function problemsOf(c: CostInput, known: KnownIds): string[] {
  const p: string[] = []
  const day = Date.parse(c.incurredOn)
  if (
    !DATE.test(c.incurredOn) ||
    Number.isNaN(day) ||
    new Date(day).toISOString().slice(0, 10) !== c.incurredOn
  )
    p.push(`incurredOn "${c.incurredOn}" is not a date (YYYY-MM-DD)`)
  else if (c.incurredOn > known.today) p.push(`incurredOn ${c.incurredOn} is after today`)
  if (!costCategories.includes(c.category))
    p.push(`category "${c.category}" is not one of ${costCategories.join(', ')}`)
  if (!money.test(c.amount))
    p.push(`amount "${c.amount}" is not a decimal amount with up to 2 places`)
  if (!currency.test(c.currency))
    p.push(`currency "${c.currency}" is not an ISO 4217 code like EUR`)
  if (!!c.serviceId === !!c.ruleId)
    p.push('name either serviceId (a direct cost) or ruleId (an indirect cost), not both')
  else if (c.serviceId && !known.services.has(c.serviceId)) p.push(`no service ${c.serviceId}`)
  else if (c.ruleId && !known.rules.has(c.ruleId)) p.push(`no apportionment rule ${c.ruleId}`)
  if (c.behaviour && !Object.values(Behaviour).includes(c.behaviour))
    p.push(`behaviour "${c.behaviour}" is not fixed or variable`)
  if (c.expense && !Object.values(Expense).includes(c.expense))
    p.push(`expense "${c.expense}" is not capital or operating`)
  if (c.contractId && !known.contracts.has(c.contractId))
    p.push(`no supplier contract ${c.contractId}`)
  else if (c.contractId && c.serviceId) {
    const covered = known.contracts.get(c.contractId)
    if (covered && !covered.includes(c.serviceId))
      p.push(`supplier contract ${c.contractId} does not cover service ${c.serviceId}`)
  }
  if (c.caseId && !known.cases.has(c.caseId)) p.push(`no change or incident ${c.caseId}`)
  return p
}

/** A row of the file: its number (1 = header), the cost and the problems of its cells. */
export interface CsvRow {
  row: number
  cost: CostInput
  problems: string[]
}

/** Reads the file: its rows, or the errors of the file as a whole (header, size, empty lines). */
export function readCostsCsv(csv: string): { rows: CsvRow[]; errors: FieldError[] } {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/)
  while (lines.length && lines.at(-1)!.trim() === '') lines.pop()
  const header = cells(lines[0] ?? '').map((h) => h.toLowerCase())
  const missing = required.filter((c) => !header.includes(c))
  if (missing.length || (!header.includes('serviceid') && !header.includes('ruleid'))) {
    return {
      rows: [],
      errors: [
        {
          path: '/csv/row/1',
          message: `the header must name incurredOn, category, amount, currency and serviceId or ruleId (missing: ${[...missing, ...(header.includes('serviceid') || header.includes('ruleid') ? [] : ['serviceId or ruleId'])].join(', ')})`,
        },
      ],
    }
  }
  const unknown = header.filter(
    (h) =>
      !(required as readonly string[]).includes(h) && !(optional as readonly string[]).includes(h),
  )
  if (unknown.length) {
    return {
      rows: [],
      errors: [{ path: '/csv/row/1', message: `unknown columns: ${unknown.join(', ')}` }],
    }
  }
  if (lines.length - 1 > MAX_COST_ROWS) {
    return { rows: [], errors: [{ path: '/csv', message: `at most ${MAX_COST_ROWS} rows a file` }] }
  }
  const errors: FieldError[] = []
  const rows: CsvRow[] = []
  for (let n = 1; n < lines.length; n++) {
    const row = n + 1
    const line = lines[n]!
    if (line.trim() === '') {
      errors.push({ path: `/csv/row/${row}`, message: `row ${row}: empty line` })
      continue
    }
    const c = cells(line)
    const get = (name: string) => {
      const i = header.indexOf(name)
      return i < 0 ? '' : (c[i] ?? '')
    }
    const cost: CostInput = {
      incurredOn: get('incurredon'),
      category: get('category') as CostCategory,
      amount: get('amount'),
      currency: get('currency'),
      serviceId: get('serviceid') || null,
      ruleId: get('ruleid') || null,
      behaviour: (get('behaviour') || Behaviour.Variable) as Behaviour,
      expense: (get('expense') || Expense.Operating) as Expense,
      contractId: get('contractid') || null,
      caseId: get('caseid') || null,
      description: get('description'),
    }
    const problems: string[] = []
    if (c.length !== header.length)
      problems.push(`${c.length} cells, the header has ${header.length}`)
    if (cost.description!.length > 2000) problems.push('description longer than 2000 characters')
    rows.push({ row, cost, problems })
  }
  if (!rows.length && !errors.length)
    errors.push({ path: '/csv', message: 'the file has no costs' })
  return { rows, errors }
}

/** Checks every row against what exists: one error per bad row, in file order. */
export function checkRows(rows: readonly CsvRow[], known: KnownIds): FieldError[] {
  const errors: FieldError[] = []
  for (const r of rows) {
    const problems = [...r.problems, ...problemsOf(r.cost, known)]
    if (problems.length)
      errors.push({ path: `/csv/row/${r.row}`, message: `row ${r.row}: ${problems.join('; ')}` })
  }
  return errors
}
