/**
 * A FEEL interpreter with feel-scala's semantics over feelin's parser (lezer-feel syntax trees):
 * each expression is compiled once into closures (`compile.ts`), then evaluated against an
 * `Env`. Failures that feel-scala suppresses (missing variables, wrong types, unknown
 * functions) give null; `assert` failures are fatal (`FeelFatalError`).
 */
import type { SyntaxNode } from '@lezer/common'
import { SyntaxError as FeelSyntaxError } from 'feelin'
import { builtin, invoke } from './builtins'
import { Env } from './env'
import { arithmetic, negate } from './operators'
import { parseAt, property } from './properties'
import {
  allTrue,
  anyTrue,
  children,
  type Compiled,
  compareOp,
  type ExpressionCompiler,
  parseString,
} from './syntax'
import { positiveTest, positiveTests } from './unary-tests'
import {
  compare,
  FeelFunction,
  FeelRange,
  isContext,
  isFunction,
  isList,
  isNull,
  isNum,
  Num,
  typeName,
} from './values'

export class Compiler implements ExpressionCompiler {
  constructor(private readonly src: string) {}

  text(node: SyntaxNode): string {
    return this.src.slice(node.from, node.to)
  }

  private name(node: SyntaxNode): string {
    return this.text(node).trim().replace(/\s+/g, ' ')
  }

  expr(node: SyntaxNode): Compiled {
    const c = children(node)
    switch (node.name) {
      case 'Expression':
      case 'FunctionBody':
        return this.expr(c[0])
      case 'ParenthesizedExpression':
        return this.expr(c[1])
      case 'NumericLiteral': {
        const value = new Num(this.text(node).replace(/\s+/g, ''))
        return () => value
      }
      case 'StringLiteral': {
        const value = parseString(this.text(node))
        return () => value
      }
      case 'BooleanLiteral': {
        const value = this.text(node) === 'true'
        return () => value
      }
      case 'null':
        return () => null
      case 'SpecialFunctionName':
      case 'DateTimeConstructor': {
        const fn = builtin(this.name(node))
        return () => fn ?? null
      }
      case 'VariableName': {
        const name = this.name(node)
        return (env) => {
          const v = env.get(name)
          return v === undefined ? (builtin(name) ?? null) : v
        }
      }
      case '?':
        return (env) => env.get('?') ?? null
      case 'ArithmeticExpression':
        return this.arithmetic(c)
      case 'Comparison':
        return this.comparison(c)
      case 'Disjunction': {
        const [a, b] = [this.expr(c[0]), this.expr(c[2])]
        return (env) => anyTrue([() => a(env), () => b(env)])
      }
      case 'Conjunction': {
        const [a, b] = [this.expr(c[0]), this.expr(c[2])]
        return (env) => allTrue([() => a(env), () => b(env)])
      }
      case 'IfExpression': {
        const [cond, then, other] = [this.expr(c[1]), this.expr(c[3]), this.expr(c[5])]
        return (env) => (cond(env) === true ? then(env) : other(env))
      }
      case 'List': {
        const items = c.slice(1, -1).map((n) => this.expr(n))
        return (env) => items.map((i) => i(env))
      }
      case 'Context':
        return this.context(c.slice(1, -1))
      case 'PathExpression': {
        const target = this.expr(c[0])
        const key = this.name(c[2])
        return (env) => property(target(env), key)
      }
      case 'FilterExpression':
        return this.filter(c[0], c[2])
      case 'FunctionInvocation':
        return this.invocation(c[0], c[2])
      case 'DateTimeLiteral':
        return c.length === 1 ? this.expr(c[0]) : this.invocation(c[0], c[2])
      case 'AtLiteral': {
        const value = parseAt(parseString(this.text(c[0])))
        return () => value
      }
      case 'ForExpression':
        return this.forExpression(c[1], c[3])
      case 'QuantifiedExpression':
        return this.quantified(this.text(c[0]) === 'every', c[1], c[3])
      case 'FunctionDefinition':
        return this.functionDefinition(c)
      case 'InstanceOfExpression': {
        const value = this.expr(c[0])
        const type = this.typeTest(c[3])
        return (env) => type(value(env))
      }
      case 'SimplePositiveUnaryTest':
        return this.rangeValue(c)
      case 'Interval':
        return this.interval(c)
      default:
        throw new FeelSyntaxError(`Unsupported expression <${node.name}>`, {
          input: this.text(node),
          position: { from: node.from, to: node.to },
        })
    }
  }

