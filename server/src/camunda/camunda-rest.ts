/**
 * The server's one client of Camunda 8.8's Orchestration Cluster REST API (v2): the searches the
 * history, instance tracking and crash recovery read, the user-task routes the inbox drives,
 * and running-instance migration. The same code talks to the embedded engine's `/v2`
 * (engine/rest/, behind the start's random token) and to a Camunda 8.8 cluster's
 * (`CAMUNDA_REST_ADDRESS`, with the Zeebe gateway's auth settings `ZEEBE_AUTH_STRATEGY` …).
 *
 * One place for the base URL, authentication, timeouts, errors and paging:
 * - an answer other than 2xx is a {@link CamundaRestError} with the RFC 9457 problem's title
 *   and detail; no answer (unreachable, timed out) or 502/503/504 is a `ServiceUnavailableError`
 *   (503 to our own callers, retried by the reconciler);
 * - searches are read with 8.8's cursor paging ({@link CamundaRest.searchAll}).
 *
 * Searches read Camunda's secondary storage, which the exporter fills some time after a command
 * returned (eventual consistency, on our engine as on a cluster): a caller that needs a fact
 * right after a command polls with {@link pollUntil} and a bound.
 */
import type { Config } from '../config'
import { ServiceUnavailableError } from '../errors'
import type {
  CamundaUserTask,
  MigrationMappingInstruction,
  ProcessInstance,
  SearchBody,
  SearchEntity,
  SearchPage,
  SearchQuery,
  SequenceFlow,
  UserTaskApi,
} from './v2-types'

export type * from './v2-types'

/** A v2 answer that was not 2xx, with its problem JSON (RFC 9457, as 8.8 sends it). */
export class CamundaRestError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    path: string,
  ) {
    super(`${path}: ${status} ${title}${detail ? `: ${detail}` : ''}`)
    this.name = 'CamundaRestError'
  }
}

/** The HTTP status of a v2 error answer (undefined: no answer, e.g. the cluster is down). */
export function restStatus(err: unknown): number | undefined {
  return err instanceof CamundaRestError ? err.status : undefined
}

/** The reason of a failed v2 call: the problem's detail (else its title), or the message. */
export function restErrorText(err: unknown): string {
  if (err instanceof CamundaRestError) return err.detail || err.title
  return err instanceof Error ? err.message : String(err)
}

/** The auth settings of the Zeebe gateway, which Camunda 8.8 applies to both APIs alike. */
export type RestAuthConfig = Pick<
  Config,
  | 'ZEEBE_AUTH_STRATEGY'
  | 'ZEEBE_BEARER_TOKEN'
  | 'ZEEBE_CLIENT_ID'
  | 'ZEEBE_CLIENT_SECRET'
  | 'ZEEBE_OAUTH_URL'
  | 'ZEEBE_TOKEN_AUDIENCE'
>

export interface CamundaRestOptions {
  /** `http(s)://host:port` of the API (without `/v2`). */
  address: string
  auth: RestAuthConfig
  /** Per command (assign, complete, migrate …), ms. Default 10 s. */
  timeoutMs?: number
  /** Per search page or read, ms. Default 30 s. */
  searchTimeoutMs?: number
}

/** Search pages are read this many items at a time (8.8 allows up to 10,000). */
const PAGE = 1000
const COMMAND_TIMEOUT_MS = 10_000
const SEARCH_TIMEOUT_MS = 30_000

export class CamundaRest implements UserTaskApi {
  private readonly base: string
  private token?: { value: string; expires: number }

  constructor(private readonly options: CamundaRestOptions) {
    this.base = `${options.address.replace(/\/+$/, '')}/v2`
  }

  // ---- searches (history, instance tracking, recovery, migration) -------------------------

  /** Every item a search finds, page after page (cursor paging, so pages stay stable). */
  searchAll<T>(entity: SearchEntity, query: SearchQuery = {}): Promise<T[]> {
    // whole values: the history shows what the engine holds, not its first 8 KiB
    const path = `/${entity}/search${entity === 'variables' ? '?truncateValues=false' : ''}`
    return this.collect<T>(path, query)
  }

  /** One process instance, or undefined when the secondary storage has none (404). */
  async processInstance(key: string): Promise<ProcessInstance | undefined> {
    try {
      return await this.read<ProcessInstance>('GET', `/process-instances/${enc(key)}`)
    } catch (err) {
      if (restStatus(err) === 404) return undefined
      throw err
    }
  }

  /** The sequence flows an instance took (each flow once). */
  async sequenceFlows(processInstanceKey: string): Promise<SequenceFlow[]> {
    const path = `/process-instances/${enc(processInstanceKey)}/sequence-flows`
    return (await this.read<{ items: SequenceFlow[] }>('GET', path)).items
  }

  /** Migrates a running instance (`POST /v2/process-instances/{key}/migration`). */
  async migrateProcessInstance(
    processInstanceKey: string,
    targetProcessDefinitionKey: string,
    mappingInstructions: readonly MigrationMappingInstruction[],
  ): Promise<void> {
    await this.command('POST', `/process-instances/${enc(processInstanceKey)}/migration`, {
      targetProcessDefinitionKey,
      mappingInstructions,
    })
  }

  // ---- user tasks (the inbox) ---------------------------------------------------------------

  searchUserTasks(body: SearchBody): Promise<SearchPage<CamundaUserTask>> {
    return this.read<SearchPage<CamundaUserTask>>('POST', '/user-tasks/search', body)
  }

