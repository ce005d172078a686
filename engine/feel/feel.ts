/**
 * FEEL for the engine, with Zeebe's semantics (feel-scala): feelin parses, our interpreter
 * (`interpreter.ts`) evaluates with decimal numbers and feel-scala's rules for equality,
 * comparison, temporal arithmetic and built-ins. A value that starts with `=` is an expression;
 * anything else is a static value (a string). Results are plain JSON values (numbers, dates and
 * durations as ISO strings), which is what Zeebe stores in variables.
 */
import { SyntaxError as FeelSyntaxError } from 'feelin'
import { FeelFatalError, withClock } from './builtins'
import { Env } from './env'
import { compileExpression, compileUnaryTests } from './compile'
import type { Compiled } from './syntax'
import { fromJs, toJson } from './values'

export { toJson }

/** A FEEL value, or why evaluation failed. */
export type FeelResult = { ok: true; value: unknown } | { ok: false; message: string }

/** True when `text` is a FEEL expression (`=`-prefixed), as Zeebe decides. */
export function isExpression(text: string | undefined): text is string {
  return typeof text === 'string' && text.trimStart().startsWith('=')
}

function body(expression: string): string {
  return expression.trimStart().slice(1).trim()
}

/** Variable names the parser must know to read them as one name (spaces, operators). */
const SPECIAL = /[\s./\-'+*]/

function specialNames(variables: Record<string, unknown>): Record<string, unknown> | null {
  let names: Record<string, unknown> | null = null
  for (const key in variables) {
    if (SPECIAL.test(key)) (names ??= {})[key] = variables[key]
  }
  return names
}

type Entry<T> = { ok: true; value: T } | { ok: false; message: string }
const CACHE_LIMIT = 10_000

function cached<T>(cache: Map<string, Entry<T>>, key: string, build: () => T): Entry<T> {
  let entry = cache.get(key)
  if (!entry) {
    try {
      entry = { ok: true, value: build() }
    } catch (err) {
      if (!(err instanceof FeelSyntaxError)) throw err
      entry = { ok: false, message: err.message }
    }
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(key, entry)
  }
  return entry
}

const expressions = new Map<string, Entry<Compiled>>()

function compiled(text: string, variables: Record<string, unknown>): Entry<Compiled> {
  const names = specialNames(variables)
  const key = names ? `${text}\u0000${Object.keys(names).sort().join('\u0000')}` : text
  return cached(expressions, key, () => compileExpression(text, names ?? {}))
}

/** Null when the expression parses; else the parser's message. Cached per expression. */
export function syntaxError(expression: string): string | null {
  if (!isExpression(expression)) return null
  const entry = compiled(body(expression), {})
  return entry.ok ? null : entry.message
}

function failure(kind: 'parse' | 'evaluate', text: string, message: string): FeelResult {
  return { ok: false, message: `failed to ${kind} expression '${text}': ${message}` }
}

/**
 * Evaluates `expression` (static text or `=`FEEL) against `variables`. Missing variables are
 * null, as in Zeebe; a syntax error or a fatal failure (`assert`) is a failure with a message.
 * `now` (ms) is the engine clock for `now()` and `today()`.
 */
export function evaluateExpression(
  expression: string,
  variables: Record<string, unknown>,
  now?: number,
): FeelResult {
  if (!isExpression(expression)) return { ok: true, value: expression }
  const text = body(expression)
  const entry = compiled(text, variables)
  if (!entry.ok) return failure('parse', text, entry.message)
  try {
    const value = withClock(now, () => entry.value(Env.root(variables)))
    return { ok: true, value: toJson(value) }
  } catch (err) {
    return failure('evaluate', text, err instanceof Error ? err.message : String(err))
  }
}

const unaryTests = new Map<string, Entry<ReturnType<typeof compileUnaryTests>>>()

/**
 * Evaluates unary tests (a DMN input entry such as `< 10`, `[1..5]`, `"a","b"`, `not("x")`,
 * `-`, `? > 3`) against `input`: true, false, or null when undecidable.
 */
export function evaluateUnaryTests(
  tests: string,
  input: unknown,
  variables: Record<string, unknown> = {},
  now?: number,
): FeelResult {
  const names = specialNames(variables)
  const key = names ? `${tests}\u0000${Object.keys(names).sort().join('\u0000')}` : tests
  const entry = cached(unaryTests, key, () => compileUnaryTests(tests, names ?? {}))
  if (!entry.ok) return failure('parse', tests, entry.message)
  try {
    const value = withClock(now, () => entry.value(Env.root(variables), fromJs(input)))
    return { ok: true, value }
  } catch (err) {
    return failure('evaluate', tests, err instanceof Error ? err.message : String(err))
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

export { FeelFatalError }
