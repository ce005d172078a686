/**
 * A live-update socket lives no longer than its session (ISO/IEC 20000-1 6.6), on PGlite and
 * PostgreSQL: logging out drops the socket at once, and a session that expired (or whose user
 * was deactivated) loses its socket at the next check, so no event reaches it afterwards.
 */
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets } from '../support/databases'
import { startHarness, type ApiClient, type Harness } from '../support/harness'

describe.each(testDatabaseTargets())('sockets end with their session on $kind', (database) => {
  let h: Harness
  let admin: ApiClient

  beforeAll(async () => {
    h = await startHarness({ database, deployProcesses: false })
    admin = await h.login('admin')
  })
  afterAll(async () => {
    await h?.stop()
  })

  function connect(client: ApiClient): Promise<Socket> {
    const socket = io(h.url, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { cookie: client.cookie },
      reconnection: false,
    })
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket))
      socket.once('connect_error', reject)
    })
  }
  const disconnected = (socket: Socket) =>
    new Promise<string>((resolve) => {
      if (socket.disconnected) resolve('already')
      socket.once('disconnect', (reason) => resolve(reason))
    })
  const within = <T>(p: Promise<T>, ms: number) =>
    Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))])

  it('drops the socket at logout', async () => {
    // given
    const desk = await h.login('desk')
    const socket = await connect(desk)
    const gone = disconnected(socket)
    // when
    expect((await desk.post('/auth/logout')).status).toBe(204)
    // then
    expect(await within(gone, 5_000)).toBe('io server disconnect')
  })

  it('drops the socket of an expired session and of a deactivated user at the next check', async () => {
    // given: two sockets whose sessions are still live
    const network = await h.login('network')
    const expiring = await connect(network)
    const leaver = await admin.post<{ id: number; password: string }>('/users', {
      username: 'socketleaver',
      displayName: 'Sam Leaver',
      roles: ['staff'],
    })
    h.passwords.socketleaver = leaver.body.password
    const leaving = await connect(await h.login('socketleaver'))
    const bystander = await connect(admin)
    expect(await h.server.services.realtime.sweep()).toBe(0)
    // when: one session runs out, the other user is deactivated
    const db = h.server.database.db
    const user = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'network')
      .executeTakeFirstOrThrow()
    await db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', user.id)
      .execute()
    expect((await admin.patch(`/users/${leaver.body.id}`, { active: false })).status).toBe(200)
    const expiredGone = disconnected(expiring)
    const leaverGone = disconnected(leaving)
    const dropped = await h.server.services.realtime.sweep()
    // then
    expect(dropped).toBe(2)
    expect(await within(expiredGone, 5_000)).toBe('io server disconnect')
    expect(await within(leaverGone, 5_000)).toBe('io server disconnect')
    expect(bystander.connected).toBe(true)
    bystander.disconnect()
  })
})
