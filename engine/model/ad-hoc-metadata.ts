/**
 * The `adHocSubProcessElements` value of an ad-hoc sub-process, as Zeebe 8.8's
 * AdHocSubProcessTransformer builds it at deployment: for each activatable element its id, name,
 * documentation, `zeebe:properties` and the parameters of the `fromAi()` calls in its input
 * mappings (Zeebe's FromAiFeelFunctionCallParameterExtractor: the parameter is named by its whole
 * reference, `toolCall.query`; description and type are string literals, schema and options
 * context literals). Null or empty fields are left out (Jackson's NON_EMPTY in Zeebe).
 */
import { evaluateExpression } from '../feel/feel'
import { extension, nodes, str, type Node } from './moddle'

export interface AdHocActivityParameter {
  name: string
  description?: string
  type?: string
  schema?: Record<string, unknown>
  options?: Record<string, unknown>
}

export interface AdHocActivityMetadata {
  elementId: string
  elementName?: string
  documentation?: string
  properties?: Record<string, string>
  parameters?: AdHocActivityParameter[]
}

const ARGUMENT_NAMES = ['value', 'description', 'type', 'schema', 'options'] as const
type ArgumentName = (typeof ARGUMENT_NAMES)[number]

/** The metadata of the activatable elements `ids` (moddle elements `inner`); throws on a bad fromAi(). */
export function adHocActivitiesMetadata(
  inner: readonly Node[],
  ids: readonly string[],
): AdHocActivityMetadata[] {
  return ids.map((id) => {
    const el = inner.find((n) => str(n, 'id') === id)
    const meta: AdHocActivityMetadata = { elementId: id }
    const name = str(el, 'name')
    if (name) meta.elementName = name
    const documentation = nodes(el, 'documentation')
      .map((d) => str(d, 'text') ?? '')
      .join('')
    if (documentation) meta.documentation = documentation
    const properties: Record<string, string> = {}
    if (el) {
      for (const p of nodes(extension(el, 'zeebe:Properties'), 'properties')) {
        const key = str(p, 'name')
        if (key) properties[key] = str(p, 'value') ?? ''
      }
    }
    if (Object.keys(properties).length > 0) meta.properties = properties
    const sources = el
      ? nodes(extension(el, 'zeebe:IoMapping'), 'inputParameters').map((m) => str(m, 'source'))
      : []
    const parameters: AdHocActivityParameter[] = []
    for (const source of sources) {
      if (source?.trim().startsWith('=')) parameters.push(...fromAiParameters(source, id))
    }
    if (parameters.length > 0) meta.parameters = parameters
    return meta
  })
}

/** The parameters of the fromAi() calls in one FEEL expression. */
function fromAiParameters(expression: string, elementId: string): AdHocActivityParameter[] {
  const out: AdHocActivityParameter[] = []
  const pattern = /(^|[^A-Za-z0-9_.])fromAi\s*\(/g
  for (let m = pattern.exec(expression); m; m = pattern.exec(expression)) {
    const args = splitArguments(expression, m.index + m[0].length)
    try {
      out.push(parameterOf(args))
    } catch (e) {
      throw new Error(
        `Failed to extract ad-hoc activity parameters for element '${elementId}'. ${(e as Error).message}`,
      )
    }
  }
  return out
}

/** The top-level arguments of a call whose argument list starts at `start` (after the `(`). */
function splitArguments(text: string, start: number): string[] {
  const args: string[] = []
  let depth = 0
  let current = ''
  for (let i = start; i < text.length; i++) {
    const c = text[i]!
    if (c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      current += text.slice(i, j + 1)
      i = j
      continue
    }
    if (c === '(' || c === '[' || c === '{') depth++
    if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) break
      depth--
    }
    if (c === ',' && depth === 0) {
      args.push(current.trim())
      current = ''
      continue
    }
    current += c
  }
  if (current.trim()) args.push(current.trim())
  return args
}

function parameterOf(args: string[]): AdHocActivityParameter {
  const byName: Partial<Record<ArgumentName, string>> = {}
  args.forEach((arg, i) => {
    const named = /^([A-Za-z_]\w*)\s*:\s*([\s\S]*)$/.exec(arg)
    const name = named?.[1] as ArgumentName | undefined
    if (named && name && ARGUMENT_NAMES.includes(name)) byName[name] = named[2]!.trim()
    else if (i < ARGUMENT_NAMES.length) byName[ARGUMENT_NAMES[i]!] = arg
  })
  const value = byName.value ?? ''
  if (!/^[A-Za-z_]\w*(\s*\.\s*[A-Za-z_]\w*)*$/.test(value)) {
    throw new Error(
      `Expected fromAi() parameter 'value' to be a reference (e.g. 'toolCall.customParameter'), but received ${value}.`,
    )
  }
  const parameter: AdHocActivityParameter = { name: value.replace(/\s+/g, '') }
  const description = stringArgument(byName.description, 'description')
  if (description) parameter.description = description
  const type = stringArgument(byName.type, 'type')
  if (type) parameter.type = type
  const schema = contextArgument(byName.schema, 'schema')
  if (schema && Object.keys(schema).length > 0) parameter.schema = schema
  const options = contextArgument(byName.options, 'options')
  if (options && Object.keys(options).length > 0) parameter.options = options
  return parameter
}

function stringArgument(text: string | undefined, name: string): string | undefined {
  if (text === undefined || text === 'null') return undefined
  const r = /^"[\s\S]*"$/.test(text) ? evaluateExpression('=' + text, {}) : undefined
  if (!r?.ok || typeof r.value !== 'string') {
    throw new Error(`Expected fromAi() parameter '${name}' to be a string, but received '${text}'.`)
  }
  return r.value
}

function contextArgument(
  text: string | undefined,
  name: string,
): Record<string, unknown> | undefined {
  if (text === undefined || text === 'null') return undefined
  const r = text.startsWith('{') ? evaluateExpression('=' + text, {}) : undefined
  if (!r?.ok || typeof r.value !== 'object' || r.value === null || Array.isArray(r.value)) {
    throw new Error(
      `Expected fromAi() parameter '${name}' to be a context (map), but received '${text}'.`,
    )
  }
  return r.value as Record<string, unknown>
}
