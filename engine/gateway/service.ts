/**
 * Zeebe's gateway service (gateway.proto `gateway_protocol.Gateway`) on top of the engine: each
 * RPC validates and converts its request, calls {@link EngineApi}, and converts the answer. RPCs
 * the engine does not support answer UNIMPLEMENTED naming the RPC. The RPCs are grouped by what
 * they act on: jobs (job-rpcs.ts), process instances, messages and signals (instance-rpcs.ts),
 * deployments and resources (resource-rpcs.ts); Topology is here.
 */
import * as grpc from '@grpc/grpc-js'
import type { EngineApi } from '../api'
import { instanceRpcs } from './instance-rpcs'
import { JobDispatcher } from './job-dispatcher'
import { jobRpcs } from './job-rpcs'
import { resourceRpcs } from './resource-rpcs'
import { type Handlers, unary } from './unary'

export { DEFAULT_RESULT_TIMEOUT_MS } from './instance-rpcs'

/** Long-poll time of ActivateJobs when the request says 0, as Zeebe's gateway default. */
export const DEFAULT_LONG_POLL_MS = 10_000

export interface GatewayServiceOptions {
  engine: EngineApi
  /** Host and port the gateway is reachable at, for Topology (read on each call). */
  advertised: () => { host: string; port: number }
  /** Long-poll time when a request says 0; default {@link DEFAULT_LONG_POLL_MS}. */
  defaultLongPollMs?: number
  /** Reports background failures (job activation for a stream, yielding jobs back). */
  onError?: (err: unknown) => void
}

/** The handlers plus the dispatcher that holds pending polls and streams. */
export interface GatewayService {
  readonly handlers: grpc.UntypedServiceImplementation
  readonly dispatcher: JobDispatcher
  /** Ends pending long polls and open job streams (before the server shuts down). */
  close(): void
}

/** Builds the gateway's handlers for every RPC of the loaded service definition. */
export function createGatewayService(
  definition: grpc.ServiceDefinition,
  options: GatewayServiceOptions,
): GatewayService {
  const { engine } = options
  const longPollDefault = options.defaultLongPollMs ?? DEFAULT_LONG_POLL_MS
  const dispatcher = new JobDispatcher(engine, { onError: options.onError })
  const handlers: Handlers = {}

  for (const name of Object.keys(definition)) {
    handlers[name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback?: unknown) => {
      const error = {
        code: grpc.status.UNIMPLEMENTED,
        details: `${name} is not implemented by this engine`,
      }
      if (typeof callback === 'function') (callback as grpc.sendUnaryData<unknown>)(error)
      else (call as unknown as grpc.ServerWritableStream<unknown, unknown>).emit('error', error)
    }
  }

  handlers.Topology = unary(async () => {
    const { host, port } = options.advertised()
    return {
      brokers: [
        {
          nodeId: 0,
          host,
          port,
          version: engine.info.version,
          partitions: Array.from({ length: engine.info.partitionsCount }, (_, i) => ({
            partitionId: i + 1,
            role: 'LEADER',
            // as a Zeebe broker reports a partition that cannot process: UNHEALTHY while the
            // record log's database is down
            health: engine.status.log === 'up' ? 'HEALTHY' : 'UNHEALTHY',
          })),
        },
      ],
      clusterSize: 1,
      partitionsCount: engine.info.partitionsCount,
      replicationFactor: 1,
      gatewayVersion: engine.info.version,
    }
  })

  Object.assign(
    handlers,
    resourceRpcs(engine),
    instanceRpcs(engine),
    jobRpcs(engine, dispatcher, longPollDefault),
  )

  return { handlers, dispatcher, close: () => dispatcher.close() }
}
