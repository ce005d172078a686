/** All FEEL built-in functions by name (feel-scala's set, as Zeebe 8.8 offers it). */
import { contextBuiltins } from './builtins/contexts'
import { listBuiltins } from './builtins/lists'
import { numberBuiltins } from './builtins/numbers'
import { rangeBuiltins } from './builtins/ranges'
import type { Builtins } from './builtins/registry'
import { stringBuiltins } from './builtins/strings'
import { temporalBuiltins } from './builtins/temporal'
import type { FeelFunction } from './values'

const all: Builtins = {
  ...stringBuiltins,
  ...temporalBuiltins,
  ...numberBuiltins,
  ...listBuiltins,
  ...contextBuiltins,
  ...rangeBuiltins,
}

/** The built-in function `name`, if there is one. */
export function builtin(name: string): FeelFunction | undefined {
  return Object.prototype.hasOwnProperty.call(all, name) ? all[name] : undefined
}

export const builtinNames = Object.keys(all)
export { FeelFatalError, invoke } from './builtins/registry'
export { withClock } from './builtins/temporal'
