/**
 * The client's HTTP access: JSON in and out, the CSRF header on state-changing calls, and
 * problem JSON turned into {@link ApiError}.
 */
export interface FieldError {
  path: string
  message: string
}

/** A failed request: HTTP status, problem title and detail, field errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly errors: FieldError[] = [],
    /** The problem JSON's extension members (e.g. `draftId`, `deployedVersion`). */
    readonly problem: Record<string, unknown> = {},
  ) {
    super(detail)
  }
}

/** Window event fired when a request finds the session gone. */
export const SESSION_EXPIRED = 'sms:session-expired'

let csrfToken = ''
/** Remembers the CSRF token sent on state-changing requests. */
export const setCsrfToken = (token: string) => {
  csrfToken = token
}

/** Calls the API at `/api${path}`; resolves with the JSON body, rejects with {@link ApiError}. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const method = init.method ?? 'GET'
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (init.body !== undefined) headers['Content-Type'] = 'application/json'
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  const res = await fetch(`/api${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  if (res.status === 204) return undefined as T
  const data: unknown = await res.json().catch(() => ({}))
  if (res.status === 401 && !path.startsWith('/auth/') && path !== '/me') {
    // the session ended (expired or logged out elsewhere): the app shows the login form
    window.dispatchEvent(new Event(SESSION_EXPIRED))
  }
  if (!res.ok) {
    const p = data as { title?: string; detail?: string; errors?: FieldError[] }
    throw new ApiError(
      res.status,
      p.title ?? res.statusText,
      p.detail ?? 'Request failed',
      p.errors ?? [],
      data && typeof data === 'object' ? (data as Record<string, unknown>) : {},
    )
  }
  return data as T
}
