/**
 * The Zeebe client makes a gRPC client of its own for every job worker, and each one parses
 * gateway.proto again with protobufjs: about 35 ms of CPU a worker, two seconds at every start
 * of the server with the product's workers. The parsed package definition is plain data that
 * grpc-js only reads, so it is parsed once per file and options and shared.
 */
import { createRequire } from 'node:module'

type LoadSync = (filename: string | string[], options?: Record<string, unknown>) => unknown

interface ProtoLoader {
  loadSync: LoadSync & { shared?: true }
}

/** Options as a cache key: functions (`enums: String`) by name. */
function keyOf(filename: string | string[], options: Record<string, unknown> = {}): string {
  const named = Object.entries(options)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [k, typeof v === 'function' ? `fn:${v.name}` : v])
  return JSON.stringify([filename, named])
}

/** Makes the proto loader the Zeebe client uses parse each proto file once per process. */
export function shareParsedProtos(): void {
  const local = createRequire(import.meta.url)
  // the copy of @grpc/proto-loader the client itself loads
  const fromClient = createRequire(local.resolve('@camunda8/sdk'))
  const loader = fromClient('@grpc/proto-loader') as ProtoLoader
  if (loader.loadSync.shared) return
  const parse = loader.loadSync
  const parsed = new Map<string, unknown>()
  const loadSync: ProtoLoader['loadSync'] = (filename, options) => {
    const key = keyOf(filename, options)
    if (!parsed.has(key)) parsed.set(key, parse(filename, options))
    return parsed.get(key)
  }
  loadSync.shared = true
  loader.loadSync = loadSync
}
