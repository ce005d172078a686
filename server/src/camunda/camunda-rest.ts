/**
 * The server's client of Camunda 8.8's Orchestration Cluster REST API (v2): the searches the
 * history, the instance tracking and the crash recovery read. The same code reads the embedded
 * engine's `/v2` (engine/rest/) and a Camunda 8.8 cluster's (`CAMUNDA_REST_ADDRESS`), with the
 * auth settings of the Zeebe gateway (`ZEEBE_AUTH_STRATEGY` …).
 *
 * Searches read Camunda's secondary storage, which the exporter fills some time after a command
 * returned (eventual consistency, on our engine as on a cluster): a caller that needs a fact
 * right after a command polls with {@link pollUntil} and a bound.
 */
import type { Config } from '../config'
import { ServiceUnavailableError } from '../errors'

/** 8.8's ProcessInstanceResult (the fields the server reads). */
export interface ProcessInstance {
  processInstanceKey: string
  processDefinitionKey: string
  processDefinitionId: string
  processDefinitionVersion: number
  startDate: string
  endDate?: string
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED'
  parentProcessInstanceKey?: string
  parentElementInstanceKey?: string
}

/** 8.8's ElementInstanceResult. */
export interface ElementInstance {
  elementInstanceKey: string
  processInstanceKey: string
  processDefinitionKey: string
  elementId: string
  elementName: string
  type: string
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED'
  startDate: string
  endDate?: string
  incidentKey?: string
}

/** 8.8's VariableResult. */
export interface Variable {
  variableKey: string
  name: string
  /** JSON text. */
  value: string
  scopeKey: string
  processInstanceKey: string
  isTruncated: boolean
}

/** 8.8's IncidentResult. */
export interface Incident {
  incidentKey: string
  processInstanceKey?: string
  elementInstanceKey?: string
  elementId: string
  errorType: string
  errorMessage: string
  creationTime?: string
  state: 'ACTIVE' | 'MIGRATED' | 'RESOLVED' | 'PENDING'
  jobKey?: string
}

/** 8.8's JobSearchResult (the fields the server reads). */
export interface Job {
  jobKey: string
  type: string
  worker: string
  state: string
  deadline: string | null
  elementInstanceKey: string
  processInstanceKey: string
  endTime?: string
}

/** 8.8's ProcessInstanceSequenceFlowResult. */
export interface SequenceFlow {
  sequenceFlowId: string
  processInstanceKey: string
}

/** A search body as 8.8 takes it (filter operators `$eq`, `$in`, `$gte` …). */
export interface SearchQuery {
  filter?: Record<string, unknown>
  sort?: { field: string; order?: 'ASC' | 'DESC' }[]
}

/** A v2 answer that was not 2xx, with its problem JSON. */
export class CamundaRestError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string } | undefined,
    path: string,
  ) {
    super(`${path}: ${status} ${problem?.title ?? ''} ${problem?.detail ?? ''}`.trim())
  }
}

type AuthConfig = Pick<
  Config,
  | 'ZEEBE_AUTH_STRATEGY'
  | 'ZEEBE_BEARER_TOKEN'
  | 'ZEEBE_CLIENT_ID'
  | 'ZEEBE_CLIENT_SECRET'
  | 'ZEEBE_OAUTH_URL'
  | 'ZEEBE_TOKEN_AUDIENCE'
>

/** Search pages are read this many items at a time (8.8 allows up to 10,000). */
const PAGE = 1000

export class CamundaRest {
  private readonly base: string
  private token?: { value: string; expires: number }

  constructor(
    /** `http://host:port` of the API (without `/v2`). */
    baseUrl: string,
    private readonly auth: AuthConfig,
  ) {
    this.base = `${baseUrl.replace(/\/+$/, '')}/v2`
  }

  /** Every item a search finds, page after page (cursor paging, so pages stay stable). */
  async searchAll<T>(
    entity:
      'process-instances' | 'element-instances' | 'variables' | 'incidents' | 'jobs' | 'user-tasks',
    query: SearchQuery = {},
  ): Promise<T[]> {
    const out: T[] = []
    // whole values: the history shows what the engine holds, not its first 8 KiB
    const path = `/${entity}/search${entity === 'variables' ? '?truncateValues=false' : ''}`
    let after: string | undefined
    for (;;) {
      const page = await this.request<{ items: T[]; page: { endCursor?: string } }>('POST', path, {
        ...query,
        page: { limit: PAGE, ...(after ? { after } : {}) },
      })
      out.push(...page.items)
      after = page.page.endCursor
      if (page.items.length < PAGE || !after) return out
    }
  }

  /** One process instance, or undefined when the secondary storage has none (404). */
  async processInstance(key: string): Promise<ProcessInstance | undefined> {
    try {
      return await this.request<ProcessInstance>('GET', `/process-instances/${key}`)
    } catch (err) {
      if (err instanceof CamundaRestError && err.status === 404) return undefined
      throw err
    }
  }

  /** The sequence flows an instance took (each flow once). */
  async sequenceFlows(processInstanceKey: string): Promise<SequenceFlow[]> {
    const body = await this.request<{ items: SequenceFlow[] }>(
      'GET',
      `/process-instances/${processInstanceKey}/sequence-flows`,
    )
    return body.items
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(await this.authHeaders()),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      })
    } catch (err) {
      throw new ServiceUnavailableError('The engine’s REST API cannot be reached.', {
        cause: err,
      })
    }
    if (res.status === 503 || res.status === 502 || res.status === 504) {
      throw new ServiceUnavailableError(`The engine’s REST API answered ${res.status}.`)
    }
    if (!res.ok) {
      const problem = (await res.json().catch(() => undefined)) as
        { title?: string; detail?: string } | undefined
      throw new CamundaRestError(res.status, problem, path)
    }
    return (await res.json()) as T
  }

  private async authHeaders(): Promise<Record<string, string>> {
    const a = this.auth
    if (a.ZEEBE_AUTH_STRATEGY === 'BEARER')
      return { authorization: `Bearer ${a.ZEEBE_BEARER_TOKEN}` }
    if (a.ZEEBE_AUTH_STRATEGY !== 'OAUTH') return {}
    // client credentials, as the Zeebe client gets its token; renewed a minute before expiry
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