  private arithmetic(c: SyntaxNode[]): Compiled {
    if (c.length === 2) {
      const value = this.expr(c[1])
      return (env) => negate(value(env))
    }
    const [a, b] = [this.expr(c[0]), this.expr(c[2])]
    const op = this.text(c[1])
    return (env) => arithmetic(op, a(env), b(env))
  }

  private comparison(c: SyntaxNode[]): Compiled {
    const left = this.expr(c[0])
    const op = this.text(c[1])
    if (op === 'between') {
      const [lo, hi] = [this.expr(c[2]), this.expr(c[4])]
      return (env) => {
        const x = left(env)
        return allTrue([() => compareOp('>=', x, lo(env)), () => compareOp('<=', x, hi(env))])
      }
    }
    if (op === 'in') {
      const tests = c[2].name === '(' ? positiveTests(this, c[3]) : positiveTest(this, c[2])
      return (env) => {
        const x = left(env)
        return tests(env.child({ '?': x }), x)
      }
    }
    const right = this.expr(c[2])
    return (env) => compareOp(op, left(env), right(env))
  }

  private context(entries: SyntaxNode[]): Compiled {
    const compiled = entries.map((entry) => {
      const [keyNode, valueNode] = children(entry)
      const inner = children(keyNode)[0]
      const key =
        inner.name === 'StringLiteral' ? parseString(this.text(inner)) : this.name(keyNode)
      return { key, value: this.expr(valueNode) }
    })
    return (env) => {
      const result: Record<string, unknown> = {}
      // later entries see the earlier ones
      const scope = env.child(result)
      for (const { key, value } of compiled) result[key] = value(scope)
      return result
    }
  }

  private filter(targetNode: SyntaxNode, filterNode: SyntaxNode): Compiled {
    const target = this.expr(targetNode)
    const filter = this.expr(filterNode)
    const itemScope = (env: Env, item: unknown) =>
      env.child(isContext(item) ? { ...item, item } : { item })
    const index = (list: unknown[], i: Num) => {
      const n = i.trunc().toNumber()
      const at = n > 0 ? n - 1 : list.length + n
      return at >= 0 && at < list.length ? list[at] : null
    }
    const literalIndex =
      filterNode.name === 'NumericLiteral' ||
      (filterNode.name === 'ArithmeticExpression' &&
        children(filterNode)[1]?.name === 'NumericLiteral')
    const perItem = ['Comparison', 'FunctionInvocation'].includes(filterNode.name)
    return (env) => {
      const list = target(env)
      if (!isList(list)) return null
      if (literalIndex) {
        const i = filter(env)
        return isNum(i) ? index(list, i) : null
      }
      if (!perItem) {
        const i = filter(env)
        if (isNum(i)) return index(list, i)
      }
      if (list.length === 0) return []
      const first = filter(itemScope(env, list[0]))
      if (isNum(first)) return index(list, first)
      const out = first === true ? [list[0]] : []
      for (const item of list.slice(1)) if (filter(itemScope(env, item)) === true) out.push(item)
      return out
    }
  }

  private invocation(calleeNode: SyntaxNode, paramsNode: SyntaxNode): Compiled {
    const named = paramsNode.name === 'NamedParameters'
    const params = children(paramsNode).map((p) =>
      named
        ? { name: this.name(children(p)[0]), value: this.expr(children(p)[1]) }
        : { name: '', value: this.expr(p) },
    )
    const calleeName = ['VariableName', 'DateTimeConstructor', 'SpecialFunctionName'].includes(
      calleeNode.name,
    )
      ? this.name(calleeNode)
      : null
    const callee = calleeName === null ? this.expr(calleeNode) : null
    const call: Compiled = (env) => {
      let fn: unknown
      if (calleeName !== null) {
        const v = env.get(calleeName)
        fn = isFunction(v) ? v : builtin(calleeName)
      } else fn = callee?.(env)
      if (!isFunction(fn)) return null
      if (named) {
        const args: Record<string, unknown> = {}
        for (const p of params) args[p.name] = p.value(env)
        return invoke(fn, args)
      }
      return invoke(
        fn,
        params.map((p) => p.value(env)),
      )
    }
    // date("2020-01-01"), duration("P3D"): pure constructors of literals, evaluated once
    const literal = children(paramsNode).every((p) =>
      ['StringLiteral', 'NumericLiteral'].includes(named ? (children(p)[1]?.name ?? '') : p.name),
    )
    if (calleeNode.name !== 'DateTimeConstructor' || !literal) return call
    let folded: { value: unknown } | null = null
    return (env) => (folded ??= { value: call(env) }).value
  }

