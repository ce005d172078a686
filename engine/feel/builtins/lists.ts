/** List built-ins (feel-scala's ListBuiltinFunctions), with FEEL equality and decimals. */
import { compare, equals, isFunction, isList, isNull, isNum, isText, Num } from '../values'
import { def, type Builtins } from './registry'

const numbers = (list: unknown): Num[] | null =>
  isList(list) && list.length > 0 && list.every(isNum) ? list : null

/** The position of a 1-based (or negative, from the end) index. */
const listIndex = (list: unknown[], i: Num) => {
  const n = i.trunc().toNumber()
  return n > 0 ? n - 1 : list.length + n
}

function distinct(list: unknown[]): unknown[] {
  const out: unknown[] = []
  for (const item of list) if (!out.some((o) => equals(o, item) === true)) out.push(item)
  return out
}

function flatten(list: unknown[]): unknown[] {
  return list.flatMap((item) => (isList(item) ? flatten(item) : [item]))
}

/** min/max: the items must be comparable values of one type. */
function extreme(list: unknown, sign: 1 | -1): unknown {
  if (!isList(list)) return null
  if (list.length === 0) return null
  let best = list[0]
  for (const item of list.slice(1)) {
    const c = compare(item, best)
    if (c === null) return null
    if (c * sign > 0) best = item
  }
  return compare(best, best) === null ? null : best
}

function join(
  list: unknown,
  delimiter: unknown = null,
  prefix: unknown = null,
  suffix: unknown = null,
): unknown {
  if (!isList(list) || !list.every((i) => isText(i) || isNull(i))) return null
  const str = (v: unknown) => (isText(v) ? v : isNull(v) ? '' : null)
  const [d, p, s] = [str(delimiter), str(prefix), str(suffix)]
  if (d === null || p === null || s === null) return null
  return p + list.filter(isText).join(d) + s
}

function sum(list: Num[]): Num {
  return list.reduce((a, b) => a.plus(b), new Num(0))
}

