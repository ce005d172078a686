/** String and conversion built-ins: feelin's where they match feel-scala, ours where not. */
import { isList, isNull, isNum, isTemporal, isText, Num, typeName } from '../values'
import { temporalString } from '../format'
import { def, fromFeelin, type Builtins } from './registry'

/** feel-scala's `string(x)`: numbers plainly, lists and contexts in FEEL notation. */
export function feelString(v: unknown): string {
  if (isNull(v)) return 'null'
  if (isText(v)) return v
  if (isNum(v)) return v.toFixed()
  if (typeof v === 'boolean') return String(v)
  if (isTemporal(v)) return temporalString(v) ?? ''
  if (isList(v)) return `[${v.map(feelString).join(', ')}]`
  if (typeName(v) === 'context') {
    const entries = Object.entries(v as Record<string, unknown>)
    return `{${entries.map(([k, x]) => `${k}:${feelString(x)}`).join(', ')}}`
  }
  return typeName(v)
}

const GROUPING = [' ', ',', '.']

function parseNumber(text: string): Num | null {
  const t = text.trim()
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null
  return new Num(t)
}

const camundaStrings = {
  trim: (text: unknown) => (isText(text) ? text.trim() : null),
  'is blank': (text: unknown) => (isText(text) ? text.trim() === '' : null),
  'to base64': (text: unknown) => (isText(text) ? Buffer.from(text).toString('base64') : null),
  'from base64': (text: unknown) => {
    if (!isText(text)) return null
    const bytes = Buffer.from(text, 'base64')
    return bytes.toString('base64').replace(/=+$/, '') === text.replace(/=+$/, '')
      ? bytes.toString()
      : null
  },
  extract: (text: unknown, pattern: unknown) => {
    if (!isText(text) || !isText(pattern)) return null
    return text.match(new RegExp(pattern, 'gu')) ?? []
  },
}

export const stringBuiltins: Builtins = {
  string: def(['from'], (v: unknown) => (isNull(v) ? null : feelString(v))),
  number: def(
    ['from', 'grouping separator?', 'decimal separator?'],
    (from: unknown, grouping?: unknown, decimal?: unknown) => {
      if (!isText(from)) return null
      let text = from
      if (!isNull(grouping)) {
        if (!isText(grouping) || !GROUPING.includes(grouping)) return null
        text = text.split(grouping).join('')
      }
      if (!isNull(decimal)) {
        if (!isText(decimal) || ![',', '.'].includes(decimal) || decimal === grouping) return null
        text = text.replace(decimal, '.')
      }
      return parseNumber(text)
    },
  ),
  trim: def(['string'], camundaStrings.trim),
  'is blank': def(['string'], camundaStrings['is blank']),
  'to base64': def(['value'], camundaStrings['to base64']),
  'from base64': def(['value'], camundaStrings['from base64']),
  extract: def(['string', 'pattern'], camundaStrings.extract),
}

for (const name of [
  'substring',
  'string length',
  'upper case',
  'lower case',
  'substring before',
  'substring after',
  'replace',
  'contains',
  'starts with',
  'ends with',
  'matches',
  'split',
]) {
  stringBuiltins[name] = fromFeelin(name)
}
