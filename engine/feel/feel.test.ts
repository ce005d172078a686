import { describe, expect, it } from 'vitest'
import {
  evaluateCondition,
  evaluateExpression,
  evaluateTyped,
  isExpression,
  syntaxError,
} from './feel'

describe('FEEL with Zeebe conventions', () => {
  it('treats only =-prefixed text as an expression', () => {
    expect(isExpression('= a')).toBe(true)
    expect(isExpression('a')).toBe(false)
    expect(evaluateExpression('static text', { a: 1 })).toEqual({ ok: true, value: 'static text' })
    expect(evaluateExpression('= a + 1', { a: 1 })).toEqual({ ok: true, value: 2 })
  })

  it('reports syntax errors and caches them', () => {
    expect(syntaxError('= a +* b')).toMatch(/Unrecognized token/)
    expect(syntaxError('= a + b')).toBeNull()
    const r = evaluateExpression('= a +* b', {})
    expect(r.ok).toBe(false)
  })

  it('provides the Camunda built-ins feelin lacks', () => {
    const cases: [string, Record<string, unknown>, unknown][] = [
      ['= is defined(x)', { x: 1 }, true],
      ['= is defined(y)', {}, false],
      ['= get or else(y, "d")', {}, 'd'],
      ['= trim("  a ")', {}, 'a'],
      ['= is empty([])', {}, true],
      ['= is blank(" ")', {}, true],
      ['= partition([1,2,3], 2)', {}, [[1, 2], [3]]],
      ['= duplicate values([1,2,1])', {}, [1]],
      ['= to json({a: 1})', {}, '{"a":1}'],
      ['= from json("[1]")', {}, [1]],
      ['= from base64(to base64("hi"))', {}, 'hi'],
      ['= last day of month(date("2024-02-10"))', {}, '2024-02-29'],
      ['= extract("a1b22", "[0-9]+")', {}, ['1', '22']],
    ]
    for (const [expr, vars, value] of cases)
      expect(evaluateExpression(expr, vars)).toEqual({ ok: true, value })
    expect(evaluateExpression('= assert(x, x > 5)', { x: 1 })).toMatchObject({ ok: false })
  })

  it('evaluates now() on the engine clock and returns plain JSON values', () => {
    const now = Date.UTC(2020, 0, 1)
    expect(evaluateExpression('= string(now() + duration("PT1H"))', {}, now)).toEqual({
      ok: true,
      value: '2020-01-01T01:00:00Z',
    })
    expect(evaluateExpression('= date and time("2020-01-01T00:00:00Z")', {})).toEqual({
      ok: true,
      value: '2020-01-01T00:00:00Z',
    })
  })

  it('conditions must be booleans (Zeebe: else an EXTRACT_VALUE_ERROR incident)', () => {
    expect(evaluateCondition('= x > 1', { x: 2 })).toEqual({ ok: true, value: true })
    expect(evaluateCondition('= x > 1', {})).toEqual({
      ok: false,
      message: "Expected result of the expression 'x > 1' to be 'BOOLEAN', but was 'NULL'.",
    })
    expect(evaluateCondition('= 1 != "a"', {})).toMatchObject({ ok: false })
  })

  it('typed results for job types, retries and collections', () => {
    expect(evaluateTyped('3', {}, 'NUMBER')).toEqual({ ok: true, value: 3 })
    expect(evaluateTyped('= "x"', {}, 'NUMBER')).toEqual({
      ok: false,
      message: "Expected result of the expression '\"x\"' to be 'NUMBER', but was 'STRING'.",
    })
    expect(evaluateTyped('= items', { items: [1] }, 'ARRAY')).toEqual({ ok: true, value: [1] })
  })
})
