import { describe, expect, test } from 'vitest'
import { matchPath } from '../lib/router'
import type { User } from '../lib/user'
import { homeFor, navFor, rolesFor } from './nav'

const user = (...roles: string[]): User => ({
  id: 1,
  username: 'u',
  displayName: 'U',
  roles,
  groups: [],
})

describe('role-aware navigation (ISO/IEC 20000-1 4.1.3 roles)', () => {
  test.each([
    ['staff', '/inbox'],
    ['process-owner', '/processes'],
    ['admin', '/processes'],
    ['auditor', '/replay'],
    ['customer', '/requests'],
  ])('a %s lands on %s', (role, home) => {
    expect(homeFor(user(role))).toBe(home)
  })

  test('a customer sees only their requests, the service catalogue and surveys and may open their own incidents, not staff pages', () => {
    // given
    const customer = user('customer')
    // then
    expect(navFor(customer).flatMap((s) => s.items.map((i) => i.href))).toEqual([
      '/requests',
      // 6.1: the service catalogue in force
      '/catalogue',
      // 7.1: their satisfaction surveys
      '/surveys',
    ])
    expect(rolesFor('/cases/incidents/INC-000001')).toContain('customer')
    expect(rolesFor('/cases/incidents')).not.toContain('customer')
    expect(rolesFor('/inbox/abc')).not.toContain('customer')
    expect(rolesFor('/admin/users')).toEqual(['admin'])
    // 9.2: the standard change catalogue is read by staff, auditors and process owners
    expect(rolesFor('/standard-changes')).toEqual(['staff', 'admin', 'auditor', 'process-owner'])
  })

  test('path patterns yield decoded parameters and reject other shapes', () => {
    expect(matchPath('/cases/:kind/:id', '/cases/incidents/INC%2D1')).toEqual({
      kind: 'incidents',
      id: 'INC-1',
    })
    expect(matchPath('/cases/:kind', '/cases/incidents/INC-1')).toBeNull()
    expect(matchPath('/inbox', '/inbox/')).toEqual({})
  })
})
