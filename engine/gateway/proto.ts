/**
 * Loads Zeebe's gateway protocol (gateway.proto) as shipped with the official Node client, so
 * the embedded gateway serves exactly the messages real clients send.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'

const require = createRequire(import.meta.url)

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
  return pkg.gateway_protocol.Gateway.service
}
