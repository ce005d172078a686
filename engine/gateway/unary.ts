/** The gateway's unary-call plumbing: response headers, error mapping, request field readers. */
import * as grpc from '@grpc/grpc-js'
import { toServiceError } from './convert'

/** The handlers of one group of RPCs, by RPC name. */
export type Handlers = grpc.UntypedServiceImplementation

export type Unary = (
  call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
  callback: grpc.sendUnaryData<unknown>,
) => void

/**
 * Response headers saying the gateway would like `identity` (uncompressed) requests. The
 * gateway runs beside its clients (same host or network), where gzip of messages of a few
 * hundred bytes only costs CPU on both ends: inflating them took ~10 % of the engine process
 * under the benchmark's load, and deflating a similar share of the workers'. grpc-js clients
 * (the Camunda SDK, which gzips by default) then send the channel's later requests
 * uncompressed. Compressed requests are still accepted, whatever `grpc-encoding` they name.
 */
const PREFER_IDENTITY = new grpc.Metadata()
PREFER_IDENTITY.set('grpc-accept-encoding', 'identity')

/** Sends the response headers (once per call; later calls are no-ops in grpc-js). */
export function sendHeaders(call: { sendMetadata(metadata: grpc.Metadata): void }): void {
  call.sendMetadata(PREFER_IDENTITY)
}

/** Wraps an async request → response function as a unary handler with error mapping. */
export function unary(fn: (request: Record<string, unknown>) => Promise<unknown>): Unary {
  return (call, callback) => {
    let result: Promise<unknown>
    try {
      result = fn(call.request ?? {})
    } catch (err) {
      sendHeaders(call)
      callback(toServiceError(err))
      return
    }
    result.then(
      (response) => {
        sendHeaders(call)
        callback(null, response)
      },
      (err: unknown) => {
        sendHeaders(call)
        callback(toServiceError(err))
      },
    )
  }
}

export const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v))
export const stringList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : []
