/**
 * Inputs of the HTTP fuzz test: a seeded random source (the same requests on every run), the
 * routes of the express router stack, hostile values for path parameters, query strings,
 * headers and bodies, and JSON bodies derived from a route's request schema with one property
 * replaced by a hostile value.
 */

/** mulberry32: a small deterministic PRNG, so a failing request can be replayed by its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const pick = <T>(rnd: () => number, list: readonly T[]): T =>
  list[Math.floor(rnd() * list.length)]!

/** One route of the app: method and express path (`/api/users/:id`). */
export interface AppRoute {
  method: string
  path: string
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> }
  handle?: { stack?: Layer[] }
  rawPath?: unknown
}

/** Every route of an express 5 app, read from its router stack (nested routers included). */
export function appRoutes(app: { router: { stack: Layer[] } }): AppRoute[] {
  const out: AppRoute[] = []
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        if (typeof layer.route.path !== 'string') continue // the client's single-page fallback
        for (const method of Object.keys(layer.route.methods)) {
          if (method !== '_all') out.push({ method, path: `${prefix}${layer.route.path}` })
        }
      } else if (layer.handle?.stack) {
        const mount =
          typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''
        walk(layer.handle.stack, `${prefix}${mount}`)
      }
    }
  }
  walk(app.router.stack, '')
  const seen = new Set<string>()
  return out.filter(
    (r) => !seen.has(`${r.method} ${r.path}`) && !!seen.add(`${r.method} ${r.path}`),
  )
}

/**
 * Path parameter values, already in URL form: NUL, integers beyond int4 and int8, negative,
 * fractions, words, malformed escapes, traversal, very long, non-ASCII, and a plausible id.
 */
export const hostilePathValues = [
  '1',
  'INC-000001',
  '0',
  '-1',
  '1.5',
  '1e3',
  '99999999999',
  '2147483648',
  '9223372036854775808',
  '9'.repeat(40),
  'abc',
  'latest',
  '%00',
  'a%00b',
  '%E0%A4%A',
  '%',
  '%2e%2e%2f%2e%2e',
  '..',
  encodeURIComponent("' or 1=1 --"),
  encodeURIComponent('ünïcødé✓'),
  '%ED%A0%80', // a lone surrogate, as UTF-8 bytes no decoder accepts
  'x'.repeat(3000),
] as const

/** Query values, in URL form. */
export const hostileQueryValues = [
  '',
  '%00',
  'a%00b',
  'abc',
  '-1',
  '0',
  '1.5',
  '1e400',
  'NaN',
  'Infinity',
  '99999999999',
  '9223372036854775808',
  '9'.repeat(40),
  'true',
  '%E0%A4%A',
  '%',
  'x'.repeat(5000),
  encodeURIComponent('2026-13-45T99:99:99Z'),
] as const

/** Header sets: cookies, origins and CSRF tokens a hostile client might send. */
export const hostileHeaders: Record<string, string>[] = [
  { cookie: 'sms_session=%00' },
  { cookie: 'sms_session=%E0%A4%A' },
  { cookie: `sms_session=${'a'.repeat(4000)}` },
  { cookie: '=;;;=;sms_session' },
  { cookie: 'sms_session=a; sms_session=b' },
  { origin: 'null' },
  { origin: 'not a url' },
  { origin: 'http://[' },
  { referer: 'http://[' },
  { 'x-csrf-token': '\u00ff'.repeat(10) },
  { 'x-forwarded-for': 'not-an-ip, %00' },
  { 'accept-language': '*;q=abc' },
  { host: 'evil.example:99999' },
]

function deep(levels: number): unknown {
  let v: unknown = 'bottom'
  for (let i = 0; i < levels; i++) v = i % 2 ? { a: v } : [v]
  return v
}

/** Values a JSON property is set to: NUL, huge and odd numbers, wrong types, long strings. */
export const hostileJsonValues: readonly unknown[] = [
  '\u0000',
  'a\u0000b',
  99999999999,
  2147483648,
  9223372036854775808,
  1e308,
  -1,
  0,
  1.5,
  -0,
  '',
  ' ',
  'x'.repeat(100_000),
  [],
  ['\u0000'],
  {},
  { '\u0000': 1 },
  null,
  true,
  '2026-13-45',
  deep(200),
]

/** Whole bodies, as raw text with their content type. */
export const hostileRawBodies: { type: string; body: string }[] = [
  { type: 'application/json', body: '[]' },
  { type: 'application/json', body: '"text"' },
  { type: 'application/json', body: '42' },
  { type: 'application/json', body: 'null' },
  { type: 'application/json', body: '{"a":' },
  { type: 'application/json', body: '{"\\u0000":"\\u0000"}' },
  { type: 'application/json', body: '{"__proto__":{"admin":true},"constructor":{"prototype":{}}}' },
  { type: 'application/json', body: `${'[{"a":'.repeat(5000)}1${'}]'.repeat(5000)}` },
  { type: 'application/json; charset=latin-9', body: '{}' },
  { type: 'application/json; charset=utf-16', body: '{}' },
  { type: 'text/plain', body: '{}' },
  { type: 'application/x-www-form-urlencoded', body: 'a=%00' },
  { type: 'multipart/form-data; boundary=x', body: '--x--' },
  { type: 'application/xml', body: '<a/>' },
]

type Schema = Record<string, unknown>

/** A value that satisfies the simple parts of `schema` (types, enums, required, minimums). */
export function plausible(schema: Schema | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return null
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum)) return schema.enum[0]
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key]
    if (Array.isArray(options)) return plausible(options[0] as Schema, depth + 1)
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'string':
      return 'fuzz'.padEnd(Number(schema.minLength ?? 0), 'z')
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1
    case 'boolean':
      return true
    case 'array': {
      const n = Number(schema.minItems ?? 0)
      return Array.from({ length: n }, () => plausible(schema.items as Schema, depth + 1))
    }
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Schema>
      const required = (schema.required ?? []) as string[]
      return Object.fromEntries(required.map((k) => [k, plausible(props[k], depth + 1)]))
    }
    default:
      return 'fuzz'
  }
}

/** The top-level property names of an object schema, sorted. */
export const propertiesOf = (schema: Schema | undefined): string[] =>
  Object.keys((schema?.properties ?? {}) as Record<string, unknown>).sort()
