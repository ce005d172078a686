/**
 * Demo data of budgeting and accounting (ISO/IEC 20000-1 6.4) on a first start: two apportionment
 * rules (hosting by rack units, service management overhead by users), this year's budgets of
 * Network (whole year) and E-mail (by quarter) written by `finance` and approved by `finance2`, a
 * draft ERP budget awaiting approval, and the costs of every month ended this year — booked on
 * the month's last day, the WAN and hosting fees against their supplier contracts — so the
 * figures stand within their thresholds and Identity and access and Service desk show overhead
 * costs without a budget. Relative to today; skipped when a budget exists or the catalogue is not
 * seeded.
 */
import type { Kysely } from 'kysely'
import { Role, StaffGroup } from '../auth/roles'
import type { Actor } from '../cases/access'
import type { DB } from '../db/schema'
import type { FinanceService } from './finance.service'
import type { BudgetLine, CostInput } from './finance-model'

const staff = (username: string): Actor => ({
  username,
  roles: [Role.Staff],
  groups: [{ id: StaffGroup.Finance }],
})

export async function seedFinance(deps: {
  db: Kysely<DB>
  finance: FinanceService
  now: () => Date
}): Promise<boolean> {
  const { db, finance } = deps
  if (await db.selectFrom('budgets').select('id').limit(1).executeTakeFirst()) return false
  const services = await db.selectFrom('services').select(['id', 'name']).execute()
  const id = (name: string) => services.find((s) => s.name === name)?.id
  const [network, mail, erp, identity, desk] = [
    'Network',
    'E-mail',
    'ERP',
    'Identity and access',
    'Service desk',
  ].map(id)
  if (!network || !mail || !erp || !identity || !desk) return false
  const contracts = await db.selectFrom('contracts').select(['id', 'title']).execute()
  const wan = contracts.find((c) => c.title === 'WAN and internet access')?.id ?? null
  const hosting =
    contracts.find((c) => c.title === 'Data centre hosting and hardware maintenance')?.id ?? null
  const author = staff('finance')
  const approver = staff('finance2')

  const racks = await finance.createRule(
    {
      name: 'Hosting by rack units',
      basis: 'Rack units each service occupies in the hosted data centre',
      shares: [
        { serviceId: mail, weight: '2' },
        { serviceId: erp, weight: '6' },
      ],
    },
    author,
  )
  const users = await finance.createRule(
    {
      name: 'Service management overhead by users',
      basis: 'Users served by each service (identity directory, start of the year)',
      shares: [
        { serviceId: network, weight: '1200' },
        { serviceId: mail, weight: '1200' },
        { serviceId: erp, weight: '300' },
        { serviceId: identity, weight: '1200' },
        { serviceId: desk, weight: '1200' },
      ],
    },
    author,
  )

  const year = deps.now().getUTCFullYear()
  const budget = async (
    serviceId: string,
    quarter: number | null,
    lines: BudgetLine[],
    approve: boolean,
    notes: string,
  ) => {
    const b = await finance.createBudget(
      {
        serviceId,
        fiscalYear: year,
        quarter,
        currency: 'EUR',
        lines,
        varianceThresholdPercent: '10',
        breachAction: 'improvement',
        notes,
      },
      author,
    )
    if (approve) await finance.approveBudget(b.id, b.version, approver)
  }
  await budget(
    network,
    null,
    [
      { category: 'personnel', amount: '120000' },
      { category: 'external-services', amount: '60000' },
      { category: 'hardware', amount: '20000' },
      { category: 'overheads', amount: '7000' },
    ],
    true,
    'Two network engineers, the WAN contract, the firewall refresh in March.',
  )
  for (const q of [1, 2, 3, 4]) {
    await budget(
      mail,
      q,
      [
        { category: 'personnel', amount: '9000' },
        { category: 'software', amount: '6000' },
        { category: 'facilities', amount: '3000' },
        { category: 'overheads', amount: '1800' },
      ],
      true,
      'Mail administration, mailbox licences, hosting share.',
    )
  }
  await budget(
    erp,
    null,
    [
      { category: 'personnel', amount: '48000' },
      { category: 'facilities', amount: '36000' },
      { category: 'overheads', amount: '1800' },
    ],
    false,
    'Awaiting approval.',
  )

  // the costs of each month ended this year, booked on its last day
  const today = deps.now().toISOString().slice(0, 10)
  const costs: CostInput[] = []
  for (let m = 0; m < 12; m++) {
    const end = new Date(Date.UTC(year, m + 1, 0)).toISOString().slice(0, 10)
    if (end > today) break
    const month = end.slice(0, 7)
    const c = (over: Partial<CostInput> & Pick<CostInput, 'category' | 'amount'>): CostInput => ({
      incurredOn: end,
      currency: 'EUR',
      behaviour: 'fixed',
      expense: 'operating',
      ...over,
    })
    costs.push(
      c({
        serviceId: network,
        category: 'personnel',
        amount: '10000',
        description: `Network engineers ${month}`,
      }),
      c({
        serviceId: network,
        category: 'external-services',
        amount: '5000',
        contractId: wan,
        description: `WAN and internet ${month}`,
      }),
      c({
        serviceId: mail,
        category: 'personnel',
        amount: '3000',
        description: `Mail administration ${month}`,
      }),
      c({
        serviceId: mail,
        category: 'software',
        amount: '2100',
        behaviour: 'variable',
        description: `Mailbox licences ${month}`,
      }),
      c({
        serviceId: erp,
        category: 'personnel',
        amount: '4000',
        description: `ERP support ${month}`,
      }),
      c({
        ruleId: racks.id,
        category: 'facilities',
        amount: '4000',
        contractId: hosting,
        description: `Hosting fee ${month}`,
      }),
      c({
        ruleId: users.id,
        category: 'overheads',
        amount: '2500',
        description: `Service management overhead ${month}`,
      }),
    )
    if (m === 2) {
      costs.push(
        c({
          serviceId: network,
          category: 'hardware',
          amount: '15000',
          expense: 'capital',
          description: 'Firewall refresh',
        }),
      )
    }
  }
  if (costs.length) await finance.recordCosts(costs, author)
  return true
}
