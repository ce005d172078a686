/** Compiling FEEL text: feelin's parser, then our interpreter's closures. */
import { parseExpression, parseUnaryTests } from 'feelin'
import { builtinNames } from './builtins'
import type { Env } from './env'
import { Compiler } from './interpreter'
import { checked, type Compiled } from './syntax'
import { unaryTests } from './unary-tests'

/** Built-in names the parser must know (`get or else` holds the keyword `or`). */
const parseNames: Record<string, unknown> = Object.fromEntries(
  builtinNames.filter((n) => n.includes(' ')).map((n) => [n, null]),
)

/** A compiled expression or unary tests; a syntax error throws feelin's SyntaxError. */
export function compileExpression(expression: string, names: Record<string, unknown>): Compiled {
  const tree = parseExpression(expression, { ...parseNames, ...names }, 'camunda')
  return new Compiler(expression).expr(checked(tree.topNode, expression))
}

export function compileUnaryTests(
  tests: string,
  names: Record<string, unknown>,
): (env: Env, input: unknown) => boolean | null {
  const tree = parseUnaryTests(tests, { ...parseNames, ...names }, 'camunda')
  const test = unaryTests(new Compiler(tests), checked(tree.topNode, tests))
  return (env, input) => test(env.child({ '?': input }), input)
}
