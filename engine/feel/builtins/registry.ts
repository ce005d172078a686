/** How built-in functions are declared, looked up and invoked. */
import { evaluate as feelinEvaluate } from 'feelin'
import { FeelFunction, isList, isNum, Num } from '../values'

/** A failure that makes the whole evaluation fail (feel-scala's fatal errors: `assert`). */
export class FeelFatalError extends Error {}

export type Builtins = Record<string, FeelFunction>

/**
 * A built-in: `params` are its parameter names (`name?` optional, `...name` collects the
 * remaining arguments into a list, `a|b` two names for one position, for overloads).
 */
export function def(params: string[], impl: (...args: never[]) => unknown): FeelFunction {
  return new FeelFunction(params, (args) => (impl as (...a: unknown[]) => unknown)(...args))
}

/** Deeply: decimals to JS numbers (arguments for feelin's built-ins). */
function toJsNumbers(v: unknown): unknown {
  if (isNum(v)) return v.toNumber()
  if (isList(v)) return v.map(toJsNumbers)
  return v
}

/** Deeply: JS numbers to decimals (results of feelin's built-ins). */
function toDecimals(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? new Num(v) : null
  if (isList(v)) return v.map(toDecimals)
  if (v !== null && typeof v === 'object' && 'template' in v && 'warning' in v) return null
  return v ?? null
}

/**
 * feelin's implementation of the built-in `name`, for functions where it already behaves as
 * feel-scala and numbers play no arithmetic role (string and temporal functions).
 */
export function fromFeelin(name: string): FeelFunction {
  const fn = feelinEvaluate(name, {}).value as ((...a: unknown[]) => unknown) & {
    $args: string[]
  }
  const params = fn.$args.map((p, i) => (i === 0 ? p : `${p}?`))
  return new FeelFunction(params, (args) => toDecimals(fn(...args.map(toJsNumbers))))
}

const stripped = (p: string) => p.replace(/^\.\.\./, '').replace(/\?$/, '')

/**
 * Calls a function with positional or named arguments, as feel-scala: a wrong number of
 * arguments or an unknown parameter name is no matching function (null); a failing function
 * gives null, except for fatal failures.
 */
export function invoke(fn: FeelFunction, args: unknown[] | Record<string, unknown>): unknown {
  const params = fn.params
  const variadic = params.length > 0 && params[params.length - 1].startsWith('...')
  const required = params.filter((p) => !p.endsWith('?') && !p.startsWith('...')).length
  let list: unknown[]
  if (Array.isArray(args)) {
    if (args.length < required) return null
    if (variadic) {
      const fixed = params.length - 1
      const rest = args.slice(fixed)
      // `min([1, 2])` and `min(1, 2)` alike
      const collected = fixed === 0 && rest.length === 1 && isList(rest[0]) ? rest[0] : rest
      list = [...args.slice(0, fixed), collected]
    } else {
      if (args.length > params.length) return null
      list = args
    }
  } else {
    const names = params.map((p) => stripped(p).split('|'))
    const given = Object.keys(args)
    if (given.some((g) => !names.some((n) => n.includes(g)))) return null
    list = names.map((n) => {
      const found = n.find((x) => x in args)
      return found === undefined ? undefined : args[found]
    })
    while (list.length > 0 && list[list.length - 1] === undefined) list.pop()
    if (list.length < required) return null
    list = list.map((v) => v ?? null)
  }
  try {
    const result = fn.invoke(list)
    return result === undefined ? null : result
  } catch (err) {
    if (err instanceof FeelFatalError) throw err
    return null
  }
}
