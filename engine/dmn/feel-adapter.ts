/**
 * The one place the DMN module touches FEEL. Decision tables need FEEL's own values while they
 * evaluate (an input `date(x)` must stay a date for `[date("2024-01-01")..date("2024-12-31")]`,
 * a required decision's duration must stay a duration for the next decision), while
 * engine/feel/feel.ts converts every result to JSON. So expressions and unary tests are
 * evaluated with `feelin` here, syntax is checked with feel.ts (the same parser configuration
 * as BPMN expressions), and results become JSON through feel.ts's `toJson` at the record
 * boundary. When engine/feel offers raw evaluation and unary tests, only this file changes.
 */
import {
  evaluate,
  FeelDate,
  FeelDateTime,
  FeelDuration,
  FeelTime,
  isRange,
  SyntaxError as FeelSyntaxError,
  toFeel,
  unaryTest,
} from 'feelin'
import { syntaxError, toJson } from '../feel/feel'

/** A FEEL value as the interpreter holds it (numbers, strings, dates, durations, lists, …). */
export type FeelValue = unknown

/** A FEEL value, or why evaluation failed. */
export type FeelOutcome = { ok: true; value: FeelValue } | { ok: false; message: string }

/** The evaluation context: variables by name (JSON values or FEEL values of earlier decisions). */
export type FeelContext = Record<string, unknown>

/** Null when `text` parses as a FEEL expression; else the parser's message. */
export function expressionSyntaxError(text: string): string | null {
  if (text.trim() === '') return 'Expected an expression, but the text is empty'
  return syntaxError(`=${text}`)
}

/** Null when `text` parses as FEEL unary tests (`< 10`, `"a","b"`, `not(…)`, `[1..5]`, `? > x`). */
export function unaryTestsSyntaxError(text: string): string | null {
  try {
    unaryTest(text, { '?': null })
    return null
  } catch (err) {
    if (err instanceof FeelSyntaxError) return err.message
    // A runtime failure with a null input is not a syntax error: the text parsed.
    return null
  }
}

function withClock(context: FeelContext, now: number | undefined): FeelContext {
  if (now === undefined) return context
  const clock = Object.assign(() => toFeel(new Date(now)), { $args: [] as string[] })
  return { ...context, now: clock }
}

/** Evaluates a FEEL expression; the value stays a FEEL value (see {@link toJsonValue}). */
export function evaluateExpression(text: string, context: FeelContext, now?: number): FeelOutcome {
  try {
    return { ok: true, value: evaluate(text, withClock(context, now)).value ?? null }
  } catch (err) {
    return {
      ok: false,
      message: `failed to evaluate expression '${text}': ${err instanceof Error ? err.message : String(err)}`,
    }
  }
}

/**
 * Evaluates unary tests against `input` (bound to `?`): true, false, or null (no match).
 * Empty text and `-` match anything.
 */
export function evaluateUnaryTests(
  text: string,
  input: FeelValue,
  context: FeelContext,
  now?: number,
): FeelOutcome {
  if (text.trim() === '' || text.trim() === '-') return { ok: true, value: true }
  try {
    const { value } = unaryTest(text, withClock({ ...context, '?': input }, now))
    return { ok: true, value }
  } catch (err) {
    return {
      ok: false,
      message: `failed to evaluate unary-tests '${text}': ${err instanceof Error ? err.message : String(err)}`,
    }
  }
}

/** A FEEL value as JSON, as Zeebe writes it into records and variables. */
export function toJsonValue(value: FeelValue): unknown {
  return toJson(value)
}

/** The FEEL type of a value, in FEEL-Scala's terms (its `Val` classes). */
export type FeelType =
  | 'Null'
  | 'Number'
  | 'String'
  | 'Boolean'
  | 'Date'
  | 'Time'
  | 'LocalTime'
  | 'DateTime'
  | 'LocalDateTime'
  | 'DayTimeDuration'
  | 'YearMonthDuration'
  | 'List'
  | 'Context'
  | 'Range'
  | 'Function'

/** The FEEL type of an interpreter value. */
export function feelTypeOf(value: FeelValue): FeelType {
  if (value === null || value === undefined) return 'Null'
  if (typeof value === 'number') return 'Number'
  if (typeof value === 'string') return 'String'
  if (typeof value === 'boolean') return 'Boolean'
  if (typeof value === 'function') return 'Function'
  if (value instanceof FeelDate) return 'Date'
  if (value instanceof FeelTime) return value.zone === null ? 'LocalTime' : 'Time'
  if (value instanceof FeelDateTime) return value.zone === null ? 'LocalDateTime' : 'DateTime'
  if (value instanceof FeelDuration)
    return value.yearsMonths ? 'YearMonthDuration' : 'DayTimeDuration'
  if (isRange(value)) return 'Range'
  if (Array.isArray(value)) return 'List'
  return 'Context'
}

/**
 * A value as FEEL-Scala prints it (`ValNumber(0.1)`, `ValString(Air)`, `ValList(List(…))`), for
 * failure messages worded as dmn-scala words them.
 */
export function describeValue(value: FeelValue): string {
  const type = feelTypeOf(value)
  switch (type) {
    case 'Null':
      return 'ValNull'
    case 'List':
      return `ValList(List(${(value as unknown[]).map(describeValue).join(', ')}))`
    case 'Context':
      return `ValContext(${describeMap(value as Record<string, unknown>)})`
    case 'Function':
      return 'ValFunction'
    default:
      return `Val${type}(${String(value)})`
  }
}

/** A map of names to values as Scala prints it: `Map(a -> ValNumber(1), b -> ValNull)`. */
export function describeMap(map: Record<string, unknown>): string {
  const entries = Object.entries(map).map(([k, v]) => `${k} -> ${describeValue(v)}`)
  return `Map(${entries.join(', ')})`
}

/** A key equal for equal FEEL values (numbers, strings, temporals by type and value, …). */
export function valueKey(value: FeelValue): string {
  const type = feelTypeOf(value)
  if (type === 'List') return `[${(value as unknown[]).map(valueKey).join(',')}]`
  if (type === 'Context') {
    const entries = Object.entries(value as Record<string, unknown>)
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${valueKey(v)}`).join(',')}}`
  }
  if (type === 'Number' || type === 'Boolean' || type === 'Null') return String(value)
  return `${type}:${String(value)}`
}

/** The number a FEEL number holds, else undefined. */
export function numberOf(value: FeelValue): number | undefined {
  return typeof value === 'number' ? value : undefined
}
