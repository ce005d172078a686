/** Row values to Camunda 8.8's JSON: keys as strings, dates as ISO-8601 date-times. */

/** An ISO-8601 date-time (UTC, milliseconds) of epoch ms, or undefined when none. */
export function iso(v: unknown): string | undefined {
  if (v === null || v === undefined || v === '') return undefined
  return new Date(Number(v)).toISOString()
}

/** A key as Camunda 8.8 writes it (a string of digits), or undefined when none. */
export function key(v: unknown): string | undefined {
  if (v === null || v === undefined || v === '' || v === '-1') return undefined
  return String(v)
}

/** `obj` without its undefined members (optional fields are left out, as Camunda does). */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  for (const k of Object.keys(obj)) if (obj[k] === undefined) delete obj[k]
  return obj
}

/** A text column, or undefined when null. */
export function text(v: unknown): string | undefined {
  return v === null || v === undefined ? undefined : String(v)
}
