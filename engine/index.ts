/**
 * The embedded, Zeebe-compatible engine: a single-node broker that serves Zeebe's gateway
 * protocol over gRPC. The server starts it in-process when no ZEEBE_GRPC_ADDRESS is set and
 * talks to it through the official client exactly as it would to a real cluster.
 */
import * as grpc from '@grpc/grpc-js'
import { loadGatewayService } from './gateway/proto'
import type { SqlClient } from './state/sql'
import { ZEEBE_COMPAT_VERSION } from './version'

export type { SqlClient } from './state/sql'

export interface StartEngineOptions {
  /** Database for the record log (PGlite or a PostgreSQL server). */
  sql: SqlClient
  /** gRPC port; 0 picks a free one. Default 26500. */
  port?: number
  /** Interface to bind; default 127.0.0.1. */
  host?: string
}

export interface RunningEngine {
  /** `host:port` the gateway listens on. */
  readonly address: string
  readonly port: number
  stop(): Promise<void>
}

export async function startEngine(options: StartEngineOptions): Promise<RunningEngine> {
  const host = options.host ?? '127.0.0.1'
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 })
  const service = loadGatewayService()
  const handlers: grpc.UntypedServiceImplementation = {}
  for (const name of Object.keys(service)) {
    handlers[name] = (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
      callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented` })
  }
  handlers.Topology = (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
    callback(null, {
      brokers: [
        {
          nodeId: 0,
          host,
          port: boundPort,
          version: ZEEBE_COMPAT_VERSION,
          partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }],
        },
      ],
      clusterSize: 1,
      partitionsCount: 1,
      replicationFactor: 1,
      gatewayVersion: ZEEBE_COMPAT_VERSION,
    })
  server.addService(service, handlers)
  await options.sql.query('select 1')
  const boundPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${host}:${options.port ?? 26500}`,
      grpc.ServerCredentials.createInsecure(),
      (err, port) => (err ? reject(err) : resolve(port)),
    ),
  )
  return {
    address: `${host}:${boundPort}`,
    port: boundPort,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve())
        setTimeout(() => server.forceShutdown(), 2000).unref()
      }),
  }
}
