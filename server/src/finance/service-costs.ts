/**
 * The costs of every service as they count for it (ISO/IEC 20000-1 6.4 b): direct costs whole,
 * indirect ones apportioned by their rule. Shared by the finance service and the report section.
 */
import Decimal from 'decimal.js'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { apportion, type ServiceCost } from './accounting'

/** A cost as it counts for one service (its share of an indirect cost). */
export interface ServiceCostRow extends ServiceCost {
  incurredOn: string
  currency: string
  /** The change or incident it is a cost of. */
  caseId: string | null
}

/**
 * Every service's costs of `[from, to)` (YYYY-MM-DD) as they count for it: direct costs whole,
 * indirect ones apportioned to the cent by their rule's current weights (6.4 b).
 */
export async function serviceCostsOf(
  db: Kysely<DB>,
  from: string,
  to: string,
): Promise<Map<string, ServiceCostRow[]>> {
  const rows = await db
    .selectFrom('cost_entries')
    .select([
      sql<string>`to_char(incurred_on, 'YYYY-MM-DD')`.as('incurred_on'),
      'category',
      sql<string>`amount::text`.as('amount'),
      'currency',
      'service_id',
      'rule_id',
      'case_id',
    ])
    .where('incurred_on', '>=', from)
    .where('incurred_on', '<', to)
    .execute()
  const shares = await db
    .selectFrom('apportionment_shares')
    .select(['rule_id', 'service_id', sql<string>`weight::text`.as('weight')])
    .execute()
  const out = new Map<string, ServiceCostRow[]>()
  const add = (serviceId: string, c: ServiceCostRow) => {
    const list = out.get(serviceId) ?? []
    list.push(c)
    out.set(serviceId, list)
  }
  for (const r of rows) {
    const base = {
      category: r.category,
      incurredOn: r.incurred_on,
      currency: r.currency,
      caseId: r.case_id,
    }
    if (r.service_id) {
      add(r.service_id, { ...base, amount: new Decimal(r.amount), allocation: 'direct' })
    } else {
      const own = shares
        .filter((s) => s.rule_id === r.rule_id)
        .map((s) => ({ serviceId: s.service_id, weight: s.weight }))
      for (const [serviceId, amount] of apportion(r.amount, own)) {
        add(serviceId, { ...base, amount, allocation: 'indirect' })
      }
    }
  }
  return out
}
