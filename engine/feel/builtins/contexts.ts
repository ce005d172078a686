/** Context and boolean built-ins, and Camunda's extensions (feel-scala's). */
import { randomUUID } from 'node:crypto'
import { fromJs, isBool, isContext, isList, isNull, isText, toJson } from '../values'
import { def, FeelFatalError, type Builtins } from './registry'

type Ctx = Record<string, unknown>

function getPath(context: Ctx, keys: unknown[]): unknown {
  let value: unknown = context
  for (const key of keys) {
    if (!isContext(value) || !isText(key) || !Object.prototype.hasOwnProperty.call(value, key))
      return null
    value = value[key]
  }
  return keys.length === 0 ? null : (value ?? null)
}

function putPath(context: Ctx, keys: string[], value: unknown): Ctx {
  const [key, ...rest] = keys
  if (rest.length === 0) return { ...context, [key]: value }
  const nested = isContext(context[key]) ? (context[key] as Ctx) : {}
  return { ...context, [key]: putPath(nested, rest, value) }
}

const stringKeys = (v: unknown): v is string[] => isList(v) && v.length > 0 && v.every(isText)

export const contextBuiltins: Builtins = {
  // Camunda 8.8: a tool parameter of an AI agent; evaluates to its value (the other arguments
  // describe it for the agent, read at deployment: model/ad-hoc-metadata.ts)
  fromAi: def(
    ['value', 'description?', 'type?', 'schema?', 'options?'],
    (value: unknown) => value ?? null,
  ),
  'get value': def(['context|m', 'key|keys'], (context: unknown, key: unknown) => {
    if (!isContext(context)) return null
    if (isText(key)) return Object.prototype.hasOwnProperty.call(context, key) ? context[key] : null
    return isList(key) && key.every(isText) ? getPath(context, key) : null
  }),
  'get entries': def(['context|m'], (context: unknown) =>
    isContext(context) ? Object.entries(context).map(([key, value]) => ({ key, value })) : null,
  ),
  'context put': def(
    ['context', 'key|keys', 'value'],
    (context: unknown, key: unknown, value: unknown) => {
      if (!isContext(context)) return null
      if (isText(key)) return { ...context, [key]: value }
      return stringKeys(key) ? putPath(context, key, value) : null
    },
  ),
  'context merge': def(['...contexts'], (contexts: unknown) =>
    isList(contexts) && contexts.every(isContext) ? Object.assign({}, ...contexts) : null,
  ),
  context: def(['entries'], (entries: unknown) => {
    if (!isList(entries)) return null
    const out: Ctx = {}
    for (const e of entries) {
      if (!isContext(e) || !isText(e.key) || !('value' in e)) return null
      out[e.key] = e.value
    }
    return out
  }),
  not: def(['negand'], (b: unknown) => (isBool(b) ? !b : null)),
  'is defined': def(['value'], (v: unknown) => !isNull(v)),
  'get or else': def(['value', 'default'], (v: unknown, d: unknown) => (isNull(v) ? d : v)),
  assert: def(
    ['value', 'condition', 'cause?'],
    (v: unknown, condition: unknown, cause?: unknown) => {
      if (condition === true) return v
      throw new FeelFatalError(isText(cause) ? cause : 'The condition is not fulfilled')
    },
  ),
  'is empty': def(['list'], (list: unknown) => (isList(list) ? list.length === 0 : null)),
  uuid: def([], () => randomUUID()),
  'to json': def(['value'], (v: unknown) => JSON.stringify(toJson(v))),
  'from json': def(['json'], (text: unknown) => {
    if (!isText(text)) return null
    try {
      return fromJs(JSON.parse(text))
    } catch {
      return null
    }
  }),
}

// deprecated names feel-scala still accepts
contextBuiltins.put = contextBuiltins['context put']
contextBuiltins['put all'] = contextBuiltins['context merge']
