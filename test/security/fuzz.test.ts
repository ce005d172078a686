/**
 * A hostile client against the real server (embedded engine; PGlite, and PostgreSQL when
 * TEST_DATABASE_URL is set): every route of the app's router stack, found there so a new route
 * is fuzzed without touching this file, gets path parameters, query strings, headers and bodies
 * with NUL, integers beyond the database's ranges, wrong types, malformed escapes and broken
 * JSON; the socket.io handshake gets malformed origins, cookies and query strings. Every
 * answer must be below 500 (a 4xx as problem JSON), and the server must still answer
 * afterwards. The requests come from a fixed seed: a failure names the request to replay.
 */
import { request, Agent } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, type ApiClient, type Harness } from '../support/harness'
import { testDatabaseTargets } from '../support/databases'
import {
  appRoutes,
  hostileHeaders,
  hostileJsonValues,
  hostilePathValues,
  hostileQueryValues,
  hostileRawBodies,
  pick,
  plausible,
  propertiesOf,
  seededRandom,
  type AppRoute,
} from './fuzz-inputs'

const SEED = 20_000_1
/** Random requests per route on top of the systematic ones. */
const RANDOM_PER_ROUTE = 1

interface Probe {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string
}
interface Answer {
  status: number
  type: string
  text: string
}

interface Operation {
  parameters?: { name: string; in: string; schema?: Record<string, unknown> }[]
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } }
}

