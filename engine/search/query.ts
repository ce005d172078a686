/**
 * Camunda 8.8's search requests on SQL: `filter` (a value, or an object of operators `$eq`,
 * `$neq`, `$exists`, `$in`, `$notIn`, `$like`, `$gt`, `$gte`, `$lt`, `$lte` as the field's type
 * allows, and `$or` groups), `sort` (fields and ASC/DESC), and paging by offset
 * (`page: { from, limit }`) or cursor (`page: { after | before, limit }`), answered with
 * `page: { totalItems, startCursor, endCursor }`. Requests are checked by an ajv schema built
 * from the entity's field list, so an unknown field or an operator the field's type does not
 * have is a 400.
 */
import type { ValidateFunction } from 'ajv'
import { badRequest } from '../rest/types'
import type { SqlClient } from '../state/sql'
import { ajv, DEFAULT_LIMIT, describeAjvError, searchSchema } from './search-schema'
import { selectList, type Row, type TableSpec } from './tables'

export { DEFAULT_LIMIT, MAX_LIMIT } from './search-schema'

/**
 * A filterable field's type: `key` (Camunda keys, strings of digits), `string`, `int`, `date`
 * (ISO date-time in requests, epoch ms in the tables), `enum`, `bool`.
 */
export type FieldKind = 'key' | 'string' | 'int' | 'date' | 'enum' | 'bool'

export interface FieldSpec {
  /** SQL expression of the value (columns of the entity's table as `t.<column>`). */
  sql: string
  kind: FieldKind
  /** Which operators 8.8 allows on this field; absent = the plain value only. */
  ops?: readonly Operator[]
  /** Enum values. */
  values?: readonly string[]
  /** The column is a jsonb array of strings: the filter matches when any element does. */
  array?: boolean
}

/** A filter field with its own SQL (variables, latest version, element instance filters). */
export interface CustomFilter {
  custom: true
  schema: object
  /** SQL condition for `value`; `param` adds a parameter and returns its placeholder. */
  where: (value: unknown, param: (v: unknown) => string) => string
}

export type Operator =
  '$eq' | '$neq' | '$exists' | '$in' | '$notIn' | '$like' | '$gt' | '$gte' | '$lt' | '$lte'

/** The operator sets of Camunda 8.8's filter property types. */
export const Ops = {
  /** BasicStringFilter and the key filters. */
  basic: ['$eq', '$neq', '$exists', '$in', '$notIn'],
  /** AdvancedStringFilter. */
  string: ['$eq', '$neq', '$exists', '$in', '$notIn', '$like'],
  /** AdvancedIntegerFilter, AdvancedDateTimeFilter. */
  range: ['$eq', '$neq', '$exists', '$gt', '$gte', '$lt', '$lte', '$in'],
  /** The advanced enum filters (states, kinds). */
  enum: ['$eq', '$neq', '$exists', '$in', '$like'],
} as const satisfies Record<string, readonly Operator[]>

export interface EntitySpec<T> {
  table: TableSpec
  filters: Record<string, FieldSpec | CustomFilter>
  /** Sortable fields: SQL expression and the type its cursor values are cast to. */
  sorts: Record<string, { sql: string; kind: FieldKind }>
  /** The primary key column: last sort term, so order and cursors are total. */
  tiebreak: string
  /** Condition every row must meet (e.g. the user task of a variables search). */
  base?: string
  toResult(row: Row): T
}

/** A search request's body as Camunda 8.8 has it. */
export interface SearchBody {
  filter?: Record<string, unknown>
  sort?: { field: string; order?: string }[]
  page?: { from?: number; limit?: number; after?: string; before?: string }
}

export interface SearchResult<T> {
  items: T[]
  page: { totalItems: number; startCursor?: string; endCursor?: string }
}

/** Default and largest page size. */

export class EntitySearch<T> {
  private readonly validate: ValidateFunction

  constructor(
    readonly spec: EntitySpec<T>,
    options: { orGroups?: boolean } = {},
  ) {
    this.validate = ajv.compile(
      searchSchema(spec as EntitySpec<unknown>, options.orGroups ?? false),
    )
  }

