import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'

let h: Harness
let admin: ApiClient
let auditor: ApiClient
let desk: ApiClient

beforeAll(async () => {
  h = await startHarness({ deployProcesses: false })
  ;[admin, auditor, desk] = await Promise.all(['admin', 'auditor', 'desk'].map((u) => h.login(u)))
})
afterAll(async () => {
  await h?.stop()
})

interface UserView {
  id: number
  username: string
  roles: string[]
  groups: { id: string; isLead: boolean }[]
  password?: string
  active: boolean
}

describe('user and group management', () => {
  it('lets an admin create an account that can log in at once, shown its password once', async () => {
    const created = await admin.post<UserView>('/users', {
      username: 'newdesk',
      displayName: 'Nell New-Desk',
      email: 'nell@example.org',
      roles: ['staff'],
      groups: [{ id: 'service-desk' }],
    })
    expect(created.status).toBe(201)
    expect(created.body.password).toMatch(/^\S{16}$/)
    h.passwords.newdesk = created.body.password!
    const nell = await h.login('newdesk')
    const me = await nell.get<{ user: { groups: { id: string }[] } }>('/me')
    expect(me.body.user.groups.map((g) => g.id)).toEqual(['service-desk'])
    const listed = await auditor.get<UserView[]>('/users')
    expect(listed.body.find((u) => u.username === 'newdesk')).not.toHaveProperty('password')
    const evidence = await h.server.services.audit.list({ entityId: 'newdesk' })
    expect(evidence.map((e) => e.action)).toContain('user.created')
  })

  it('refuses bad bodies, duplicates, unknown groups and non-admins', async () => {
    expect((await admin.post('/users', { username: 'X', displayName: '', roles: [] })).status).toBe(
      400,
    )
    expect(
      (await admin.post('/users', { username: 'desk', displayName: 'Dup', roles: ['staff'] }))
        .status,
    ).toBe(409)
    const unknownGroup = await admin.post<{ errors: unknown[] }>('/users', {
      username: 'ghost',
      displayName: 'Ghost',
      roles: ['staff'],
      groups: [{ id: 'no-such-group' }],
    })
    expect(unknownGroup.status).toBe(400)
    for (const c of [auditor, desk]) {
      expect(
        (await c.post('/users', { username: 'sneaky', displayName: 'S', roles: ['admin'] })).status,
      ).toBe(403)
    }
    expect((await desk.get('/users')).status).toBe(403)
  })

  it('ends the sessions of a deactivated account and refuses its login', async () => {
    const created = await admin.post<UserView>('/users', {
      username: 'leaver',
      displayName: 'Lee Leaver',
      roles: ['staff'],
      groups: [{ id: 'network' }],
    })
    h.passwords.leaver = created.body.password!
    const leaver = await h.login('leaver')
    expect((await leaver.get('/me')).status).toBe(200)
    const patched = await admin.patch<UserView>(`/users/${created.body.id}`, { active: false })
    expect(patched.body.active).toBe(false)
    expect((await leaver.get('/me')).status).toBe(401)
    await expect(h.login('leaver')).rejects.toThrow(/401/)
    const self = await admin.get<{ user: { id: number } }>('/me')
    expect((await admin.patch(`/users/${self.body.user.id}`, { active: false })).status).toBe(409)
  })

  it('6.6: refuses a common or guessable password on create and on change, and keeps the old one', async () => {
    // given
    const created = await admin.post<UserView>('/users', {
      username: 'chooser',
      displayName: 'Chris Chooser',
      roles: ['staff'],
      password: 'xK9#mP2$vL7q-own-phrase',
    })
    expect(created.status).toBe(201)
    // when
    const common = await admin.post<{ errors: { path: string }[] }>('/users', {
      username: 'weakling',
      displayName: 'Wes Weak',
      roles: ['staff'],
      password: 'Password2024!',
    })
    const listed = await admin.patch<{ errors: { path: string }[] }>(`/users/${created.body.id}`, {
      password: '1qaz2wsx3edc',
    })
    const named = await admin.patch(`/users/${created.body.id}`, { password: 'chris-2024-secret' })
    const strong = await admin.patch(`/users/${created.body.id}`, {
      password: 'paddle orbit velvet 93',
    })
    // then
    expect(common.status).toBe(400)
    expect(common.body.errors.map((e) => e.path)).toEqual(['/password'])
    expect((await admin.get<UserView[]>('/users')).body.map((u) => u.username)).not.toContain(
      'weakling',
    )
    expect(listed.status).toBe(400)
    expect(named.status).toBe(400)
    expect(strong.status).toBe(200)
    h.passwords.chooser = 'paddle orbit velvet 93'
    expect((await (await h.login('chooser')).get('/me')).status).toBe(200)
  })

  it('lists groups and their members for assignment, and creates groups', async () => {
    const members = await desk.get<{ username: string; isLead: boolean }[]>(
      '/groups/service-desk/members',
    )
    expect(members.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ username: 'desk', isLead: true })]),
    )
    expect(
      (await admin.post('/groups', { id: 'database-team', name: 'Database team' })).status,
    ).toBe(201)
    expect((await admin.post('/groups', { id: 'database-team', name: 'Again' })).status).toBe(409)
    expect((await desk.post('/groups', { id: 'mine', name: 'Mine' })).status).toBe(403)
    const groups = await desk.get<{ id: string }[]>('/groups')
    expect(groups.body.map((g) => g.id)).toContain('database-team')
  })
})
