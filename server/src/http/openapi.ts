/**
 * The OpenAPI 3.1 description of the API, assembled from what each routes file registers:
 * `openapi.register({ method, path, summary, roles, requestBody, … })` next to the route. The
 * document is served at `GET /api/openapi.json`.
 */
import { Router } from 'express'
import { productVersion } from '../version'

/** HTTP methods the API uses. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** A query parameter of an operation. */
export interface QueryParameter {
  name: string
  description?: string
  schema: Record<string, unknown>
  required?: boolean
}

/** One operation, as a routes file registers it. */
export interface OperationSpec {
  method: HttpMethod
  /** Express-style path under `/api`, e.g. `/incidents/:id` (shown as `/api/incidents/{id}`). */
  path: string
  summary: string
  /** Roles allowed to call it (further record-level rules go in `description`); `any` = any login; `public` = no login. */
  roles: readonly string[] | 'any' | 'public'
  /** Group of the operation in the document, e.g. `incidents`. */
  tag?: string
  description?: string
  query?: QueryParameter[]
  /** JSON schemas of path parameters by name (default: a string), the ones the route validates. */
  params?: Record<string, Record<string, unknown>>
  /** JSON schema of the request body. */
  requestBody?: Record<string, unknown>
  /** Description of the success response (default `OK`). */
  response?: string
  /** Status of the success response (default 200, or 201 for POST). */
  status?: number
  /** Media type of the success response when not JSON (e.g. downloads). */
  responseType?: string
}

/** Collects operations; later registrations of the same method and path replace earlier ones. */
export class OpenApiRegistry {
  private readonly operations = new Map<string, OperationSpec>()

  register(...ops: OperationSpec[]): void {
    for (const op of ops) this.operations.set(`${op.method} ${op.path}`, op)
  }

  /** Every registered operation, sorted by path and method. */
  list(): OperationSpec[] {
    return [...this.operations.values()].sort((a, b) =>
      a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path),
    )
  }

  /** The OpenAPI 3.1 document. */
  document(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {}
    for (const op of this.list()) {
      const params = [...op.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!)
      const path = `/api${op.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`
      const status = String(op.status ?? (op.method === 'post' ? 201 : 200))
      const roles =
        op.roles === 'public' ? 'no login' : op.roles === 'any' ? 'any role' : op.roles.join(', ')
      ;(paths[path] ??= {})[op.method] = {
        summary: op.summary,
        description: [op.description, `Roles: ${roles}.`].filter(Boolean).join('\n\n'),
        operationId: `${op.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
        tags: op.tag ? [op.tag] : [],
        'x-roles': op.roles,
        ...(op.roles === 'public' ? { security: [] } : {}),
        parameters: [
          ...params.map((name) => ({
            name,
            in: 'path',
            required: true,
            schema: op.params?.[name] ?? { type: 'string' },
          })),
          ...(op.query ?? []).map((q) => ({
            name: q.name,
            in: 'query',
            required: q.required ?? false,
            ...(q.description ? { description: q.description } : {}),
            schema: q.schema,
          })),
        ],
        ...(op.requestBody
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: op.requestBody } },
              },
            }
          : {}),
        responses: {
          [status]: {
            description: op.response ?? 'OK',
            ...(status === '204'
              ? {}
              : { content: { [op.responseType ?? 'application/json']: {} } }),
          },
          default: {
            description: 'Problem (RFC 9457): 400 with field errors, 401, 403, 404, 409…',
            content: {
              'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
            },
          },
        },
      }
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'Service management platform for ISO/IEC 20000-1',
        version: productVersion,
        description:
          'JSON API under /api. Log in with POST /api/auth/login; state-changing requests send the X-CSRF-Token header.',
      },
      servers: [{ url: '/' }],
      security: [{ session: [] }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'sms_session' },
        },
        schemas: {
          Problem: {
            type: 'object',
            properties: {
              status: { type: 'integer' },
              title: { type: 'string' },
              detail: { type: 'string' },
              errors: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { path: { type: 'string' }, message: { type: 'string' } },
                },
              },
            },
            required: ['status', 'title', 'detail'],
          },
        },
      },
      paths,
    }
  }
}

/** The registry every routes file registers with. */
export const openapi = new OpenApiRegistry()

openapi.register({
  method: 'get',
  path: '/openapi.json',
  summary: 'This OpenAPI 3.1 document',
  roles: 'public',
  tag: 'meta',
})

/** `GET /api/openapi.json`. */
export function openapiRoutes(registry: OpenApiRegistry = openapi): Router {
  const router = Router()
  router.get('/openapi.json', (_req, res) => {
    res.json(registry.document())
  })
  return router
}
