/**
 * FEEL for the engine: `feelin` plus the Camunda built-ins it lacks, with Zeebe's conventions.
 * A value that starts with `=` is an expression; anything else is a static value (a string).
 * Results are converted to plain JSON values (dates and durations become ISO strings), which is
 * what Zeebe stores in variables.
 */
import { randomUUID } from 'node:crypto'
import { evaluate as feelEvaluate, SyntaxError as FeelSyntaxError, toFeel } from 'feelin'

/** A FEEL value, or why evaluation failed. */
export type FeelResult = { ok: true; value: unknown } | { ok: false; message: string }

/** True when `text` is a FEEL expression (`=`-prefixed), as Zeebe decides. */
export function isExpression(text: string | undefined): text is string {
  return typeof text === 'string' && text.trimStart().startsWith('=')
}

function body(expression: string): string {
  return expression.trimStart().slice(1).trim()
}

const isList = (v: unknown): v is unknown[] => Array.isArray(v)
const isText = (v: unknown): v is string => typeof v === 'string'

/** A JS function feelin can call: parameter names given explicitly (`$args`), as feelin
 * otherwise parses them from the source text, which transpilers rewrite. */
type FeelFn = ((...args: never[]) => unknown) & { $args: string[] }

function fn<A extends unknown[]>(names: string[], impl: (...args: A) => unknown): FeelFn {
  return Object.assign(impl as (...args: never[]) => unknown, { $args: names })
}

/** Camunda extensions missing from feelin (names as in `@camunda/feel-builtins`). */
const camundaExtras: Record<string, FeelFn> = {
  'is defined': fn(['value'], (value: unknown) => value !== null && value !== undefined),
  'get or else': fn(['value', 'default'], (value: unknown, def: unknown) => value ?? def),
  'is empty': fn(['list'], (list: unknown) => (isList(list) ? list.length === 0 : null)),
  'is blank': fn(['text'], (text: unknown) => (isText(text) ? text.trim() === '' : null)),
  trim: fn(['text'], (text: unknown) => (isText(text) ? text.trim() : null)),
  uuid: fn([], () => randomUUID()),
  'random number': fn([], () => Math.random()),
  'to base64': fn(['text'], (text: unknown) =>
    isText(text) ? Buffer.from(text).toString('base64') : null,
  ),
  'from base64': fn(['text'], (text: unknown) =>
    isText(text) ? Buffer.from(text, 'base64').toString() : null,
  ),
  'to json': fn(['value'], (value: unknown) => JSON.stringify(toJson(value))),
  'from json': fn(['text'], (text: unknown) => {
    if (!isText(text)) return null
    try {
      return JSON.parse(text) as unknown
    } catch {
      return null
    }
  }),
  'duplicate values': fn(['list'], (list: unknown) => {
    if (!isList(list)) return null
    const seen = new Set<string>()
    const dup = new Set<string>()
    const out: unknown[] = []
    for (const v of list) {
      const k = JSON.stringify(v)
      if (seen.has(k) && !dup.has(k)) {
        dup.add(k)
        out.push(v)
      }
      seen.add(k)
    }
    return out
  }),
  partition: fn(['list', 'size'], (list: unknown, size: unknown) => {
    if (!isList(list) || typeof size !== 'number' || size <= 0) return null
    const out: unknown[][] = []
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
    return out
  }),
  extract: fn(['text', 'pattern'], (text: unknown, pattern: unknown) =>
    isText(text) && isText(pattern) ? (text.match(new RegExp(pattern, 'g')) ?? []) : null,
  ),
  assert: fn(['value', 'condition'], (value: unknown, condition: unknown) => {
    if (condition !== true) throw new Error('The assertion failed')
    return value
  }),
  'last day of month': fn(['date'], (date: unknown) => {
    const d = new Date(String(date))
    if (Number.isNaN(d.getTime())) return null
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0))
    return last.toISOString().slice(0, 10)
  }),
}

/** Converts a FEEL result to a plain JSON value. */
export function toJson(value: unknown): unknown {
  if (value === undefined) return null
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' ? null : value
  }
  const text = JSON.stringify(value)
  return text === undefined ? null : (JSON.parse(text) as unknown)
}

const syntaxCache = new Map<string, string | null>()

/** Null when the expression parses; else the parser's message. Cached per expression. */
export function syntaxError(expression: string): string | null {
  if (!isExpression(expression)) return null
  const cached = syntaxCache.get(expression)
  if (cached !== undefined) return cached
  let result: string | null = null
  try {
    feelEvaluate(body(expression), { ...camundaExtras })
  } catch (err) {
    result = err instanceof FeelSyntaxError ? err.message : null
  }
  if (syntaxCache.size > 10_000) syntaxCache.clear()
  syntaxCache.set(expression, result)
  return result
}

/**
 * Evaluates `expression` (static text or `=`FEEL) against `variables`. Missing variables are
 * null, as in Zeebe; a syntax error or a failing function is a failure with a message.
 */
export function evaluateExpression(
  expression: string,
  variables: Record<string, unknown>,
  now?: number,
): FeelResult {
  if (!isExpression(expression)) return { ok: true, value: expression }
  const syntax = syntaxError(expression)
  if (syntax)
    return { ok: false, message: `failed to parse expression '${body(expression)}': ${syntax}` }
  try {
    const context: Record<string, unknown> = { ...variables, ...camundaExtras }
    if (now !== undefined) context.now = fn([], () => toFeel(new Date(now)))
    const { value } = feelEvaluate(body(expression), context)
    return { ok: true, value: toJson(value) }
  } catch (err) {
    return {
      ok: false,
      message: `failed to evaluate expression '${body(expression)}': ${err instanceof Error ? err.message : String(err)}`,
    }
  }
}

/** Zeebe's type names for the "Expected result … to be …" messages. */
export function feelTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'boolean') return 'BOOLEAN'
  if (typeof value === 'number') return 'NUMBER'
  if (typeof value === 'string') return 'STRING'
  if (Array.isArray(value)) return 'ARRAY'
  return 'OBJECT'
}

/** Evaluates a condition: the result must be a boolean (Zeebe: else CONDITION_ERROR). */
export function evaluateCondition(
  expression: string,
  variables: Record<string, unknown>,
  now?: number,
): FeelResult {
  const r = evaluateExpression(expression, variables, now)
  if (!r.ok) return r
  if (typeof r.value !== 'boolean') {
    return {
      ok: false,
      message: `Expected result of the expression '${body(expression)}' to be 'BOOLEAN', but was '${feelTypeName(r.value)}'.`,
    }
  }
  return r
}

/** Evaluates an expression that must produce `type` (Zeebe's wording when it does not). */
export function evaluateTyped(
  expression: string,
  variables: Record<string, unknown>,
  type: 'STRING' | 'NUMBER' | 'ARRAY',
  now?: number,
): FeelResult {
  const r = evaluateExpression(expression, variables, now)
  if (!r.ok) return r
  if (type === 'NUMBER' && typeof r.value === 'string' && !isExpression(expression)) {
    const n = Number(r.value)
    if (r.value.trim() !== '' && Number.isFinite(n)) return { ok: true, value: n }
  }
  if (feelTypeName(r.value) !== type) {
    return {
      ok: false,
      message: `Expected result of the expression '${isExpression(expression) ? body(expression) : expression}' to be '${type}', but was '${feelTypeName(r.value)}'.`,
    }
  }
  return r
}