  /** Runs a search; `extra` adds conditions (path parameters) with its own parameters. */
  async search(
    sql: SqlClient,
    body: unknown,
    extra?: { where: string; params: unknown[] },
  ): Promise<SearchResult<T>> {
    const request = (body ?? {}) as SearchBody
    if (!this.validate(request)) throw badRequest(describeAjvError(this.validate.errors))
    const page = request.page ?? {}
    if (page.after !== undefined && page.before !== undefined)
      throw badRequest('Both after and before cannot be set at the same time')
    if (page.from !== undefined && (page.after !== undefined || page.before !== undefined))
      throw badRequest('Offset pagination (from) cannot be combined with a cursor (after, before)')
    const params: unknown[] = [...(extra?.params ?? [])]
    const param = (v: unknown) => {
      params.push(v)
      return `$${params.length}`
    }
    const conditions = [this.filterSql(request.filter ?? {}, param)]
    if (this.spec.base) conditions.push(this.spec.base)
    if (extra?.where) conditions.push(extra.where)
    const where = conditions.filter((c) => c !== 'true').join(' and ') || 'true'
    const countParams = [...params]

    const sorts = (request.sort ?? []).map((s) => ({
      ...this.spec.sorts[s.field]!,
      desc: (s.order ?? 'ASC').toUpperCase() === 'DESC',
    }))
    sorts.push({ sql: `t.${this.spec.tiebreak}`, kind: 'key', desc: false })
    const backward = page.before !== undefined
    const terms = sorts.map((s) => ({ ...s, desc: backward ? !s.desc : s.desc }))
    const cursor = page.after ?? page.before
    let keyset = ''
    if (cursor !== undefined)
      keyset = ` and ${this.keysetSql(terms, decodeCursor(cursor, terms.length), param)}`
    const order = terms
      .flatMap((s) => [
        `(${s.sql} is null) ${s.desc ? 'desc' : 'asc'}`,
        `${s.sql} ${s.desc ? 'desc' : 'asc'}`,
      ])
      .join(', ')
    const limit = page.limit ?? DEFAULT_LIMIT
    const sortValues = sorts.map((s, i) => `(${s.sql})::text as __s${i}`).join(', ')
    const { rows } = await sql.query<Row>(
      `select ${selectList(this.spec.table, 't')}, ${sortValues} from ${this.spec.table.name} t
       where ${where}${keyset} order by ${order} limit ${limit} offset ${cursor === undefined ? (page.from ?? 0) : 0}`,
      params,
    )
    if (backward) rows.reverse()
    const { rows: counted } = await sql.query<{ n: string | number }>(
      `select count(*)::int as n from ${this.spec.table.name} t where ${where}`,
      countParams,
    )
    const cursorOf = (row: Row) =>
      encodeCursor(sorts.map((_, i) => (row[`__s${i}`] ?? null) as string | null))
    return {
      items: rows.map((r) => this.spec.toResult(r)),
      page: {
        totalItems: Number(counted[0]?.n ?? 0),
        ...(rows.length > 0
          ? { startCursor: cursorOf(rows[0]!), endCursor: cursorOf(rows[rows.length - 1]!) }
          : {}),
      },
    }
  }

  /**
   * Validates a body with only a `filter` (statistics requests) and returns its SQL condition on
   * the table as `t`, its parameters appended to `params`.
   */
  where(body: unknown, params: unknown[]): string {
    const request = (body ?? {}) as SearchBody
    if (!this.validate(request)) throw badRequest(describeAjvError(this.validate.errors))
    if (request.sort !== undefined || request.page !== undefined)
      throw badRequest('Request property [sort] cannot be parsed')
    return this.filterSql(request.filter ?? {}, (v) => {
      params.push(v)
      return `$${params.length}`
    })
  }

  /** One row by its key, or undefined. */
  async get(sql: SqlClient, key: string, extra = ''): Promise<T | undefined> {
    const { rows } = await sql.query<Row>(
      `select ${selectList(this.spec.table, 't')} from ${this.spec.table.name} t
       where t.${this.spec.tiebreak} = $1::${this.spec.table.columns[this.spec.tiebreak]}${extra}`,
      [key],
    )
    return rows[0] ? this.spec.toResult(rows[0]) : undefined
  }

  private filterSql(filter: Record<string, unknown>, param: (v: unknown) => string): string {
    const parts: string[] = []
    for (const [name, value] of Object.entries(filter)) {
      if (value === undefined) continue
      if (name === '$or') {
        const groups = (value as Record<string, unknown>[]).map(
          (g) => `(${this.filterSql(g, param)})`,
        )
        if (groups.length > 0) parts.push(`(${groups.join(' or ')})`)
        continue
      }
      const f = this.spec.filters[name]!
      if ('custom' in f) parts.push(f.where(value, param))
      else parts.push(fieldSql(name, f, value, param))
    }
    return parts.length > 0 ? parts.join(' and ') : 'true'
  }