export const listBuiltins: Builtins = {
  'list contains': def(['list', 'element'], (list: unknown, element: unknown) =>
    isList(list) ? list.some((i) => equals(i, element) === true) : null,
  ),
  count: def(['list'], (list: unknown) => (isList(list) ? new Num(list.length) : null)),
  min: def(['...list'], (list: unknown) => extreme(list, -1)),
  max: def(['...list'], (list: unknown) => extreme(list, 1)),
  sum: def(['...list'], (list: unknown) => {
    const ns = numbers(list)
    return ns ? sum(ns) : null
  }),
  product: def(['...list'], (list: unknown) => {
    const ns = numbers(list)
    return ns ? ns.reduce((a, b) => a.times(b), new Num(1)) : null
  }),
  mean: def(['...list'], (list: unknown) => {
    const ns = numbers(list)
    return ns ? sum(ns).div(ns.length) : null
  }),
  median: def(['...list'], (list: unknown) => {
    const ns = numbers(list)
    if (!ns) return null
    const sorted = [...ns].sort((a, b) => a.comparedTo(b))
    const mid = Math.floor(sorted.length / 2)
    return sorted.length % 2 ? sorted[mid] : sorted[mid - 1].plus(sorted[mid]).div(2)
  }),
  stddev: def(['...list'], (list: unknown) => {
    const ns = numbers(list)
    if (!ns || ns.length < 2) return null
    const mean = sum(ns).div(ns.length)
    const d = ns.reduce((acc, n) => acc.plus(n.minus(mean).pow(2)), new Num(0))
    return new Num(Math.sqrt(d.div(ns.length - 1).toNumber()))
  }),
  mode: def(['...list'], (list: unknown) => {
    if (isList(list) && list.length === 0) return []
    const ns = numbers(list)
    if (!ns) return null
    const counts = distinct(ns).map((n) => ({
      n: n as Num,
      count: ns.filter((m) => m.eq(n as Num)).length,
    }))
    const top = Math.max(...counts.map((c) => c.count))
    return counts
      .filter((c) => c.count === top)
      .map((c) => c.n)
      .sort((a, b) => a.comparedTo(b))
  }),
  and: def(['...list'], (list: unknown) => all(list)),
  all: def(['...list'], (list: unknown) => all(list)),
  or: def(['...list'], (list: unknown) => some(list)),
  any: def(['...list'], (list: unknown) => some(list)),
  sublist: def(
    ['list', 'start position|start', 'length?'],
    (list: unknown, start: unknown, length?: unknown) => {
      if (!isList(list) || !isNum(start) || start.isZero()) return null
      const from = Math.max(0, listIndex(list, start))
      if (length === undefined) return list.slice(from)
      return isNum(length) ? list.slice(from, from + length.trunc().toNumber()) : null
    },
  ),
  append: def(['list', '...items'], (list: unknown, items: unknown) =>
    isList(list) && isList(items) ? [...list, ...items] : null,
  ),
  concatenate: def(['...lists'], (lists: unknown) =>
    isList(lists) ? lists.flatMap((l) => (isList(l) ? l : [l])) : null,
  ),
  'insert before': def(
    ['list', 'position', 'newItem'],
    (list: unknown, pos: unknown, item: unknown) => {
      if (!isList(list) || !isNum(pos) || pos.isZero()) return null
      const at = listIndex(list, pos)
      return [...list.slice(0, at), item, ...list.slice(at)]
    },
  ),
  remove: def(['list', 'position'], (list: unknown, pos: unknown) => {
    if (!isList(list) || !isNum(pos) || pos.isZero()) return null
    const at = listIndex(list, pos)
    return [...list.slice(0, at), ...list.slice(at + 1)]
  }),
  reverse: def(['list'], (list: unknown) => (isList(list) ? [...list].reverse() : null)),
  'index of': def(['list', 'match'], (list: unknown, match: unknown) =>
    isList(list)
      ? list.flatMap((item, i) => (equals(item, match) === true ? [new Num(i + 1)] : []))
      : null,
  ),
  union: def(['...lists'], (lists: unknown) =>
    isList(lists) ? distinct(lists.flatMap((l) => (isList(l) ? l : [l]))) : null,
  ),
  'distinct values': def(['list'], (list: unknown) => (isList(list) ? distinct(list) : null)),
  'duplicate values': def(['list'], (list: unknown) =>
    isList(list)
      ? distinct(list).filter((x) => list.filter((y) => equals(x, y) === true).length > 1)
      : null,
  ),
  flatten: def(['list'], (list: unknown) => (isList(list) ? flatten(list) : null)),
  sort: def(['list', 'precedes'], (list: unknown, precedes: unknown) => {
    if (!isList(list) || !isFunction(precedes) || precedes.params.length !== 2) return null
    return [...list].sort((a, b) => {
      const before = precedes.invoke([a, b])
      if (typeof before !== 'boolean') throw new Error('expected boolean')
      if (before) return -1
      return precedes.invoke([b, a]) === true ? 1 : 0
    })
  }),
  'string join': def(['list', 'delimiter?', 'prefix?', 'suffix?'], join),
  'is empty': def(['list'], (list: unknown) => (isList(list) ? list.length === 0 : null)),
  partition: def(['list', 'size'], (list: unknown, size: unknown) => {
    if (!isList(list) || !isNum(size)) return null
    const n = size.trunc().toNumber()
    if (n <= 0) return null
    const out: unknown[][] = []
    for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n))
    return out
  }),
}

function all(list: unknown): boolean | null {
  if (!isList(list)) return null
  let result: boolean | null = true
  for (const item of list) {
    if (item === false) return false
    if (item !== true) result = null
  }
  return result
}

function some(list: unknown): boolean | null {
  if (!isList(list)) return null
  let result: boolean | null = false
  for (const item of list) {
    if (item === true) return true
    if (item !== false) result = null
  }
  return result
}
