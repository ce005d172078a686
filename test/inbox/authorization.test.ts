/**
 * Authorisation matrix of the inbox, procedure and history routes: every role against every
 * route family, allowed and denied, enforced by the server. Auditors read and change nothing;
 * customers reach none of these staff routes; nobody gets in without a session or CSRF token.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../../server/src/server'
import { startHarness, type ApiClient, type Harness } from '../support/harness'

const xml = readFileSync(join(repoRoot, 'test', 'fixtures', 'inbox-triage.bpmn'), 'utf8')
const roles = ['admin', 'owner', 'desk', 'auditor', 'customer'] as const
type User = (typeof roles)[number]

let h: Harness
const clients = {} as Record<User, ApiClient>

beforeAll(async () => {
  h = await startHarness({ deployProcesses: false })
  for (const r of roles) clients[r] = await h.login(r)
})
afterAll(async () => {
  await h?.stop()
})

type Call = (c: ApiClient) => Promise<{ status: number }>
const matrix: [string, Call, Record<User, number>][] = [
  [
    'GET /tasks (customers: only steps assigned to them)',
    (c) => c.get('/tasks'),
    { admin: 200, owner: 403, desk: 200, auditor: 200, customer: 200 },
  ],
  [
    'GET /task-filters',
    (c) => c.get('/task-filters'),
    { admin: 200, owner: 403, desk: 200, auditor: 200, customer: 403 },
  ],
  [
    'POST /tasks/:id/claim',
    (c) => c.post('/tasks/unknown/claim'),
    { admin: 404, owner: 403, desk: 404, auditor: 403, customer: 403 },
  ],
  [
    'POST /tasks/:id/complete',
    (c) => c.post('/tasks/unknown/complete', { data: {} }),
    { admin: 404, owner: 403, desk: 404, auditor: 403, customer: 404 },
  ],
  [
    'GET /processes',
    (c) => c.get('/processes'),
    { admin: 200, owner: 200, desk: 200, auditor: 200, customer: 403 },
  ],
  [
    'GET /forms',
    (c) => c.get('/forms'),
    { admin: 200, owner: 200, desk: 200, auditor: 200, customer: 403 },
  ],
  [
    'POST /process-drafts',
    (c) => c.post('/process-drafts', { xml }),
    { admin: 201, owner: 201, desk: 403, auditor: 403, customer: 403 },
  ],
  [
    'POST /process-drafts/:id/deploy',
    (c) => c.post('/process-drafts/unknown/deploy'),
    { admin: 404, owner: 403, desk: 403, auditor: 403, customer: 403 },
  ],
  [
    'GET /process-instances',
    (c) => c.get('/process-instances'),
    { admin: 200, owner: 200, desk: 200, auditor: 200, customer: 403 },
  ],
  [
    'GET /process-instances/:key/history',
    (c) => c.get('/process-instances/123/history'),
    { admin: 404, owner: 404, desk: 404, auditor: 404, customer: 403 },
  ],
  [
    'POST /process-instances/:key/cancel',
    (c) => c.post('/process-instances/123/cancel'),
    { admin: 400, owner: 403, desk: 403, auditor: 403, customer: 403 },
  ],
]

describe('authorisation matrix', () => {
  for (const [name, call, expected] of matrix) {
    it(`${name}: ${roles.map((r) => `${r} ${expected[r]}`).join(', ')}`, async () => {
      const actual = {} as Record<User, number>
      for (const r of roles) actual[r] = (await call(clients[r])).status
      expect(actual).toEqual(expected)
    })
  }

  it('answers 401 without a session and 403 without the CSRF token', async () => {
    for (const path of ['/tasks', '/processes', '/process-instances', '/forms']) {
      expect((await fetch(`${h.url}/api${path}`)).status).toBe(401)
    }
    const noCsrf = await fetch(`${h.url}/api/process-drafts`, {
      method: 'POST',
      headers: { cookie: clients.owner.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ xml }),
    })
    expect(noCsrf.status).toBe(403)
  })

  it('describes every route family in the OpenAPI document', async () => {
    const doc = (await clients.auditor.get<{ paths: Record<string, unknown> }>('/openapi.json'))
      .body
    for (const path of [
      '/api/tasks',
      '/api/tasks/{id}/complete',
      '/api/processes',
      '/api/process-drafts/{id}/approve',
      '/api/process-instances/{key}/history',
    ]) {
      expect(doc.paths).toHaveProperty([path])
    }
  })
})

describe('bad bodies get a 400 with field errors on every write route', () => {
  const bad: [string, 'post' | 'put' | 'patch', string, unknown][] = [
    ['owner', 'post', '/process-drafts', { xml: 5 }],
    ['owner', 'put', '/process-drafts/x', { xml: '<x/>' }],
    ['owner', 'post', '/process-drafts/x/submit', { please: true }],
    ['owner', 'post', '/process-drafts/x/reject', { reason: '' }],
    ['admin', 'post', '/process-drafts/x/deploy', { now: 'yes' }],
    ['desk', 'post', '/tasks/x/claim', { me: true }],
    ['desk', 'post', '/tasks/x/assign', {}],
    ['desk', 'post', '/tasks/x/complete', { data: 'text' }],
    ['desk', 'post', '/tasks/x/comments', { body: 7 }],
    ['desk', 'post', '/task-filters', { name: '', query: { view: 1 } }],
    ['admin', 'post', '/users', { username: 'Bad Name', roles: ['wizard'] }],
    ['admin', 'patch', '/users/1', {}],
    ['admin', 'post', '/groups', { id: 'Bad Id' }],
  ]
  for (const [user, method, path, body] of bad) {
    it(`${method.toUpperCase()} ${path} as ${user}`, async () => {
      const res = await clients[user as User][method]<{ errors?: unknown[]; detail: string }>(
        path,
        body,
      )
      expect(res.status).toBe(400)
      expect(res.body.detail).toBeTruthy()
      expect(res.body.errors?.length ?? 0).toBeGreaterThan(0)
    })
  }

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await fetch(`${h.url}/api/task-filters`, {
      method: 'POST',
      headers: {
        cookie: clients.desk.cookie,
        'x-csrf-token': clients.desk.csrf,
        'content-type': 'application/json',
      },
      body: '{"name": ',
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
  })
})