  private keysetSql(
    terms: { sql: string; kind: FieldKind; desc: boolean }[],
    values: (string | null)[],
    param: (v: unknown) => string,
  ): string {
    // each sort term orders by (value is null) first, then the value: compare lexicographically
    const expanded = terms.flatMap((t, i) => {
      const v = values[i] ?? null
      return [
        { sql: `(${t.sql} is null)`, cast: 'boolean', desc: t.desc, value: v === null },
        { sql: t.sql, cast: castOf(t.kind), desc: t.desc, value: v },
      ]
    })
    const disjuncts: string[] = []
    for (let i = 0; i < expanded.length; i++) {
      const t = expanded[i]!
      if (t.value === null) continue
      const eqs = expanded
        .slice(0, i)
        .map((e) =>
          e.value === null ? `${e.sql} is null` : `${e.sql} = ${param(e.value)}::${e.cast}`,
        )
      const cmp = `${t.sql} ${t.desc ? '<' : '>'} ${param(t.value)}::${t.cast}`
      disjuncts.push(`(${[...eqs, cmp].join(' and ')})`)
    }
    return disjuncts.length > 0 ? `(${disjuncts.join(' or ')})` : 'false'
  }
}

function castOf(kind: FieldKind): string {
  switch (kind) {
    case 'key':
    case 'date':
      return 'bigint'
    case 'int':
      return 'int'
    case 'bool':
      return 'boolean'
    default:
      return 'text'
  }
}

function encodeCursor(values: (string | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

function decodeCursor(cursor: string, length: number): (string | null)[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (
      Array.isArray(values) &&
      values.length === length &&
      values.every((v) => v === null || typeof v === 'string')
    )
      return values as (string | null)[]
  } catch {
    // not base64 JSON: the same answer as a cursor of another query
  }
  throw badRequest(`The cursor '${cursor}' is not valid for this query`)
}

/** A filter value in the table's terms (dates to epoch ms). */
function sqlValue(kind: FieldKind, v: unknown): unknown {
  if (kind === 'date') return Date.parse(String(v))
  return v
}

/** Camunda's `$like`: `*` any characters, `?` one, `\` escapes; SQL LIKE's own wildcards are literal. */
export function likePattern(like: string): string {
  let out = ''
  for (let i = 0; i < like.length; i++) {
    const c = like[i]!
    if (c === '\\' && i + 1 < like.length) {
      const next = like[++i]!
      out += next === '%' || next === '_' || next === '\\' ? `\\${next}` : next
    } else if (c === '*') out += '%'
    else if (c === '?') out += '_'
    else if (c === '%' || c === '_') out += `\\${c}`
    else out += c
  }
  return out
}

/** The SQL condition of one filter field's value (a plain value or an object of operators). */
export function fieldCondition(
  f: FieldSpec,
  value: unknown,
  param: (v: unknown) => string,
): string {
  return fieldSql('', f, value, param)
}

function fieldSql(
  name: string,
  f: FieldSpec,
  value: unknown,
  param: (v: unknown) => string,
): string {
  const cast = castOf(f.kind)
  // a jsonb array column matches when one of its elements does
  const col = f.array ? 'e' : f.sql
  const wrap = (cond: string) =>
    f.array ? `exists (select 1 from jsonb_array_elements_text(${f.sql}) e where ${cond})` : cond
  const ops: Record<string, unknown> =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { $eq: value }
  const parts: string[] = []
  for (const [op, operand] of Object.entries(ops)) {
    const p = () => `${param(sqlValue(f.kind, operand))}::${cast}`
    const list = () => `${param((operand as unknown[]).map((x) => sqlValue(f.kind, x)))}::${cast}[]`
    switch (op) {
      case '$eq':
        parts.push(wrap(`${col} = ${p()}`))
        break
      case '$neq':
        parts.push(f.array ? `not ${wrap(`${col} = ${p()}`)}` : `${col} is distinct from ${p()}`)
        break
      case '$exists':
        if (f.array)
          parts.push(
            operand
              ? `jsonb_array_length(${f.sql}) > 0`
              : `coalesce(jsonb_array_length(${f.sql}), 0) = 0`,
          )
        else parts.push(operand ? `${col} is not null` : `${col} is null`)
        break
      case '$in':
        parts.push(wrap(`${col} = any(${list()})`))
        break
      case '$notIn':
        parts.push(
          f.array
            ? `not ${wrap(`${col} = any(${list()})`)}`
            : `not coalesce(${col} = any(${list()}), false)`,
        )
        break
      case '$like':
        parts.push(wrap(`${col}::text like ${param(likePattern(String(operand)))}`))
        break
      case '$gt':
        parts.push(wrap(`${col} > ${p()}`))
        break
      case '$gte':
        parts.push(wrap(`${col} >= ${p()}`))
        break
      case '$lt':
        parts.push(wrap(`${col} < ${p()}`))
        break
      case '$lte':
        parts.push(wrap(`${col} <= ${p()}`))
        break
      default:
        throw badRequest(`Request property [filter.${name}.${op}] cannot be parsed`)
    }
  }
  return parts.length > 0 ? parts.join(' and ') : 'true'
}
