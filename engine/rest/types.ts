/**
 * The contract between the engine's Orchestration Cluster REST API (v2) server and its route
 * modules. Each module under engine/rest/ exports a list of {@link RestRoute}s; routes.ts joins
 * them; server.ts matches a request to a route, parses its body and turns thrown errors into
 * RFC 9457 problem JSON as Camunda 8.8 sends them.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { EngineApi } from '../api'
import type { SearchStore } from '../search/store'

export type RestMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RestRequest {
  method: RestMethod
  /** Path without the query string, e.g. `/v2/user-tasks/2251799813685249/assignment`. */
  path: string
  /** Values of the route's `:name` segments, URL-decoded. */
  params: Record<string, string>
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** The body parsed as JSON when its type is application/json (undefined when empty). */
  body: unknown
  /** The raw body bytes (multipart uploads read this with `contentType`). */
  rawBody: Buffer
  contentType: string
  /** Aborted when the client goes away before the answer was sent (long polls stop waiting). */
  signal: AbortSignal
}

export interface RestResponse {
  status: number
  /** Serialized as JSON unless `contentType` says otherwise (then sent as a string/Buffer). */
  body?: unknown
  contentType?: string
}

/** What every handler can use. Modules that need more (a search store) add it here. */
export interface RestContext {
  engine: EngineApi
  /** The secondary storage the search routes read (engine/search/); absent = searches answer 503. */
  search?: SearchStore
}

export type RestHandler = (req: RestRequest, ctx: RestContext) => Promise<RestResponse>

export interface RestRoute {
  method: RestMethod
  /** Camunda 8.8's path with `:name` placeholders, e.g. `/v2/process-instances/:processInstanceKey`. */
  path: string
  /** The operationId of Camunda 8.8's OpenAPI spec for this path and method. */
  operationId: string
  handler: RestHandler
}

/**
 * A problem answer (RFC 9457) as Camunda 8.8's gateway writes it: `type` about:blank, `title`
 * the error class (NOT_FOUND, INVALID_ARGUMENT, …), `status`, `detail`, and `instance` (the
 * request path, filled by the server).
 */
export class RestProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail)
  }
}

export const badRequest = (detail: string) => new RestProblem(400, 'INVALID_ARGUMENT', detail)
export const notFound = (detail: string) => new RestProblem(404, 'NOT_FOUND', detail)
