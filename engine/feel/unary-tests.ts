/** FEEL unary tests (DMN input entries, `x in …`), as feel-scala evaluates them. */
import type { SyntaxNode } from '@lezer/common'
import { anyTrue, children, compareOp, type ExpressionCompiler, type Test } from './syntax'
import { equals, isList, isRange } from './values'

export function unaryTests(compiler: ExpressionCompiler, node: SyntaxNode): Test {
  const c = children(node)
  if (c[0]?.name === 'Wildcard') return () => true
  if (c[0]?.name === 'not') {
    const tests = positiveTests(compiler, c[2])
    return (env, input) => {
      const r = tests(env, input)
      return r === null ? null : !r
    }
  }
  return positiveTests(compiler, c[0])
}

export function positiveTests(compiler: ExpressionCompiler, node: SyntaxNode): Test {
  if (node.name !== 'PositiveUnaryTests') return positiveTest(compiler, node)
  const tests = children(node).map((t) => positiveTest(compiler, t))
  return (env, input) => anyTrue(tests.map((t) => () => t(env, input)))
}

export function positiveTest(compiler: ExpressionCompiler, node: SyntaxNode): Test {
  const inner = node.name === 'PositiveUnaryTest' ? children(node)[0] : node
  if (inner.name === 'SimplePositiveUnaryTest') {
    const c = children(inner)
    if (c.length === 1) {
      const range = compiler.expr(c[0])
      return (env, input) => {
        const r = range(env)
        return isRange(r) ? r.includes(input) : null
      }
    }
    const op = compiler.text(c[0])
    const bound = compiler.expr(c[1])
    return (env, input) => compareOp(op, input, bound(env))
  }
  // an expression: true, a list containing the input, or a value equal to the input
  const value = compiler.expr(inner)
  return (env, input) => {
    const x = value(env)
    if (x === true) return true
    if (isRange(x)) return x.includes(input)
    if (isList(x) && x.some((i) => equals(i, input) === true)) return true
    const eq = equals(input, x)
    if (eq === true) return true
    if (x === false || isList(x)) return false
    return eq === null ? null : false
  }
}
