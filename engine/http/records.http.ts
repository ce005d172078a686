/**
 * The small HTTP/JSON read endpoint of the engine's record log, for history readers in other
 * processes (the server's evidence and replay features, auditors' tools):
 *
 * - `GET /records?afterPosition=0&limit=100&processInstanceKey=…&valueType=JOB,INCIDENT` →
 *   `{ records: EngineRecord[], lastPosition }`, oldest first; page on with
 *   `afterPosition=lastPosition`. `valueType` may repeat or be comma-separated.
 * - `GET /process-definitions/:key/xml` → the BPMN XML the process definition was deployed
 *   with (`application/xml`), 404 when the key is unknown.
 *
 * Read-only: every other method answers 405 (ISO/IEC 20000-1 4.3.3: records are retrieved, never
 * changed, through this endpoint).
 */
import { bearerMatches } from '../gateway/bearer-guard'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { EngineApi, RecordQuery } from '../api'
import { ValueType, type RecordOf } from '../state/records'

/** Most records one request returns. */
export const MAX_RECORDS_PER_PAGE = 10_000
const DEFAULT_LIMIT = 100
const VALUE_TYPES = new Set<string>(Object.values(ValueType))

class BadRequest extends Error {}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = type === 'application/json' ? JSON.stringify(body) : String(body)
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  res.end(text)
}

function nonNegativeInt(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name)
  if (raw === null || raw === '') return undefined
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)))
    throw new BadRequest(`${name} must be a non-negative integer below 2^53, got '${raw}'`)
  return Number(raw)
}

/** Parses the query string of `GET /records` into a {@link RecordQuery}. */
export function recordQueryOf(params: URLSearchParams): RecordQuery {
  const query: RecordQuery = {
    afterPosition: nonNegativeInt(params, 'afterPosition') ?? 0,
    limit: Math.min(nonNegativeInt(params, 'limit') ?? DEFAULT_LIMIT, MAX_RECORDS_PER_PAGE),
  }
  const pi = params.get('processInstanceKey')
  if (pi) {
    if (!/^\d+$/.test(pi))
      throw new BadRequest(`processInstanceKey must be an int64 key, got '${pi}'`)
    query.processInstanceKey = pi
  }
  const types = params
    .getAll('valueType')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toUpperCase())
    .filter((v) => v !== '')
  for (const t of types) {
    if (!VALUE_TYPES.has(t)) {
      throw new BadRequest(`valueType '${t}' is unknown; known: ${[...VALUE_TYPES].join(', ')}`)
    }
  }
  if (types.length) query.valueTypes = types
  return query
}

/** The BPMN XML held by a PROCESS record's value (`resource`: text or base64). */
function xmlOf(record: RecordOf<'PROCESS'>): string | undefined {
  const resource = record.value.resource
  if (resource.trimStart().startsWith('<')) return resource
  return Buffer.from(resource, 'base64').toString('utf8')
}

/** Finds the XML of a process definition by reading the PROCESS records of the log. */
export async function processDefinitionXml(
  engine: EngineApi,
  processDefinitionKey: string,
): Promise<string | undefined> {
  let afterPosition = 0
  for (;;) {
    const page = await engine.readRecords({
      afterPosition,
      limit: 1000,
      valueTypes: [ValueType.Process],
    })
    for (const r of page) {
      if (r.valueType !== 'PROCESS') continue
      const key = String(r.value.processDefinitionKey ?? r.key)
      if (key === processDefinitionKey) {
        const xml = xmlOf(r)
        if (xml !== undefined) return xml
      }
    }
    if (page.length < 1000) return undefined
    afterPosition = page[page.length - 1]!.position
  }
}

/** A node `http` request handler serving the read endpoint for `engine`. */
export function createRecordsHandler(
  engine: EngineApi,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(engine, req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        const detail = err instanceof Error ? err.message : String(err)
        send(res, 500, { status: 500, title: 'Internal error', detail })
      } else res.destroy()
    })
  }
}

async function handle(engine: EngineApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // the request target is the client's text: `//x` or `//[` do not parse against a base
  const target = req.url ?? '/'
  if (!URL.canParse(target, 'http://engine')) {
    send(res, 400, {
      status: 400,
      title: 'Bad request',
      detail: 'The request target is no URL path',
    })
    return
  }
  const url = new URL(target, 'http://engine')
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, {
      status: 405,
      title: 'Method not allowed',
      detail: 'The record log is read-only',
    })
    return
  }
  try {
    if (url.pathname === '/records') {
      const records = await engine.readRecords(recordQueryOf(url.searchParams))
      const lastPosition = records.length
        ? records[records.length - 1]!.position
        : Number(url.searchParams.get('afterPosition') ?? 0) || 0
      send(res, 200, { records, lastPosition })
      return
    }
    const match = /^\/process-definitions\/([^/]+)\/xml$/.exec(url.pathname)
    if (match) {
      const key = match[1]!
      if (!/^\d+$/.test(key))
        throw new BadRequest(`process definition key must be an int64, got '${key}'`)
      const xml = await processDefinitionXml(engine, key)
      if (xml === undefined) {
        send(res, 404, {
          status: 404,
          title: 'Not found',
          detail: `No process definition with key ${key}`,
        })
      } else send(res, 200, xml, 'application/xml')
      return
    }
    send(res, 404, { status: 404, title: 'Not found', detail: `No resource ${url.pathname}` })
  } catch (err) {
    if (err instanceof BadRequest) {
      send(res, 400, { status: 400, title: 'Bad request', detail: err.message })
      return
    }
    throw err
  }
}

/** A listening read endpoint. */
export interface RecordsHttpServer {
  /** `http://host:port` */
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}

/** Serves {@link createRecordsHandler} on its own port (the standalone engine does this). */
export async function startRecordsHttpServer(options: {
  engine: EngineApi
  host?: string
  /** Shared secret requests must carry as `authorization: Bearer <token>`; empty = none. */
  token?: string
  port: number
}): Promise<RecordsHttpServer> {
  const host = options.host ?? '127.0.0.1'
  const handler = createRecordsHandler(options.engine)
  const token = options.token
  const server: Server = createServer((req, res) => {
    // with a token, the record log is read only by those who carry it (see bearer-guard.ts)
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' })
      res.end(
        JSON.stringify({
          status: 401,
          title: 'Unauthorized',
          detail: 'A bearer token is required.',
        }),
      )
      return
    }
    handler(req, res)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://${host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
