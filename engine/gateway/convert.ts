/**
 * Conversions between gateway.proto messages and the engine's API: JSON variable documents,
 * int64 keys, tenant ids, and engine errors → gRPC statuses.
 */
import * as grpc from '@grpc/grpc-js'
import { EngineError, type ActivatedJob, type Variables } from '../api'

/** Zeebe's id of the default tenant; the only tenant while multi-tenancy is disabled. */
export const DEFAULT_TENANT = '<default>'

/** A request the gateway refuses before it reaches the engine; carries the gRPC status. */
export class GatewayError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message)
    this.name = 'GatewayError'
  }
}

const invalid = (message: string) => new GatewayError(grpc.status.INVALID_ARGUMENT, message)

/**
 * Parses a variables document as Zeebe does: empty means none; otherwise it must be a JSON
 * object at the root. `rpc` and `field` name the request in the error message.
 */
export function parseVariables(text: unknown, rpc: string, field = 'variables'): Variables {
  if (text === undefined || text === null || text === '') return {}
  if (typeof text !== 'string') {
    throw invalid(`Expected ${rpc} ${field} to be a JSON object string, but got ${typeof text}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw invalid(
      `Expected ${rpc} ${field} to be a JSON object, but it is not valid JSON: ${reason}`,
    )
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed
    throw invalid(
      `Expected ${rpc} ${field} to be a JSON object at the root, but it is ${kind}: ${text.slice(0, 100)}`,
    )
  }
  return parsed as Variables
}

/**
 * An int64 key as its decimal string. The proto loader decodes int64 as strings; numbers (older
 * clients, hand-written requests) and Long-like objects are accepted too. `0`/empty = absent.
 */
export function keyOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  let text: string
  if (typeof value === 'string') text = value.trim()
  else if (typeof value === 'number' || typeof value === 'bigint') text = String(value)
  else if (typeof value === 'object' && 'toString' in value) text = String(value)
  else return undefined
  if (text === '' || text === '0') return undefined
  if (!/^-?\d+$/.test(text)) return undefined
  return text
}

/** Like {@link keyOf} but the key is mandatory: INVALID_ARGUMENT when absent or malformed. */
export function requireKey(value: unknown, rpc: string, field: string): string {
  const key = keyOf(value)
  if (key === undefined) {
    throw invalid(`Expected ${rpc} to have a positive ${field}, but got '${String(value ?? '')}'`)
  }
  if (key.startsWith('-')) throw invalid(`Expected ${rpc} ${field} to be positive, but got ${key}`)
  return key
}

/** An int64 number field (durations, timeouts) as a JS number; absent = `fallback`. */
export function int64Of(value: unknown, fallback = 0): number {
  if (value === undefined || value === null || value === '') return fallback
  const n = typeof value === 'number' ? value : Number(String(value))
  return Number.isFinite(n) ? n : fallback
}

/**
 * The tenant of a request. `'<default>'`, `''` and absent all mean the default tenant (the
 * official clients send each of them); any other tenant is refused as Zeebe does while
 * multi-tenancy is disabled.
 */
export function tenantOf(value: unknown, rpc: string): string {
  if (value === undefined || value === null || value === '' || value === DEFAULT_TENANT) {
    return DEFAULT_TENANT
  }
  throw invalid(
    `Expected to handle gRPC request ${rpc} with tenant identifier '${String(value)}', but multi-tenancy is disabled`,
  )
}

/** The tenants of a job request; `[]`, `['']` and `['<default>']` all mean the default tenant. */
export function tenantsOf(value: unknown, rpc: string): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value]
  for (const t of list) tenantOf(t, rpc)
  return [DEFAULT_TENANT]
}

/** Maps any thrown value to a gRPC error for the callback of a call. */
export function toServiceError(err: unknown): Partial<grpc.ServiceError> {
  if (err instanceof GatewayError) return { code: err.code, details: err.message }
  if (err instanceof EngineError) {
    const code = (grpc.status as unknown as Record<string, number | undefined>)[err.code]
    return { code: code ?? grpc.status.INTERNAL, details: err.message }
  }
  const message = err instanceof Error ? err.message : String(err)
  return { code: grpc.status.INTERNAL, details: `Unexpected error: ${message}` }
}

/** An activated job as gateway.proto's ActivatedJob (JSON documents as strings). */
export function toProtoJob(job: ActivatedJob): Record<string, unknown> {
  return {
    key: job.key,
    type: job.type,
    processInstanceKey: job.processInstanceKey,
    bpmnProcessId: job.bpmnProcessId,
    processDefinitionVersion: job.processDefinitionVersion,
    processDefinitionKey: job.processDefinitionKey,
    elementId: job.elementId,
    elementInstanceKey: job.elementInstanceKey,
    customHeaders: JSON.stringify(job.customHeaders ?? {}),
    worker: job.worker,
    retries: job.retries,
    deadline: String(job.deadline),
    variables: JSON.stringify(job.variables ?? {}),
    tenantId: job.tenantId || DEFAULT_TENANT,
  }
}
