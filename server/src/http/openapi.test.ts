import { describe, expect, it } from 'vitest'
import { ajv } from './validation'
import { OpenApiRegistry } from './openapi'

interface Operation {
  operationId: string
  parameters: { name: string; in: string; required: boolean }[]
  requestBody?: { content: { 'application/json': { schema: object } } }
  responses: Record<string, unknown>
  'x-roles': unknown
}

describe('OpenAPI registry', () => {
  it('turns registered operations into an OpenAPI 3.1 document with path parameters and bodies', () => {
    // given
    const registry = new OpenApiRegistry()
    const body = {
      type: 'object',
      properties: { title: { type: 'string' } },
      required: ['title'],
      additionalProperties: false,
    }
    registry.register(
      { method: 'get', path: '/incidents/:id', summary: 'Get', roles: 'any' },
      {
        method: 'post',
        path: '/incidents/:id/comments',
        summary: 'Comment',
        roles: ['admin', 'staff'],
        requestBody: body,
        query: [{ name: 'notify', schema: { type: 'boolean' } }],
      },
      { method: 'get', path: '/openapi.json', summary: 'Doc', roles: 'public' },
    )
    // when
    const doc = registry.document() as {
      openapi: string
      paths: Record<string, Record<string, Operation>>
    }
    // then
    expect(doc.openapi).toBe('3.1.0')
    const get = doc.paths['/api/incidents/{id}']!.get!
    expect(get.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
    ])
    const post = doc.paths['/api/incidents/{id}/comments']!.post!
    expect(post.responses).toHaveProperty('201')
    expect(post['x-roles']).toEqual(['admin', 'staff'])
    expect(post.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:notify'])
    // the body schema is the very schema the route validates with
    expect(ajv.validateSchema(post.requestBody!.content['application/json'].schema)).toBe(true)
    expect(doc.paths['/api/openapi.json']!.get).toHaveProperty('security', [])
    const ids = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId))
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('shows the schema a route validates a path parameter with', () => {
    // given
    const registry = new OpenApiRegistry()
    const id = { type: 'integer', minimum: 1, maximum: 2147483647 }
    // when
    registry.register({
      method: 'get',
      path: '/users/:id',
      summary: 'Get',
      roles: 'any',
      params: { id },
    })
    const doc = registry.document() as { paths: Record<string, Record<string, Operation>> }
    // then
    expect(doc.paths['/api/users/{id}']!.get!.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: id },
    ])
  })

  it('keeps one operation per method and path when a router registers twice', () => {
    // given
    const registry = new OpenApiRegistry()
    // when
    registry.register({ method: 'get', path: '/x', summary: 'first', roles: 'any' })
    registry.register({ method: 'get', path: '/x', summary: 'second', roles: 'any' })
    // then
    expect(registry.list()).toMatchObject([{ summary: 'second' }])
  })
})
