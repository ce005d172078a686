import * as grpc from '@grpc/grpc-js'
import { describe, expect, test } from 'vitest'
import { EngineError, EngineErrorCode } from '../api'
import {
  GatewayError,
  keyOf,
  parseVariables,
  requireKey,
  tenantOf,
  tenantsOf,
  toServiceError,
} from './convert'

describe('gateway conversions', () => {
  test.each([
    ['', {}],
    [undefined, {}],
    ['{}', {}],
    ['{"a":1,"b":{"c":[true]}}', { a: 1, b: { c: [true] } }],
  ])('variables %j parse to %j', (text, expected) => {
    expect(parseVariables(text, 'CompleteJob')).toEqual(expected)
  })

  test.each([
    ['{"a":', 'not valid JSON'],
    ['[1]', 'an array'],
    ['"text"', 'string'],
    ['null', 'null'],
    ['7', 'number'],
  ])('variables %j are refused with INVALID_ARGUMENT naming the RPC (%s)', (text, reason) => {
    let caught: unknown
    try {
      parseVariables(text, 'CompleteJob')
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(GatewayError)
    expect((caught as GatewayError).code).toBe(grpc.status.INVALID_ARGUMENT)
    expect((caught as GatewayError).message).toContain('CompleteJob')
    expect((caught as GatewayError).message).toContain(reason)
  })

  test('keys are accepted as int64 strings and as numbers; 0 and empty mean absent', () => {
    expect(keyOf('2251799813685249')).toBe('2251799813685249')
    expect(keyOf(2251799813685)).toBe('2251799813685')
    expect(keyOf('0')).toBeUndefined()
    expect(keyOf('')).toBeUndefined()
    expect(keyOf('abc')).toBeUndefined()
    expect(() => requireKey('', 'CompleteJob', 'jobKey')).toThrow(/CompleteJob.*jobKey/)
  })

  test("'<default>', '' and [] all mean the default tenant; others are refused", () => {
    expect(tenantOf('<default>', 'X')).toBe('<default>')
    expect(tenantOf('', 'X')).toBe('<default>')
    expect(tenantOf(undefined, 'X')).toBe('<default>')
    expect(tenantsOf([], 'X')).toEqual(['<default>'])
    expect(tenantsOf([''], 'X')).toEqual(['<default>'])
    expect(tenantsOf(['<default>'], 'X')).toEqual(['<default>'])
    expect(() => tenantOf('acme', 'DeployResource')).toThrow(/multi-tenancy is disabled/)
  })

  test('engine errors map to the gRPC status of the same name', () => {
    for (const code of Object.values(EngineErrorCode)) {
      const mapped = toServiceError(new EngineError(code, 'because'))
      expect(grpc.status[mapped.code!]).toBe(code)
      expect(mapped.details).toBe('because')
    }
    expect(toServiceError(new Error('boom')).code).toBe(grpc.status.INTERNAL)
  })
})
