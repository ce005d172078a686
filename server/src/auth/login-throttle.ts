/**
 * Login throttling per account and per address, kept in the database (migration
 * `0930-sec-login-throttle`) so a restart or a second process does not reset it (ISO/IEC
 * 20000-1 6.6: information security controls against unauthorised access).
 *
 * Three counters in fixed windows, each counting attempts that did not succeed:
 *
 * - account × address: guessing one account's password from one place (the common case);
 * - address: one place spraying many accounts;
 * - account: many places guessing one account. Over this limit the account is closed to
 *   addresses it has never logged in from with the right password; its owner still gets in
 *   from where they did before, so an attacker elsewhere cannot lock them out.
 *
 * The account counters count each attempt before its password is checked (a burst of guesses
 * cannot all slip under the limit) and give one back on success. The address counter counts
 * only attempts that failed, after the check: many people behind one address (an office's NAT,
 * a proxy) logging in at the same moment are not refused for each other's attempts in flight;
 * a burst of guesses may pass its limit by the requests already in flight, no further.
 *
 * The address is the socket's peer, or the client named by `X-Forwarded-For` only when the
 * request came through a proxy `TRUST_PROXY` names (express's `req.ip`): a client cannot pick a
 * fresh address per attempt with a header.
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'

/** How many unsuccessful attempts each counter allows per window. */
export interface ThrottleLimits {
  /** Per account from one address. */
  perAccountAddress: number
  /** Per address, over every account. */
  perAddress: number
  /** Per account over every address (then only known addresses may try). */
  perAccount: number
  /** Window length, ms. */
  windowMs: number
}

/** The limits for `maxFailures` (LOGIN_MAX_FAILURES): ×10 per address, ×5 per account. */
export function limitsFor(maxFailures: number, windowMs = 15 * 60_000): ThrottleLimits {
  return {
    perAccountAddress: maxFailures,
    perAddress: maxFailures * 10,
    perAccount: maxFailures * 5,
    windowMs,
  }
}

type ThrottleTables = {
  login_throttle: { key: string; failures: number; window_ends: Date }
  login_known_addresses: { account: string; address: string; last_success: Date }
}

/** Known addresses are forgotten after this long without a successful login. */
const KNOWN_ADDRESS_DAYS = 90
/** Expired counters are removed every this many attempts. */
const PRUNE_EVERY = 200

export class LoginThrottle {
  private readonly db: Kysely<ThrottleTables>
  private attempts = 0

  constructor(
    db: Kysely<DB>,
    private readonly limits: ThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.db = db.withTables<ThrottleTables>() as unknown as Kysely<ThrottleTables>
  }

  /**
   * Counts one attempt of `account` from `address` before its password is checked. Returns the
   * seconds to wait when a counter is over its limit (the attempt must be refused unchecked),
   * else 0.
   */
  async attempt(account: string, address: string): Promise<number> {
    const now = this.now()
    if (++this.attempts % PRUNE_EVERY === 0) await this.prune(now)
    const keys = keysOf(account, address)
    const at = new Date(now)
    const ends = new Date(now + this.limits.windowMs)
    // one statement per key set: the counters move atomically under concurrent attempts
    const { rows } = await sql<{ key: string; failures: number; window_ends: Date | string }>`
      insert into login_throttle (key, failures, window_ends)
      values (${keys.pair}, 1, ${ends}), (${keys.account}, 1, ${ends})
      on conflict (key) do update set
        failures = case when login_throttle.window_ends <= ${at} then 1
                        else login_throttle.failures + 1 end,
        window_ends = case when login_throttle.window_ends <= ${at} then excluded.window_ends
                           else login_throttle.window_ends end
      returning key, failures, window_ends`.execute(this.db)
    const byAddress = await this.db
      .selectFrom('login_throttle')
      .select(['key', 'failures', 'window_ends'])
      .where('key', '=', keys.address)
      .where('window_ends', '>', at)
      .executeTakeFirst()
    const waitOf = (
      row: { failures: number; window_ends: Date | string } | undefined,
      over: boolean,
    ) =>
      row && over ? Math.max(1, Math.ceil((new Date(row.window_ends).getTime() - now) / 1000)) : 0
    const over = (key: string, limit: number) => {
      const row = rows.find((r) => r.key === key)
      return waitOf(row, !!row && row.failures > limit)
    }
    const wait = Math.max(
      over(keys.pair, this.limits.perAccountAddress),
      // failures only: this attempt is not counted until it fails
      waitOf(byAddress, !!byAddress && byAddress.failures >= this.limits.perAddress),
    )
    if (wait) return wait
    const accountWait = over(keys.account, this.limits.perAccount)
    if (!accountWait) return 0
    return (await this.isKnown(account, address)) ? 0 : accountWait
  }

  /** A wrong password (or unknown account) from `address`: the address's counter moves. */
  async failed(address: string): Promise<void> {
    const key = keysOf('', address).address
    const now = this.now()
    const at = new Date(now)
    const ends = new Date(now + this.limits.windowMs)
    await sql`
      insert into login_throttle (key, failures, window_ends) values (${key}, 1, ${ends})
      on conflict (key) do update set
        failures = case when login_throttle.window_ends <= ${at} then 1
                        else login_throttle.failures + 1 end,
        window_ends = case when login_throttle.window_ends <= ${at} then excluded.window_ends
                           else login_throttle.window_ends end`.execute(this.db)
  }

  /** The right password from `address`: the attempt does not count, and the address is known. */
  async succeeded(account: string, address: string): Promise<void> {
    const keys = keysOf(account, address)
    const normalised = account.toLowerCase()
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('login_throttle').where('key', '=', keys.pair).execute()
      await tx
        .updateTable('login_throttle')
        .set({ failures: sql`greatest(failures - 1, 0)` })
        .where('key', '=', keys.account)
        .execute()
      await tx
        .insertInto('login_known_addresses')
        .values({ account: normalised, address, last_success: new Date(this.now()) })
        .onConflict((oc) =>
          oc.columns(['account', 'address']).doUpdateSet({ last_success: new Date(this.now()) }),
        )
        .execute()
    })
  }

  private async isKnown(account: string, address: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('login_known_addresses')
      .select('address')
      .where('account', '=', account.toLowerCase())
      .where('address', '=', address)
      .executeTakeFirst()
    return !!row
  }

  private async prune(now: number): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('window_ends', '<=', new Date(now)).execute()
    await this.db
      .deleteFrom('login_known_addresses')
      .where('last_success', '<', new Date(now - KNOWN_ADDRESS_DAYS * 86_400_000))
      .execute()
  }
}

function keysOf(account: string, address: string) {
  const a = account.toLowerCase()
  return { pair: `pair:${a}\n${address}`, address: `address:${address}`, account: `account:${a}` }
}
