/** What every command processor shares: tenants, keys, variables and rejections. */
import { EngineError, EngineErrorCode, type Variables } from '../api'

export const DEFAULT_TENANT = '<default>'

export function tenantOf(id: string | undefined): string {
  return !id || id === '' ? DEFAULT_TENANT : id
}

export function reject(code: EngineErrorCode, message: string): never {
  throw new EngineError(code, message)
}

export function parseKey(key: string, what: string): number {
  if (!/^\d+$/.test(String(key)))
    reject(EngineErrorCode.InvalidArgument, `Expected ${what} to be a key, but was '${key}'`)
  return Number(key)
}

function isPlainObject(v: unknown): v is Variables {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function checkVariables(v: unknown): Variables {
  if (v === undefined || v === null) return {}
  if (!isPlainObject(v)) {
    reject(
      EngineErrorCode.InvalidArgument,
      `Expected document to be a root level object, but was '${Array.isArray(v) ? 'ARRAY' : typeof v}'`,
    )
  }
  return v
}
