/**
 * The gRPC server of the gateway: binds Zeebe's gateway service for an engine on a host and
 * port. Requests may be gzip-compressed and carry `authorization` metadata (the official clients
 * send an empty one); with a `token` every call must carry it as a bearer token (see
 * bearer-guard.ts), without one any caller is served.
 * Responses advertise `grpc-accept-encoding: identity` (see service.ts), so clients that
 * compress by default (the Camunda SDK gzips every message) send the channel's later requests
 * uncompressed.
 */
import * as grpc from '@grpc/grpc-js'
import type { EngineApi } from '../api'
import { loadGatewayService } from './proto'
import { guardHandlers } from './bearer-guard'
import { createGatewayService, type GatewayService } from './service'

export interface GatewayServerOptions {
  engine: EngineApi
  /** Interface to bind; default 127.0.0.1. */
  host?: string
  /** Port; 0 picks a free one. */
  port: number
  /** Long-poll time for ActivateJobs requests that say 0; default 10 s like Zeebe. */
  defaultLongPollMs?: number
  onError?: (err: unknown) => void
  /** Shared secret every call must carry as `authorization: Bearer <token>`; empty = none. */
  token?: string
}

/** A listening gateway. */
export interface GatewayServer {
  /** `host:port` it listens on. */
  readonly address: string
  readonly port: number
  readonly service: GatewayService
  /** Ends polls and streams, lets running calls finish (up to 2 s), then closes. */
  stop(): Promise<void>
}

/** Starts the gRPC gateway for `engine`. */
export async function startGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const host = options.host ?? '127.0.0.1'
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5_000,
  })
  const definition = loadGatewayService()
  let boundPort = 0
  const service = createGatewayService(definition, {
    engine: options.engine,
    advertised: () => ({ host, port: boundPort }),
    defaultLongPollMs: options.defaultLongPollMs,
    onError: options.onError,
  })
  server.addService(
    definition,
    options.token ? guardHandlers(definition, service.handlers, options.token) : service.handlers,
  )
  boundPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${host}:${options.port}`,
      grpc.ServerCredentials.createInsecure(),
      (err, port) => (err ? reject(err) : resolve(port)),
    ),
  )
  let stopping: Promise<void> | undefined
  return {
    address: `${host}:${boundPort}`,
    port: boundPort,
    service,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        service.close()
        const force = setTimeout(() => {
          server.forceShutdown()
          resolve()
        }, 2_000)
        force.unref()
        server.tryShutdown(() => {
          clearTimeout(force)
          resolve()
        })
      })
      return stopping
    },
  }
}