  getUserTask(userTaskKey: string): Promise<CamundaUserTask> {
    return this.read<CamundaUserTask>('GET', `/user-tasks/${enc(userTaskKey)}`)
  }

  async userTaskVariables(userTaskKey: string): Promise<Record<string, unknown>> {
    const path = `/user-tasks/${enc(userTaskKey)}/variables/search?truncateValues=false`
    const found = await this.collect<{ name: string; value: string; scopeKey: string }>(path, {})
    // inner scopes shadow outer ones: the larger scope key is the later (inner) element instance
    found.sort((a, b) => (BigInt(a.scopeKey) < BigInt(b.scopeKey) ? -1 : 1))
    const vars: Record<string, unknown> = {}
    for (const v of found) vars[v.name] = parseValue(v.value)
    return vars
  }

  async assignUserTask(userTaskKey: string, assignee: string, allowOverride: boolean) {
    await this.command('POST', `/user-tasks/${enc(userTaskKey)}/assignment`, {
      assignee,
      allowOverride,
      action: allowOverride ? 'assign' : 'claim',
    })
  }

  async unassignUserTask(userTaskKey: string) {
    await this.command('DELETE', `/user-tasks/${enc(userTaskKey)}/assignee`)
  }

  async completeUserTask(userTaskKey: string, variables: Record<string, unknown>) {
    await this.command('POST', `/user-tasks/${enc(userTaskKey)}/completion`, { variables })
  }

  // ---- transport ------------------------------------------------------------------------------

  /** Every page of a search at `path`, following `page.endCursor`. */
  private async collect<T>(path: string, query: SearchQuery): Promise<T[]> {
    const out: T[] = []
    let after: string | undefined
    for (;;) {
      const page = await this.read<SearchPage<T>>('POST', path, {
        ...query,
        page: { limit: PAGE, ...(after ? { after } : {}) },
      })
      out.push(...page.items)
      after = page.page.endCursor ?? undefined
      if (page.items.length < PAGE || !after) return out
    }
  }

  private read<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return this.request<T>(method, path, body, this.options.searchTimeoutMs ?? SEARCH_TIMEOUT_MS)
  }

  private command<T>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    return this.request<T>(method, path, body, this.options.timeoutMs ?? COMMAND_TIMEOUT_MS)
  }

  private async request<T>(
    method: string,
    path: string,
    body: unknown,
    timeoutMs: number,
  ): Promise<T> {
    let res: Response
    let text: string
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          accept: 'application/json, application/problem+json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(await this.authHeaders()),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      })
      text = await res.text()
    } catch (err) {
      if (err instanceof ServiceUnavailableError) throw err
      throw new ServiceUnavailableError('The engine’s REST API cannot be reached.', {
        cause: err,
      })
    }
    if (res.status === 502 || res.status === 503 || res.status === 504) {
      throw new ServiceUnavailableError(`The engine’s REST API answered ${res.status}.`)
    }
    if (!res.ok) {
      let title = res.statusText
      let detail = text
      try {
        const problem = JSON.parse(text) as { title?: string; detail?: string }
        title = problem.title ?? title
        detail = problem.detail ?? ''
      } catch {
        // not problem JSON (a proxy's page): the text is the detail
      }
      throw new CamundaRestError(res.status, title, detail, path)
    }
    return (text ? JSON.parse(text) : undefined) as T
  }

  /**
   * None, the static bearer token, or an OAuth token by client credentials (audience
   * `ZEEBE_TOKEN_AUDIENCE`), as the Zeebe client gets its own; renewed a minute before expiry.
   */
  private async authHeaders(): Promise<Record<string, string>> {
    const a = this.options.auth
    if (a.ZEEBE_AUTH_STRATEGY === 'BEARER') {
      return { authorization: `Bearer ${a.ZEEBE_BEARER_TOKEN}` }
    }
    if (a.ZEEBE_AUTH_STRATEGY !== 'OAUTH') return {}
    if (!this.token || this.token.expires < Date.now() + 60_000) {
      const res = await fetch(a.ZEEBE_OAUTH_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: a.ZEEBE_CLIENT_ID,
          client_secret: a.ZEEBE_CLIENT_SECRET,
          audience: a.ZEEBE_TOKEN_AUDIENCE,
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? COMMAND_TIMEOUT_MS),
      })
      if (!res.ok) throw new ServiceUnavailableError(`The OAuth server answered ${res.status}.`)
      const t = (await res.json()) as { access_token: string; expires_in?: number }
      this.token = { value: t.access_token, expires: Date.now() + (t.expires_in ?? 300) * 1000 }
    }
    return { authorization: `Bearer ${this.token.value}` }
  }
}

/**
 * Calls `read` until it returns a value (not undefined) or `waitMs` has passed since `since`
 * (default: now); the last answer, possibly undefined, is returned. This is how the server waits
 * for secondary storage to show a fact it needs after a command.
 */
export async function pollUntil<T>(
  read: () => Promise<T | undefined>,
  options: { waitMs: number; since?: number; intervalMs?: number },
): Promise<T | undefined> {
  const until = (options.since ?? Date.now()) + options.waitMs
  for (;;) {
    const value = await read()
    if (value !== undefined || Date.now() >= until) return value
    await new Promise((r) => setTimeout(r, Math.min(options.intervalMs ?? 200, until - Date.now())))
  }
}

const enc = encodeURIComponent

/** A v2 variable value is JSON text; one that does not parse is kept as the text. */
function parseValue(value: string): unknown {
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}
