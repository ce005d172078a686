/**
 * The server's way to Camunda user tasks: the Orchestration Cluster REST API (v2) of Camunda 8.8,
 * the public API a Camunda 8.8 cluster and the embedded engine both serve (same paths, bodies,
 * errors and cursor paging). Only the user-task routes the inbox needs are wrapped, typed as 8.8
 * documents them; authentication is the one of the gRPC client (see `zeebe-client.ts`).
 */

/** A user task as `POST /v2/user-tasks/search` and `GET /v2/user-tasks/{key}` return it. */
export interface CamundaUserTask {
  userTaskKey: string
  name?: string
  /** CREATED, COMPLETED, CANCELED, FAILED (and the transitional CREATING, ASSIGNING, …). */
  state: string
  assignee?: string
  elementId: string
  elementInstanceKey: string
  candidateGroups?: string[]
  candidateUsers?: string[]
  processDefinitionId: string
  processDefinitionKey: string
  processDefinitionVersion: number
  processInstanceKey: string
  processName?: string
  creationDate?: string
  completionDate?: string
  dueDate?: string
  followUpDate?: string
  /** The key of the linked form the engine resolved. */
  formKey?: string
  /** A custom form reference (`zeebe:formDefinition externalReference`). */
  externalFormReference?: string
  customHeaders?: Record<string, string>
  priority?: number
}

/** A variable as `POST /v2/user-tasks/{key}/variables/search` returns it (value as JSON text). */
interface CamundaVariable {
  name: string
  value: string
  scopeKey: string
}

/** One page of a v2 search, with 8.8's cursors. */
export interface SearchPage<T> {
  items: T[]
  page: { totalItems?: number; endCursor?: string | null }
}

/** A v2 search body: filter, sort and cursor paging as Camunda 8.8 takes them. */
export interface SearchBody {
  filter?: Record<string, unknown>
  sort?: { field: string; order?: 'ASC' | 'DESC' }[]
  page?: { limit: number; after?: string }
}

/** What the inbox does with Camunda user tasks through v2 (the REST client, or a test's fake). */
export interface UserTaskApi {
  searchUserTasks(body: SearchBody): Promise<SearchPage<CamundaUserTask>>
  getUserTask(userTaskKey: string): Promise<CamundaUserTask>
  /** Every variable the task sees (its scope and the scopes around it), the innermost winning. */
  userTaskVariables(userTaskKey: string): Promise<Record<string, unknown>>
  /** Assigns; `allowOverride: false` is a claim (409 when someone else has it). */
  assignUserTask(userTaskKey: string, assignee: string, allowOverride: boolean): Promise<void>
  unassignUserTask(userTaskKey: string): Promise<void>
  completeUserTask(userTaskKey: string, variables: Record<string, unknown>): Promise<void>
}

/** An HTTP error answer of the v2 API (RFC 9457 problem JSON as 8.8 sends it). */
export class CamundaRestError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
  ) {
    super(`${status} ${title}: ${detail}`)
    this.name = 'CamundaRestError'
  }
}

/** The HTTP status of a v2 error answer (undefined: no answer, e.g. the cluster is down). */
export function restStatus(err: unknown): number | undefined {
  return err instanceof CamundaRestError ? err.status : undefined
}

export interface CamundaRestOptions {
  /** `http(s)://host:port` of the API (without `/v2`). */
  address: string
  /** Authentication headers, fresh for each request (an OAuth token is renewed by its provider). */
  headers?: () => Promise<Record<string, string>>
  /** Per request, ms. Default 10 s. */
  timeoutMs?: number
}

const PAGE = 100

/** The v2 user-task routes over fetch. */
export class CamundaRest implements UserTaskApi {
  private readonly base: string

  constructor(private readonly options: CamundaRestOptions) {
    this.base = `${options.address.replace(/\/+$/, '')}/v2`
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        accept: 'application/json, application/problem+json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(await this.options.headers?.()),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    })
    const text = await res.text()
    if (!res.ok) {
      let title = res.statusText
      let detail = text
      try {
        const problem = JSON.parse(text) as { title?: string; detail?: string }
        title = problem.title ?? title
        detail = problem.detail ?? detail
      } catch {
        // not problem JSON (a proxy's page): the text is the detail
      }
      throw new CamundaRestError(res.status, title, detail)
    }
    return (text ? JSON.parse(text) : undefined) as T
  }

  searchUserTasks(body: SearchBody) {
    return this.call<SearchPage<CamundaUserTask>>('POST', '/user-tasks/search', body)
  }

  getUserTask(userTaskKey: string) {
    return this.call<CamundaUserTask>('GET', `/user-tasks/${encodeURIComponent(userTaskKey)}`)
  }

  async userTaskVariables(userTaskKey: string): Promise<Record<string, unknown>> {
    const path = `/user-tasks/${encodeURIComponent(userTaskKey)}/variables/search?truncateValues=false`
    const found: CamundaVariable[] = []
    let after: string | undefined
    for (;;) {
      const page = await this.call<SearchPage<CamundaVariable>>('POST', path, {
        page: { limit: PAGE, ...(after ? { after } : {}) },
      })
      found.push(...page.items)
      after = page.page.endCursor ?? undefined
      if (page.items.length < PAGE || !after) break
    }
    // inner scopes shadow outer ones: the larger scope key is the later (inner) element instance
    found.sort((a, b) => (BigInt(a.scopeKey) < BigInt(b.scopeKey) ? -1 : 1))
    const vars: Record<string, unknown> = {}
    for (const v of found) vars[v.name] = parseValue(v.value)
    return vars
  }

  async assignUserTask(userTaskKey: string, assignee: string, allowOverride: boolean) {
    await this.call('POST', `/user-tasks/${encodeURIComponent(userTaskKey)}/assignment`, {
      assignee,
      allowOverride,
      action: allowOverride ? 'assign' : 'claim',
    })
  }

  async unassignUserTask(userTaskKey: string) {
    await this.call('DELETE', `/user-tasks/${encodeURIComponent(userTaskKey)}/assignee`)
  }

  async completeUserTask(userTaskKey: string, variables: Record<string, unknown>) {
    await this.call('POST', `/user-tasks/${encodeURIComponent(userTaskKey)}/completion`, {
      variables,
    })
  }
}

/** A v2 variable value is JSON text; one that does not parse is kept as the text. */
function parseValue(value: string): unknown {
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}
