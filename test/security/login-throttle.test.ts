/**
 * Login throttling per account and per address, kept in the database (ISO/IEC 20000-1 6.6),
 * against the real server on PGlite and PostgreSQL:
 *
 * - without TRUST_PROXY a client cannot pick a fresh address per attempt with X-Forwarded-For;
 * - the counters live in the database: a fresh throttle (a restarted server) still refuses;
 * - behind a trusted proxy, guessing from one address locks that address only: the owner's right
 *   password from another address gets in; spraying many accounts from one address is stopped;
 *   guessing one account from many addresses closes it to new addresses but not to the owner's;
 *   many people behind one address logging in at the same moment all get in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { limitsFor, LoginThrottle } from '../../server/src/auth/login-throttle'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type Harness } from '../support/harness'

const MAX = 2

async function login(h: Harness, username: string, password: string, forwardedFor?: string) {
  const res = await fetch(`${h.url}/api/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify({ username, password }),
  })
  await res.arrayBuffer()
  return res.status
}

describe.each(testDatabaseTargets())('login throttling on $kind', (database) => {
  describe('without a trusted proxy', () => {
    let h: Harness
    beforeAll(async () => {
      h = await startHarness({
        database,
        deployProcesses: false,
        env: { LOGIN_MAX_FAILURES: String(MAX) },
      })
    }, 120_000)
    afterAll(async () => {
      await h?.stop()
    })

    it('ignores X-Forwarded-For: a new header per attempt does not reset the count', async () => {
      // given: three wrong passwords, each claiming another client address
      for (let i = 1; i <= MAX; i++) {
        expect(await login(h, 'auditor', 'wrong password', `203.0.113.${i}`)).toBe(401)
      }
      // when: the right password, claiming yet another address
      const status = await login(h, 'auditor', h.passwords.auditor!, '198.51.100.9')
      // then
      expect(status).toBe(429)
    })

    it('keeps the counters in the database, so a restarted server still refuses', async () => {
      // given: the counters the attempts above left
      const db = h.server.database.db
      const rows = await db
        .withTables<{ login_throttle: { key: string; failures: number } }>()
        .selectFrom('login_throttle')
        .select(['key', 'failures'])
        .where('key', 'like', 'pair:auditor%')
        .execute()
      expect(rows).toHaveLength(1)
      const address = rows[0]!.key.split('\n')[1]!
      // when: a throttle with no memory of its own, as after a restart
      const wait = await new LoginThrottle(db, limitsFor(MAX)).attempt('auditor', address)
      // then
      expect(wait).toBeGreaterThan(0)
    })
  })

  describe('behind a trusted proxy (TRUST_PROXY=loopback)', () => {
    let h: Harness
    beforeAll(async () => {
      h = await startHarness({
        database,
        deployProcesses: false,
        env: { LOGIN_MAX_FAILURES: String(MAX), TRUST_PROXY: 'loopback' },
      })
    }, 120_000)
    afterAll(async () => {
      await h?.stop()
    })

    it("locks the guessing address, not the owner's right password from another", async () => {
      // given
      for (let i = 0; i < MAX; i++) {
        expect(await login(h, 'desk', 'guess', '10.0.0.66')).toBe(401)
      }
      // when
      const fromAttacker = await login(h, 'desk', h.passwords.desk!, '10.0.0.66')
      const fromOwner = await login(h, 'desk', h.passwords.desk!, '10.0.0.7')
      // then
      expect(fromAttacker).toBe(429)
      expect(fromOwner).toBe(200)
    })

    it('stops one address spraying many accounts #6.6.2-1', async () => {
      // given: as many failures as the address may have, each against another account
      const perAddress = limitsFor(MAX).perAddress
      for (let i = 0; i < perAddress; i++) {
        expect(await login(h, `nobody${i}`, 'Password1', '10.0.1.1')).toBe(401)
      }
      // when
      const status = await login(h, 'admin', h.passwords.admin!, '10.0.1.1')
      // then
      expect(status).toBe(429)
      expect(await login(h, 'admin', h.passwords.admin!, '10.0.1.2')).toBe(200)
    })

    it('lets everyone behind one address log in at the same moment', async () => {
      // given: everyone behind one office address, each on two devices: more logins at once
      // than the address may have failures
      const logins = Object.entries(h.passwords).flatMap((p) => [p, p])
      expect(logins.length).toBeGreaterThan(limitsFor(MAX).perAddress)
      // when they all log in at once, with their right passwords
      const statuses = await Promise.all(
        logins.map(([username, password]) => login(h, username, password, '10.0.5.5')),
      )
      // then nobody is refused for the others' attempts in flight
      expect(statuses.filter((s) => s !== 200)).toEqual([])
    })

    it('closes an account guessed from many addresses to new ones, but not to its owner', async () => {
      // given: the owner logged in from home once, then guesses from many addresses
      expect(await login(h, 'network', h.passwords.network!, '10.0.2.1')).toBe(200)
      const { perAccount } = limitsFor(MAX)
      for (let i = 0; i < perAccount; i++) {
        const from = `10.0.3.${Math.floor(i / MAX) + 1}`
        expect(await login(h, 'network', 'guess', from)).toBe(401)
      }
      // when
      const fromNewAddress = await login(h, 'network', h.passwords.network!, '10.0.4.1')
      const fromHome = await login(h, 'network', h.passwords.network!, '10.0.2.1')
      // then
      expect(fromNewAddress).toBe(429)
      expect(fromHome).toBe(200)
    })
  })
})
