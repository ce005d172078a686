/**
 * Loads Zeebe's gateway protocol (gateway.proto) as shipped with the official Node client, so
 * the embedded gateway serves exactly the messages real clients send.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'

const require = createRequire(import.meta.url)
const here = dirname(fileURLToPath(import.meta.url))

/** Path of `zeebe.proto` inside `@camunda8/sdk`. */
export function zeebeProtoPath(): string {
  const sdkMain = require.resolve('@camunda8/sdk')
  // dist/index.js → dist/proto/zeebe.proto
  return join(dirname(sdkMain), 'proto', 'zeebe.proto')
}

/** The `gateway_protocol.Gateway` service definition. */
export function loadGatewayService(): grpc.ServiceDefinition {
  const definition = protoLoader.loadSync(zeebeProtoPath(), {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  })
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    gateway_protocol: { Gateway: grpc.ServiceClientConstructor }
  }
  const service = { ...pkg.gateway_protocol.Gateway.service }
  // CompleteJob as 8.8 defines it (with `result`), decoded by our own small proto of it
  const ext = grpc.loadPackageDefinition(
    protoLoader.loadSync(join(here, 'complete-job-8.8.proto'), {
      keepCase: true,
      longs: String,
      enums: String,
      defaults: false,
      oneofs: true,
    }),
  ) as unknown as { gateway_protocol_8_8: { CompleteJob88: grpc.ServiceClientConstructor } }
  const completeJob = ext.gateway_protocol_8_8.CompleteJob88.service.CompleteJob
  const original = service.CompleteJob
  if (completeJob && original) {
    service.CompleteJob = { ...original, requestDeserialize: completeJob.requestDeserialize }
  }
  return service
}
