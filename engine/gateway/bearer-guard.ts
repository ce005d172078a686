/**
 * A shared-secret check on every gateway call: when the engine is given a token, a call must
 * carry `authorization: Bearer <token>` metadata (what the official clients send with
 * `CAMUNDA_AUTH_STRATEGY=BEARER` and `CAMUNDA_OAUTH_TOKEN`), else it ends UNAUTHENTICATED
 * before the engine sees it. Without a token every caller is served, as before.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import * as grpc from '@grpc/grpc-js'

const digest = (s: string) => createHash('sha256').update(s).digest()

/** Whether an `authorization` header value carries `token` (compared in constant time). */
export function bearerMatches(header: unknown, token: string): boolean {
  if (typeof header !== 'string') return false
  const m = /^Bearer\s+(.+)$/i.exec(header.trim())
  return !!m && timingSafeEqual(digest(m[1]!), digest(token))
}

type Handler = (call: never, callback?: never) => void

/** `handlers` with each call checked for the bearer `token` first. */
export function guardHandlers<H extends Record<string, unknown>>(
  definition: grpc.ServiceDefinition,
  handlers: H,
  token: string,
): H {
  const guarded: Record<string, unknown> = {}
  for (const [name, handler] of Object.entries(handlers)) {
    const method = definition[name]
    guarded[name] = (
      call: { metadata: grpc.Metadata; emit(event: 'error', err: unknown): void },
      callback?: (err: grpc.ServiceError | null) => void,
    ) => {
      if (bearerMatches(call.metadata.get('authorization')[0], token)) {
        return (handler as Handler)(call as never, callback as never)
      }
      const err = Object.assign(new Error('This engine needs a bearer token.'), {
        code: grpc.status.UNAUTHENTICATED,
        details: 'This engine needs a bearer token (CAMUNDA_AUTH_STRATEGY=BEARER).',
        metadata: new grpc.Metadata(),
      })
      if (method?.responseStream || !callback) call.emit('error', err)
      else callback(err)
    }
  }
  return guarded as H
}