  /** The cartesian product of `x in list, y in list2` as scopes (null if one is no list). */
  private iterations(node: SyntaxNode): (env: Env) => Env[] | null {
    const parts = children(node).map((inExpr) => {
      const [nameNode, , ctxNode] = children(inExpr)
      const ctx = children(ctxNode)
      const from = this.expr(ctx[0])
      const to = ctx.length === 3 ? this.expr(ctx[2]) : null
      return { name: this.name(nameNode), from, to }
    })
    return (env) => {
      let scopes: Env[] = [env]
      for (const part of parts) {
        const next: Env[] = []
        for (const scope of scopes) {
          let values: unknown = part.from(scope)
          if (part.to) {
            const end = part.to(scope)
            if (!isNum(values) || !isNum(end)) return null
            const seq: Num[] = []
            const step = values.lte(end) ? 1 : -1
            for (let v = values; step > 0 ? v.lte(end) : v.gte(end); v = v.plus(step)) seq.push(v)
            values = seq
          }
          if (!isList(values)) return null
          for (const v of values) next.push(scope.child({ [part.name]: v }))
        }
        scopes = next
      }
      return scopes
    }
  }

  private forExpression(inNode: SyntaxNode, bodyNode: SyntaxNode): Compiled {
    const iterations = this.iterations(inNode)
    const body = this.expr(bodyNode)
    return (env) => {
      const scopes = iterations(env)
      if (!scopes) return null
      const partial: unknown[] = []
      for (const scope of scopes) partial.push(body(scope.child({ partial: [...partial] })))
      return partial
    }
  }

  private quantified(every: boolean, inNode: SyntaxNode, condNode: SyntaxNode): Compiled {
    const iterations = this.iterations(inNode)
    const cond = this.expr(condNode)
    return (env) => {
      const scopes = iterations(env)
      if (!scopes) return null
      const checks = scopes.map((s) => () => cond(s))
      return every ? allTrue(checks) : anyTrue(checks)
    }
  }

  private functionDefinition(c: SyntaxNode[]): Compiled {
    const formal = c.find((n) => n.name === 'FormalParameters')
    const names = formal ? children(formal).map((p) => this.name(children(p)[0])) : []
    const bodyNode = c.find((n) => n.name === 'FunctionBody')
    if (!bodyNode) return () => null
    const body = this.expr(bodyNode)
    return (env) =>
      new FeelFunction(names, (args) => {
        const scope: Record<string, unknown> = {}
        names.forEach((n, i) => (scope[n] = args[i] ?? null))
        return body(env.child(scope))
      })
  }

  private typeTest(node: SyntaxNode): (v: unknown) => boolean {
    const inner = children(node)[0] ?? node
    if (inner.name === 'ListType') {
      const element = this.typeTest(children(inner).find((n) => n.name === 'Type') ?? inner)
      return (v) => isList(v) && v.every(element)
    }
    const name = this.name(node).replace(/<.*$/, '')
    const aliases: Record<string, string> = {
      'date time': 'date and time',
      'year-month-duration': 'years and months duration',
      'day-time-duration': 'days and time duration',
    }
    const wanted = aliases[name] ?? name
    if (wanted === 'Any') return (v) => !isNull(v)
    if (wanted === 'Null') return (v) => isNull(v)
    if (wanted === 'context' && inner.name === 'ContextType') return (v) => isContext(v)
    return (v) => typeName(v) === wanted
  }

  /** `< 10`, `[1..5]` in an expression: a range value (`=`/`!=` tests: not a value). */
  private rangeValue(c: SyntaxNode[]): Compiled {
    if (c.length === 1) return this.expr(c[0])
    const op = this.text(c[0])
    const bound = this.expr(c[1])
    return (env) => {
      const b = bound(env)
      if (op === '<') return new FeelRange(null, b, false, false)
      if (op === '<=') return new FeelRange(null, b, false, true)
      if (op === '>') return new FeelRange(b, null, false, false)
      if (op === '>=') return new FeelRange(b, null, true, false)
      return null
    }
  }

  private interval(c: SyntaxNode[]): Compiled {
    const open = this.text(c[0])
    const close = this.text(c[4])
    const [start, end] = [this.expr(c[1]), this.expr(c[3])]
    return (env) => {
      const s = start(env)
      const e = end(env)
      if (compare(s, e) === null) return null
      return new FeelRange(s, e, open === '[', close === ']')
    }
  }
}
