/**
 * The ajv that validates data against forms. A form's `validate.pattern` is written by whoever
 * edits the form; compiled with JavaScript's backtracking RegExp, `^(a+)+$` takes exponential
 * time on a 32-character submission and blocks the whole server. Here every pattern is
 * compiled with RE2 (re2js), whose matching time is linear in the input, so no pattern a form
 * carries can be turned into a weapon. RE2 has no backreferences and no lookarounds: forms
 * using them are refused when saved ({@link patternProblem}).
 */
import { Ajv, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import { RE2JS } from 're2js'

type RegExpEngine = NonNullable<NonNullable<Options['code']>['regExp']>

/** ajv's `code.regExp`: patterns compiled by RE2 (`u` is implied: RE2 matches code points). */
export const re2RegExp: RegExpEngine = Object.assign((pattern: string) => RE2JS.compile(pattern), {
  code: 'RE2JS.compile',
})

/** A fresh ajv for form schemas: patterns run on RE2, formats as everywhere else. */
export function createFormAjv(): Ajv {
  const formAjv = new Ajv({ allErrors: true, code: { regExp: re2RegExp } })
  addFormats.default(formAjv)
  return formAjv
}

/** The shared instance task submissions and case data are validated with. */
export const formAjv = createFormAjv()

/**
 * Why a form's `validate.pattern` cannot be used, or undefined when it can: it must compile as
 * a JavaScript RegExp (the form-js viewer checks it in the browser) and under RE2 syntax (the
 * server checks it in linear time).
 */
export function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern)
  } catch (err) {
    return `is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`
  }
  try {
    RE2JS.compile(pattern)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    return `cannot be checked in linear time (RE2 syntax: no backreferences, lookahead or lookbehind; \\x{…} instead of \\u…): ${reason}`
  }
  return undefined
}
