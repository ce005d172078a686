/**
 * A plain gRPC client of the gateway built from the same zeebe.proto the official clients use:
 * for requests those clients never send (bad JSON, odd tenants) and for precise control in the
 * durability test.
 */
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import { zeebeProtoPath } from '../../engine/gateway/proto'

/** A decoded gateway message (keys as strings, enums as names). */
export type Reply = Record<string, unknown>
type UnaryMethod = (
  request: Reply,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, reply: Reply) => void,
) => grpc.ClientUnaryCall
/** A server-streaming method of the generated client. */
export type StreamMethod = (
  request: Reply,
  metadata?: grpc.Metadata,
) => grpc.ClientReadableStream<Reply>

/** The generated `gateway_protocol.Gateway` client; RPCs are looked up by name. */
export interface GatewayClient extends grpc.Client {
  [rpc: string]: unknown
}

/** A client of the gateway at `address`; `compression` gzips requests like the official clients. */
export function gatewayClient(address: string, compression: boolean): GatewayClient {
  const definition = protoLoader.loadSync(zeebeProtoPath(), {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  })
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    gateway_protocol: {
      Gateway: new (
        address: string,
        creds: grpc.ChannelCredentials,
        options?: object,
      ) => GatewayClient
    }
  }
  return new pkg.gateway_protocol.Gateway(address, grpc.credentials.createInsecure(), {
    // 2 = gzip, as the official clients compress their requests
    ...(compression ? { 'grpc.default_compression_algorithm': 2 } : {}),
  })
}

/** The metadata the official clients send: an empty `authorization` header. */
export function authorization(): grpc.Metadata {
  const m = new grpc.Metadata()
  m.set('authorization', '')
  return m
}

/** Calls a unary RPC; resolves with the reply or rejects with the gRPC error. */
export function call(
  client: GatewayClient,
  rpc: string,
  request: Reply,
  deadlineMs = 20_000,
): Promise<Reply> {
  const method = (client[rpc] as UnaryMethod).bind(client)
  return new Promise((resolve, reject) =>
    method(request, authorization(), { deadline: Date.now() + deadlineMs }, (err, reply) =>
      err ? reject(err) : resolve(reply),
    ),
  )
}

/** Calls a unary RPC that must fail; resolves with its gRPC error. */
export async function callError(
  client: GatewayClient,
  rpc: string,
  request: Reply,
): Promise<grpc.ServiceError> {
  try {
    await call(client, rpc, request)
  } catch (err) {
    return err as grpc.ServiceError
  }
  throw new Error(`expected ${rpc} to fail`)
}

/** Runs ActivateJobs to its end; `done` has every job received and how long it took. */
export function activate(
  client: GatewayClient,
  request: Reply,
): { done: Promise<{ jobs: Reply[]; ms: number }>; cancel: () => void } {
  const started = Date.now()
  const stream = (client.ActivateJobs as StreamMethod).call(client, request, authorization())
  const jobs: Reply[] = []
  const done = new Promise<{ jobs: Reply[]; ms: number }>((resolve, reject) => {
    stream.on('data', (r: Reply) => jobs.push(...(r.jobs as Reply[])))
    stream.on('end', () => resolve({ jobs, ms: Date.now() - started }))
    stream.on('error', (err: grpc.ServiceError) =>
      err.code === grpc.status.CANCELLED
        ? resolve({ jobs, ms: Date.now() - started })
        : reject(err),
    )
  })
  return { done, cancel: () => stream.cancel() }
}
