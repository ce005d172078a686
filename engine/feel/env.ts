/** Variable scopes of a FEEL evaluation. */
import { normalizeContextKey } from 'lezer-feel'
import { fromJs } from './values'

const SPECIAL_NAME = /[\s./\-'+*]/

/**
 * A scope: its own entries plus its parent's. The root scope holds the engine's JSON variables
 * and converts each to a FEEL value only when an expression reads it (once per evaluation).
 */
export class Env {
  private readonly converted = new Map<string, unknown>()

  private constructor(
    private readonly entries: Record<string, unknown>,
    private readonly parent: Env | null,
    private readonly json: boolean,
  ) {}

  static root(variables: Record<string, unknown>): Env {
    return new Env(variables, null, true)
  }

  /** A child scope with FEEL values (context entries, iteration variables, parameters). */
  child(entries: Record<string, unknown>): Env {
    return new Env(entries, this, false)
  }

  /** The value of `name`, or undefined when no scope defines it. */
  get(name: string): unknown {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    for (let env: Env | null = this; env; env = env.parent) {
      const value = env.own(name)
      if (value !== undefined) return value
    }
    return undefined
  }

  private own(name: string): unknown {
    let key = name
    if (!Object.prototype.hasOwnProperty.call(this.entries, key)) {
      if (!SPECIAL_NAME.test(name)) return undefined
      // names with spaces or operators match modulo whitespace, as feelin's parser reads them
      const wanted = normalizeContextKey(name)
      const found = Object.keys(this.entries).find((k) => normalizeContextKey(k) === wanted)
      if (found === undefined) return undefined
      key = found
    }
    const raw = this.entries[key]
    if (!this.json) return raw === undefined ? null : raw
    if (this.converted.has(key)) return this.converted.get(key)
    const value = fromJs(raw)
    this.converted.set(key, value)
    return value
  }
}
