/**
 * Who may do what in budgeting and accounting (ISO/IEC 20000-1 6.4, 4.1.3): staff in the
 * `finance` group and admins write budgets, costs and apportionment rules, and approve budgets
 * (never their own); auditors, process owners, SMS managers and finance read everything
 * (auditors read-only); service owners — staff in a service's `owner_group` — read the budgets
 * and costs of their services only; other staff and customers see none. Enforced here.
 */
import type { Kysely } from 'kysely'
import { Role, StaffGroup } from '../auth/roles'
import type { Actor } from '../cases/access'
import type { DB } from '../db/schema'
import { ForbiddenError } from '../errors'

/** Who writes, in words (errors and the API description). */
export const financeWriters = 'admin, or staff in the finance group'
/** Who reads, in words. */
export const financeReaders =
  'admin, process-owner, auditor (read-only), staff in the finance or sms-managers group; service owners (staff in the owner group of a service) for their services'

const inGroup = (a: Actor, g: string) => a.groups.some((x) => x.id === g)

/** Whether the actor writes budgets and costs. */
export const isFinanceWriter = (a: Actor) =>
  a.roles.includes(Role.Admin) || (a.roles.includes(Role.Staff) && inGroup(a, StaffGroup.Finance))

/** Whether the actor reads the figures of every service. */
export const readsAllFinance = (a: Actor) =>
  isFinanceWriter(a) ||
  a.roles.includes(Role.Auditor) ||
  a.roles.includes(Role.ProcessOwner) ||
  (a.roles.includes(Role.Staff) && inGroup(a, StaffGroup.SmsManagers))

/** 403 unless the actor writes budgets and costs. */
export function requireFinanceWriter(a: Actor, what: string): void {
  if (!isFinanceWriter(a)) throw new ForbiddenError(`${what} needs: ${financeWriters}.`)
}

/**
 * The services whose figures the actor reads: `'all'`, or the services of the owner groups the
 * actor is in (possibly none).
 */
export async function readableServices(db: Kysely<DB>, a: Actor): Promise<'all' | Set<string>> {
  if (readsAllFinance(a)) return 'all'
  if (!a.roles.includes(Role.Staff) || !a.groups.length) return new Set()
  const rows = await db
    .selectFrom('services')
    .select('id')
    .where(
      'owner_group',
      'in',
      a.groups.map((g) => g.id),
    )
    .execute()
  return new Set(rows.map((r) => r.id))
}

/** 403 unless the actor reads anything of budgeting and accounting. */
export async function requireFinanceReader(db: Kysely<DB>, a: Actor): Promise<'all' | Set<string>> {
  const scope = await readableServices(db, a)
  if (scope !== 'all' && !scope.size) {
    throw new ForbiddenError(`Budgets and costs are for: ${financeReaders}.`)
  }
  return scope
}
