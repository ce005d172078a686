/** Syntax-tree helpers and the three-valued logic shared by expressions and unary tests. */
import type { SyntaxNode } from '@lezer/common'
import { SyntaxError as FeelSyntaxError } from 'feelin'
import type { Env } from './env'
import { compare, equals } from './values'

export type Compiled = (env: Env) => unknown
/** A unary test: whether the input value `?` passes (null when undecidable). */
export type Test = (env: Env, input: unknown) => boolean | null

/** What compiling unary tests needs from the expression compiler. */
export interface ExpressionCompiler {
  expr(node: SyntaxNode): Compiled
  text(node: SyntaxNode): string
}

export const children = (node: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = []
  for (let c = node.firstChild; c; c = c.nextSibling) if (!c.type.isSkipped) out.push(c)
  return out
}

/** Three-valued or over lazily evaluated operands (feel-scala's atLeastOne). */
export function anyTrue(values: Iterable<() => unknown>): boolean | null {
  let unknown = false
  for (const v of values) {
    const x = v()
    if (x === true) return true
    if (x !== false) unknown = true
  }
  return unknown ? null : false
}

/** Three-valued and (feel-scala's all). */
export function allTrue(values: Iterable<() => unknown>): boolean | null {
  let unknown = false
  for (const v of values) {
    const x = v()
    if (x === false) return false
    if (x !== true) unknown = true
  }
  return unknown ? null : true
}

export function parseString(literal: string): string {
  const body = literal.slice(1, -1)
  // feel-scala's escapes; any other backslash stays (regular expressions: "\\d+")
  return body.replace(/\\(u[0-9a-fA-F]{4}|["\\nrt'])/g, (_m, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16))
    return ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e
  })
}

/** Comparison operators of `a op b` and of the unary tests `op b`. */
export function compareOp(op: string, a: unknown, b: unknown): boolean | null {
  if (op === '=') return equals(a, b)
  if (op === '!=') {
    const r = equals(a, b)
    return r === null ? null : !r
  }
  const c = compare(a, b)
  if (c === null) return null
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0
}

/** Throws feelin's SyntaxError for the first error node (as feelin's own evaluate would). */
export function checked(top: SyntaxNode, input: string): SyntaxNode {
  const cursor = top.cursor()
  do {
    if (cursor.type.isError) {
      const node = cursor.node
      const parent = node.parent?.name ?? top.name
      let next: SyntaxNode | null = null
      for (let n: SyntaxNode | null = node; n && !next; n = n.parent) next = n.nextSibling
      const message =
        node.from !== node.to
          ? `Unrecognized token in <${parent}>`
          : next
            ? `Unrecognized token <${next.name}> in <${parent}>`
            : `Incomplete <${parent}>`
      throw new FeelSyntaxError(message, {
        input: input.slice(node.from, node.to),
        position: { from: node.from, to: node.to },
      })
    }
  } while (cursor.next())
  return top
}
