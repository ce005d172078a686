/**
 * The server's client of the Orchestration Cluster REST API (v2): Camunda's own 8.8 client
 * (`@camunda8/orchestration-cluster-api`), pointed at a Camunda 8.8 cluster
 * (`CAMUNDA_REST_ADDRESS`) or at the embedded engine's v2 port, with the auth settings of the
 * gRPC client. The same code runs against both.
 */
import { createCamundaClient, type CamundaClient } from '@camunda8/orchestration-cluster-api'
import type { Config } from '../config'

export type CamundaRestClient = CamundaClient

/**
 * A v2 client for `restAddress` (`http://host:port`, without `/v2`). `ZEEBE_AUTH_STRATEGY`
 * `OAUTH` uses the client's OAuth flow with the Zeebe client credentials; `BEARER` sends the
 * static token; `NONE` (and the embedded engine, unauthenticated on loopback) sends nothing.
 */
export function createCamundaRestClient(
  config: Pick<
    Config,
    | 'ZEEBE_AUTH_STRATEGY'
    | 'ZEEBE_CLIENT_ID'
    | 'ZEEBE_CLIENT_SECRET'
    | 'ZEEBE_OAUTH_URL'
    | 'ZEEBE_TOKEN_AUDIENCE'
    | 'ZEEBE_BEARER_TOKEN'
  >,
  restAddress: string,
): CamundaRestClient {
  const base = `${restAddress.replace(/\/+$/, '')}/v2`
  const oauth = config.ZEEBE_AUTH_STRATEGY === 'OAUTH'
  const bearer = config.ZEEBE_AUTH_STRATEGY === 'BEARER' ? config.ZEEBE_BEARER_TOKEN : ''
  return createCamundaClient({
    // settings come from config.ts only, never from the process environment
    env: {},
    config: {
      CAMUNDA_REST_ADDRESS: base,
      CAMUNDA_AUTH_STRATEGY: oauth ? 'OAUTH' : 'NONE',
      ...(oauth
        ? {
            CAMUNDA_CLIENT_ID: config.ZEEBE_CLIENT_ID,
            CAMUNDA_CLIENT_SECRET: config.ZEEBE_CLIENT_SECRET,
            CAMUNDA_OAUTH_URL: config.ZEEBE_OAUTH_URL,
            CAMUNDA_TOKEN_AUDIENCE: config.ZEEBE_TOKEN_AUDIENCE,
          }
        : {}),
    },
    ...(bearer
      ? {
          fetch: (input: RequestInfo | URL, init?: RequestInit) => {
            // the client passes a Request whose own headers (content type) must be kept
            const request = new Request(input, init)
            request.headers.set('authorization', `Bearer ${bearer}`)
            return fetch(request)
          },
        }
      : {}),
  })
}

/** The reason of a failed v2 call: the problem JSON's `detail` (RFC 9457), else its message. */
export function restErrorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const o = err as { body?: unknown; detail?: unknown; message?: unknown }
    const body = o.body as { detail?: unknown; title?: unknown } | undefined
    if (body && typeof body.detail === 'string') return body.detail
    if (typeof o.detail === 'string') return o.detail
    if (typeof o.message === 'string') return o.message
  }
  return String(err)
}
