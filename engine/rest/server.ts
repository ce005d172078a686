/**
 * The engine's Orchestration Cluster REST API (v2) server: Camunda 8.8's paths, bodies, paging
 * and problem answers (RFC 9457), on its own port (default 8080 like Camunda's gateway).
 * Route modules (engine/rest/*.routes.ts) supply the handlers; this file only matches routes,
 * reads bodies and maps errors.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EngineError } from '../api'
import { allRoutes } from './routes'
import {
  RestProblem,
  type RestContext,
  type RestMethod,
  type RestRequest,
  type RestResponse,
  type RestRoute,
} from './types'

/** Largest request body accepted (deployments carry whole BPMN/DMN/form files). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024

/** HTTP status of each engine rejection, as Camunda 8.8's gateway maps broker rejections. */
const STATUS_OF_ENGINE_CODE: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  RESOURCE_EXHAUSTED: 429,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  INTERNAL: 500,
}

export interface RestServerOptions {
  context: RestContext
  host: string
  /** 0 picks a free port. */
  port: number
  /** Routes to serve; default {@link allRoutes}. */
  routes?: RestRoute[]
  /**
   * Decides whether a request may be served (e.g. a bearer token when bound beyond loopback);
   * absent = every request. A refusal answers 401.
   */
  authenticate?: (req: IncomingMessage) => boolean
  /** Reports handler failures that become 500 answers (default: ignored). */
  onError?: (err: unknown) => void
}

export interface RestServer {
  /** `http://host:port` */
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}

interface CompiledRoute {
  route: RestRoute
  pattern: RegExp
  names: string[]
}

function compile(route: RestRoute): CompiledRoute {
  const names: string[] = []
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      names.push(segment.slice(1))
      return '([^/]+)'
    })
    .join('/')
  return { route, pattern: new RegExp(`^${source}/?$`), names }
}

function problemBody(status: number, title: string, detail: string, instance: string) {
  return { type: 'about:blank', title, status, detail, instance }
}

function send(res: ServerResponse, answer: RestResponse): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status, { 'content-length': 0, 'cache-control': 'no-store' })
    res.end()
    return
  }
  const type = answer.contentType ?? 'application/json'
  const data =
    type === 'application/json' || type === 'application/problem+json'
      ? Buffer.from(JSON.stringify(answer.body))
      : Buffer.isBuffer(answer.body)
        ? answer.body
        : Buffer.from(String(answer.body))
  res.writeHead(answer.status, {
    'content-type': type.includes('charset') ? type : `${type}; charset=utf-8`,
    'content-length': data.length,
    'cache-control': 'no-store',
  })
  res.end(data)
}

function sendProblem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  path: string,
) {
  send(res, {
    status,
    body: problemBody(status, title, detail, path),
    contentType: 'application/problem+json',
  })
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(
          new RestProblem(
            413,
            'PAYLOAD_TOO_LARGE',
            `The request body exceeds ${MAX_BODY_BYTES} bytes`,
          ),
        )
        req.destroy()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Maps what a handler threw to a problem answer. */
export function problemOf(err: unknown): { status: number; title: string; detail: string } {
  if (err instanceof RestProblem)
    return { status: err.status, title: err.title, detail: err.detail }
  if (err instanceof EngineError) {
    return { status: STATUS_OF_ENGINE_CODE[err.code] ?? 500, title: err.code, detail: err.message }
  }
  return { status: 500, title: 'INTERNAL', detail: 'The request could not be processed' }
}

/** Serves `routes` on `host:port` until stopped. */
export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const compiled = (options.routes ?? allRoutes()).map(compile)
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let path = '/'
    let query = new URLSearchParams()
    const raw = req.url ?? '/'
    const q = raw.indexOf('?')
    path = q < 0 ? raw : raw.slice(0, q)
    query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1))
    try {
      if (options.authenticate && !options.authenticate(req)) {
        sendProblem(res, 401, 'UNAUTHORIZED', 'The request carries no valid credentials', path)
        return
      }
      const method = (req.method ?? 'GET').toUpperCase()
      let pathMatched = false
      for (const { route, pattern, names } of compiled) {
        const m = pattern.exec(path)
        if (!m) continue
        pathMatched = true
        if (route.method !== method) continue
        const params: Record<string, string> = {}
        names.forEach((name, i) => {
          try {
            params[name] = decodeURIComponent(m[i + 1] ?? '')
          } catch {
            throw new RestProblem(
              400,
              'INVALID_ARGUMENT',
              `Path segment ${name} is not valid URL encoding`,
            )
          }
        })
        const rawBody = await readBody(req)
        const contentType = (req.headers['content-type'] ?? '').toLowerCase()
        let body: unknown
        if (rawBody.length > 0 && contentType.startsWith('application/json')) {
          try {
            body = JSON.parse(rawBody.toString('utf8'))
          } catch {
            throw new RestProblem(
              400,
              'Bad Request',
              'Failed to read request: the body is not valid JSON',
            )
          }
        }
        const gone = new AbortController()
        res.on('close', () => {
          if (!res.writableFinished) gone.abort()
        })
        const request: RestRequest = {
          method: method as RestMethod,
          path,
          params,
          query,
          headers: req.headers,
          body,
          rawBody,
          contentType,
          signal: gone.signal,
        }
        send(res, await route.handler(request, options.context))
        return
      }
      if (pathMatched)
        sendProblem(res, 405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${path}`, path)
      else sendProblem(res, 404, 'NOT_FOUND', `No endpoint ${path}`, path)
    } catch (err) {
      const problem = problemOf(err)
      if (problem.status === 500) options.onError?.(err)
      if (!res.headersSent) sendProblem(res, problem.status, problem.title, problem.detail, path)
      else res.destroy()
    }
  }
  const server: Server = createServer((req, res) => {
    void handle(req, res)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
