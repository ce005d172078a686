/**
 * The server's only way to the engine: the official Zeebe client over gRPC. The same code talks
 * to the embedded engine and to a real Zeebe cluster.
 */
import { Camunda8 } from '@camunda8/sdk'
import type { Config } from '../config'
import { shareParsedProtos } from './proto-cache'

export type ZeebeClient = ReturnType<Camunda8['getZeebeGrpcApiClient']>

/** `grpc://host:port` for a plaintext address given as `host:port` of the embedded engine. */
export const plaintextAddress = (hostPort: string) => `grpc://${hostPort}`

export function createZeebeClient(
  config: Pick<
    Config,
    | 'ZEEBE_AUTH_STRATEGY'
    | 'ZEEBE_CLIENT_ID'
    | 'ZEEBE_CLIENT_SECRET'
    | 'ZEEBE_OAUTH_URL'
    | 'ZEEBE_TOKEN_AUDIENCE'
    | 'ZEEBE_BEARER_TOKEN'
  >,
  address: string,
): { camunda: Camunda8; zeebe: ZeebeClient } {
  shareParsedProtos()
  const camunda = new Camunda8({
    ZEEBE_GRPC_ADDRESS: address,
    CAMUNDA_AUTH_STRATEGY: config.ZEEBE_AUTH_STRATEGY,
    ...(config.ZEEBE_AUTH_STRATEGY === 'OAUTH'
      ? {
          ZEEBE_CLIENT_ID: config.ZEEBE_CLIENT_ID,
          ZEEBE_CLIENT_SECRET: config.ZEEBE_CLIENT_SECRET,
          CAMUNDA_OAUTH_URL: config.ZEEBE_OAUTH_URL,
          ZEEBE_TOKEN_AUDIENCE: config.ZEEBE_TOKEN_AUDIENCE,
        }
      : {}),
    ...(config.ZEEBE_AUTH_STRATEGY === 'BEARER'
      ? { CAMUNDA_OAUTH_TOKEN: config.ZEEBE_BEARER_TOKEN }
      : {}),
    CAMUNDA_LOG_LEVEL: 'error',
  })
  const zeebe = camunda.getZeebeGrpcApiClient()
  return { camunda, zeebe }
}

/** Process variables as the client's types want them. */
export type ZeebeVariables = NonNullable<
  Parameters<ZeebeClient['createProcessInstance']>[0]['variables']
>

/**
 * Variables for the client: a JSON round trip drops what JSON cannot carry (undefined,
 * functions) and turns dates into ISO strings, as the engine would see them anyway.
 */
export function toZeebeVariables(vars: Record<string, unknown>): ZeebeVariables {
  return JSON.parse(JSON.stringify(vars)) as ZeebeVariables
}

/** gRPC status code of a client error (5 = NOT_FOUND), if any. */
export function grpcCode(err: unknown): number | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'number') {
    return err.code
  }
  const m = /^(\d+) [A-Z_]+:/.exec(err instanceof Error ? err.message : '')
  return m ? Number(m[1]) : undefined
}

/**
 * True when a client error says the engine cannot take requests now: gRPC UNAVAILABLE (14),
 * from the engine during a database outage, or from the channel when the gateway is gone.
 */
export function isEngineUnavailable(err: unknown): boolean {
  return grpcCode(err) === 14
}

/** The engine's own reason of a client error, without grpc-js's "3 INVALID_ARGUMENT: " prefix. */
export function engineErrorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  return text.replace(/^\d+ [A-Z_]+: /, '')
}
