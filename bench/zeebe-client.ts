/** The benchmark's Zeebe client: the official SDK over plaintext gRPC, no auth, no logging. */
import { Camunda8 } from '@camunda8/sdk'

export function quietZeebeClient(address: string) {
  const c8 = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://${address}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
    CAMUNDA_LOG_LEVEL: 'none',
  })
  return c8.getZeebeGrpcApiClient()
}
