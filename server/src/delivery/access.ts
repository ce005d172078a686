/**
 * Who may do what in continuity, availability and capacity (ISO/IEC 20000-1 4.1.3, 6.3, 6.5):
 * the **service owners** — staff in the owner group of a service (`services.owner_group`) —
 * write the requirements, outages, tests and measurements of their services; SMS managers and
 * admins write those of every service; staff, process owners and auditors read; customers see
 * nothing. Enforced here, on the server.
 */
import type { Kysely } from 'kysely'
import { Role } from '../auth/roles'
import type { Actor } from '../cases/access'
import type { DB } from '../db/schema'
import { ForbiddenError, NotFoundError } from '../errors'
import { isSmsManager } from '../sms/access'

/** Who writes, in words (errors and the API description). */
export const deliveryWriters = 'admin, staff in the sms-managers group, or the service owner group'

/** Whether the actor reads continuity and capacity records. */
export const isDeliveryReader = (a: Actor) =>
  [Role.Admin, Role.ProcessOwner, Role.Staff, Role.Auditor].some((r) => a.roles.includes(r))

/** Whether the actor is in one of the groups. */
export const inAnyGroup = (a: Actor, groups: readonly (string | null)[]) =>
  a.groups.some((g) => groups.includes(g.id))

/** The owner group of a service; 404 when there is no such service. */
export async function ownerGroupOf(db: Kysely<DB>, serviceId: string): Promise<string | null> {
  const s = await db
    .selectFrom('services')
    .select('owner_group')
    .where('id', '=', serviceId)
    .executeTakeFirst()
  if (!s) throw new NotFoundError(`No service ${serviceId}.`)
  return s.owner_group
}

/** 403 unless the actor is an SMS manager, an admin, or in one of the owner groups. */
export function requireOwner(a: Actor, ownerGroups: readonly (string | null)[], what: string) {
  if (isSmsManager(a) || (a.roles.includes(Role.Staff) && inAnyGroup(a, ownerGroups))) return
  throw new ForbiddenError(`${what} needs: ${deliveryWriters}.`)
}

/** 403 unless the actor may write the records of the service. */
export async function requireServiceOwner(
  db: Kysely<DB>,
  a: Actor,
  serviceId: string,
  what: string,
) {
  requireOwner(a, [await ownerGroupOf(db, serviceId)], what)
}