describe.each(testDatabaseTargets())('a hostile client on $kind', (database) => {
  let h: Harness
  let admin: ApiClient
  let agent: Agent
  let host: string
  let port: number

  const send = (probe: Probe): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host,
          port,
          agent,
          method: probe.method,
          path: probe.path,
          // node's client frames no body of a DELETE unless told its length
          headers: {
            ...probe.headers,
            ...(probe.body ? { 'content-length': String(Buffer.byteLength(probe.body)) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              type: String(res.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          )
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(probe.body)
    })

  /** What is wrong with an answer: a 5xx, or a 4xx that is not problem JSON naming its status. */
  function defect(answer: Answer, api: boolean): string | undefined {
    if (answer.status >= 500 || answer.status < 100) return `status ${answer.status}`
    if (!api || answer.status < 400) return undefined
    if (!answer.type.startsWith('application/problem+json')) return `4xx as ${answer.type}`
    const problem = JSON.parse(answer.text) as { status?: unknown; title?: unknown }
    if (problem.status !== answer.status || typeof problem.title !== 'string') {
      return `problem JSON ${answer.text.slice(0, 200)}`
    }
    return undefined
  }

  /** Sends every probe (eight at a time); returns the defects, each with the request. */
  async function run(probes: Probe[], api = true): Promise<string[]> {
    const defects: string[] = []
    let next = 0
    const worker = async () => {
      while (next < probes.length) {
        const probe = probes[next++]!
        let problem: string | undefined
        try {
          problem = defect(await send(probe), api)
        } catch (err) {
          problem = `no answer: ${String(err)}`
        }
        if (problem) defects.push(`${probe.method} ${probe.path.slice(0, 200)}: ${problem}`)
      }
    }
    await Promise.all(Array.from({ length: 8 }, worker))
    return defects
  }

  async function stillAlive() {
    const health = await send({ method: 'GET', path: '/api/health' })
    expect(health.status).toBe(200)
    const me = await admin.get('/me')
    expect(me.status).toBe(200)
  }

  beforeAll(async () => {
    h = await startHarness({ database, deployProcesses: false })
    admin = await h.login('admin')
    const url = new URL(h.url)
    host = url.hostname
    port = Number(url.port)
    agent = new Agent({ keepAlive: true, maxSockets: 8 })
  })
  afterAll(async () => {
    agent?.destroy()
    await h?.stop()
  })

  // issue item 1: one unauthenticated request ended the process
  it.each(['null', 'not a url', 'http://[', 'file://', 'http://evil.example'])(
    'refuses the socket.io handshake from Origin %j with 403 and keeps running',
    async (origin) => {
      // when
      const answer = await send({
        method: 'GET',
        path: '/socket.io/?EIO=4&transport=polling',
        headers: { origin },
      })
      // then
      expect(answer.status).toBe(403)
      await stillAlive()
    },
  )

  it('answers malformed socket.io handshakes below 500', async () => {
    // given
    const rnd = seededRandom(SEED)
    const queries = [
      'EIO=4&transport=polling',
      'EIO=3&transport=polling',
      'EIO=abc&transport=polling',
      'EIO=4&transport=websocket',
      'EIO=4&transport=nope',
      'EIO=4&transport=polling&sid=%00',
      'EIO=4&transport=polling&sid=unknown',
      'EIO=4&transport=polling&j=%00',
      'EIO=4&transport=polling&b64=1',
      'EIO=%00&transport=%00',
      '',
      '%E0%A4%A',
    ]
    const probes: Probe[] = []
    for (const q of queries) {
      for (const method of ['GET', 'POST', 'OPTIONS']) {
        probes.push({ method, path: `/socket.io/?${q}`, body: method === 'POST' ? '1:6' : '' })
        probes.push({
          method,
          path: `/socket.io/?${q}`,
          headers: { ...pick(rnd, hostileHeaders), origin: pick(rnd, ['null', 'http://[', '']) },
          body: method === 'POST' ? '\u0000\u0000' : '',
        })
      }
    }
    // when
    const defects = await run(probes, false)
    // then
    expect(defects).toEqual([])
    await stillAlive()
  })

  it('answers every route, fuzzed, below 500 with problem JSON for bad input', async () => {
    // given the routes of the router stack, each with its OpenAPI operation
    const doc = (
      await admin.get<{ paths: Record<string, Record<string, Operation>> }>('/openapi.json')
    ).body
    const routes = appRoutes(h.server.app as never).filter((r) => r.path.startsWith('/api/'))
    const operationOf = (r: AppRoute) =>
      doc.paths[r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[r.method]
    // every route is documented, so its schemas are what is fuzzed
    expect(routes.filter((r) => !operationOf(r)).map((r) => `${r.method} ${r.path}`)).toEqual([])
    expect(routes.length).toBeGreaterThan(100)

    const rnd = seededRandom(SEED)
    const authed = (extra: Record<string, string> = {}) => ({
      cookie: admin.cookie,
      'x-csrf-token': admin.csrf,
      ...extra,
    })
    // each list is walked in turn across the routes, so every hostile value is sent
    const cycle = <T>(list: readonly T[]) => {
      let i = Math.floor(rnd() * list.length)
      return () => list[i++ % list.length]!
    }
    const nextPath = cycle(hostilePathValues)
    const nextQuery = cycle(hostileQueryValues)
    const nextValue = cycle(['a\u0000b', ...hostileJsonValues])
    const nextRaw = cycle(hostileRawBodies)
    const hugeQueried = new Set<string>()
    const probes: Probe[] = []
    for (const route of routes) {
      // logging out would end the admin session the other probes ride on
      const headersFor = (extra?: Record<string, string>) =>
        route.path === '/api/auth/logout' ? { ...extra } : authed(extra)
      const op = operationOf(route)!
      const params = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!)
      const queryNames = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name)
      const bodySchema = op.requestBody?.content['application/json'].schema
      const method = route.method.toUpperCase()
      const pathWith = (value: (name: string) => string) =>
        route.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => value(name))
      const plausiblePath = pathWith(() => '1')
      const bodyOf = (value: unknown) => JSON.stringify(value)
      const jsonBody = bodySchema ? bodyOf(plausible(bodySchema)) : undefined
      const withJson = (body: string | undefined): Record<string, string> =>
        body === undefined ? {} : { 'content-type': 'application/json' }

      // path parameters: each beyond int4, and the next hostile value of the list
      for (const name of params) {
        for (const value of ['99999999999', nextPath()]) {
          const path = pathWith((n) => (n === name ? value : '1'))
          probes.push({ method, path, headers: headersFor(withJson(jsonBody)), body: jsonBody })
        }
      }
      // query parameters: each declared one with the next hostile value, and beyond int4 (once
      // per name and schema: the case kinds share their list parameters); where the route
      // declares a query, an undeclared parameter and a declared one given twice
      const queryOps = (op.parameters ?? []).filter((p) => p.in === 'query')
      const queries = [
        ...queryOps.flatMap(({ name, schema }) => {
          const key = `${name} ${JSON.stringify(schema)}`
          const huge = hugeQueried.has(key) ? [] : [`${name}=99999999999`]
          hugeQueried.add(key)
          return [...huge, `${name}=${nextQuery()}`]
        }),
        ...(queryNames[0]
          ? [`undeclared=${nextQuery()}`, `${queryNames[0]}=1&${queryNames[0]}=2`]
          : []),
      ]
      for (const query of queries) {
        probes.push({ method, path: `${plausiblePath}?${query}`, headers: headersFor() })
      }
      // bodies: numbers beyond int4 in numeric properties, the next hostile value in the others,
      // and the next broken body
      if (method !== 'GET') {
        const properties = (bodySchema?.properties ?? {}) as Record<string, { type?: unknown }>
        for (const prop of propertiesOf(bodySchema)) {
          const numeric = ['integer', 'number'].includes(String(properties[prop]?.type))
          const body = bodyOf({
            ...(plausible(bodySchema) as object),
            [prop]: numeric ? 99999999999 : nextValue(),
          })
          probes.push({ method, path: plausiblePath, headers: headersFor(withJson(body)), body })
        }
        const raw = nextRaw()
        probes.push({
          method,
          path: plausiblePath,
          headers: headersFor({ 'content-type': raw.type }),
          body: raw.body,
        })
      }
      // random: a hostile header set, a hostile property value, hostile parameters
      for (let i = 0; i < RANDOM_PER_ROUTE; i++) {
        const props = propertiesOf(bodySchema)
        const body =
          method === 'GET'
            ? undefined
            : bodyOf({
                ...(plausible(bodySchema) as object),
                [props.length ? pick(rnd, props) : 'extra']: pick(rnd, hostileJsonValues),
              })
        const path = pathWith(() => pick(rnd, hostilePathValues))
        const query = queryNames.length
          ? `?${pick(rnd, queryNames)}=${pick(rnd, hostileQueryValues)}`
          : ''
        const headers = { ...headersFor(withJson(body)), ...pick(rnd, hostileHeaders) }
        probes.push({ method, path: `${path}${query}`, headers, body })
      }
    }
    // every broken body once, and one beyond the 2 MB limit
    for (const raw of hostileRawBodies) {
      probes.push({
        method: 'POST',
        path: '/api/auth/login',
        headers: { 'content-type': raw.type },
        body: raw.body,
      })
    }

    probes.push({
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'x'.repeat(2_100_000), password: 'x' }),
    })

    // when
    const started = Date.now()
    const defects = await run(probes)
    console.log(
      `${probes.length} requests on ${routes.length} routes in ${Date.now() - started} ms`,
    )

    // then
    expect(defects).toEqual([])
    await stillAlive()
  })

  // issue item 6: each of these was a 500
  it.each([
    ['GET', '/api/users/99999999999', undefined, 400],
    ['GET', '/api/process-instances?limit=abc', undefined, 400],
    ['GET', '/api/process-instances?limit=-1', undefined, 400],
    ['GET', '/api/process-instances?limit=1.5', undefined, 400],
    ['GET', '/api/process-instances?version=99999999999', undefined, 400],
    ['GET', '/api/tasks?page=99999999999', undefined, 400],
    ['GET', '/api/incidents?offset=99999999999999999999', undefined, 400],
    ['GET', '/api/evidence?afterSeq=99999999999999999999', undefined, 400],
    ['GET', '/api/forms/x?version=99999999999', undefined, 400],
    ['GET', '/api/incidents?q=a%00b', undefined, 400],
    ['POST', '/api/incidents', { title: 'a\u0000b' }, 400],
    ['POST', '/api/auth/login', { username: 'admin\u0000', password: 'x' }, 400],
  ] as const)(
    'answers %s %s (body %j) with %i problem JSON',
    async (method, path, body, status) => {
      // when
      const text = body === undefined ? undefined : JSON.stringify(body)
      const answer = await send({
        method,
        path,
        headers: {
          cookie: admin.cookie,
          'x-csrf-token': admin.csrf,
          ...(text ? { 'content-type': 'application/json' } : {}),
        },
        body: text,
      })
      // then
      expect(answer.status).toBe(status)
      expect(answer.type).toMatch(/^application\/problem\+json/)
      expect(JSON.parse(answer.text)).toMatchObject({ status, title: 'Bad Request' })
    },
  )

  it('names the bad parameter', async () => {
    // when
    const answer = await send({
      method: 'GET',
      path: '/api/process-instances?limit=abc',
      headers: { cookie: admin.cookie },
    })
    // then
    expect(JSON.parse(answer.text)).toMatchObject({
      detail: 'Invalid query parameter: limit.',
      errors: [{ path: '/limit', message: 'must be integer' }],
    })
  })

  // found by the fuzz test on PostgreSQL: check-then-insert let the second request hit the
  // unique index
  it('answers concurrent creations of one username with one 201 and 409s', async () => {
    // given
    const body = { username: `twin-${database.kind}`, displayName: 'Twin', roles: ['staff'] }
    // when
    const answers = await Promise.all([1, 2, 3, 4].map(() => admin.post('/users', body)))
    // then
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409])
  })

  // issue item 7
  it.each([
    ['text/plain', 415, 'Unsupported Media Type', '{}'],
    ['application/json; charset=latin-9', 415, 'Unsupported Media Type', '{}'],
    ['application/json', 413, 'Payload Too Large', JSON.stringify({ x: 'x'.repeat(2_100_000) })],
  ])('answers a body sent as %s with %i %s', async (type, status, title, body) => {
    // when
    const answer = await send({
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': type },
      body,
    })
    // then
    expect(answer.status).toBe(status)
    expect(JSON.parse(answer.text)).toMatchObject({ status, title })
  })
})
