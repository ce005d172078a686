/**
 * Comparing two versions of a document (4.3.2 e: changes identified): the Markdown line by line
 * and the structured content value by value, so an approver sees what a draft changes.
 */

/** One line of a line diff: kept, added or removed. */
export interface LineChange {
  op: '=' | '+' | '-'
  line: string
}
/** One value of the structured content that differs, by its JSON path. */
export interface DataChange {
  path: string
  before: unknown
  after: unknown
}

/** Longest-common-subsequence line diff (documents are small: a few thousand lines at most). */
export function diffLines(before: string, after: string): LineChange[] {
  const a = before ? before.split('\n') : []
  const b = after ? after.split('\n') : []
  const n = a.length
  const m = b.length
  if (n * m > 4_000_000) {
    return [
      ...a.map((line) => ({ op: '-' as const, line })),
      ...b.map((line) => ({ op: '+' as const, line })),
    ]
  }
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] =
        a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  const out: LineChange[] = []
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: '=', line: a[i]! })
      i++
      j++
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: '-', line: a[i++]! })
    else out.push({ op: '+', line: b[j++]! })
  }
  while (i < n) out.push({ op: '-', line: a[i++]! })
  while (j < m) out.push({ op: '+', line: b[j++]! })
  return out
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x)

/** The leaves of two JSON values that differ, e.g. `/targets/1/resolutionMinutes`. */
export function diffData(before: unknown, after: unknown, path = ''): DataChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
    return keys.flatMap((k) => diffData(before[k], after[k], `${path}/${k}`))
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const len = Math.max(before.length, after.length)
    return Array.from({ length: len }, (_, i) =>
      diffData(before[i], after[i], `${path}/${i}`),
    ).flat()
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return []
  return [{ path: path || '/', before: before ?? null, after: after ?? null }]
}
