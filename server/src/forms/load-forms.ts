/**
 * Reads the form-js forms of `forms/`: one `<id>.form` file per form, the form `id` equal to the
 * file stem. User-task forms are what BPMN user tasks reference with `zeebe:formDefinition
 * formId`; case forms (`case-<kind>.form`) describe the `data` of a case kind.
 */
import { readFileSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { UnexpectedError } from '../errors'
import { isFormJs, type FormJs } from './form-schema'

/** File stems starting with this are case forms, not user-task forms: `case-incident.form`. */
export const CASE_FORM_PREFIX = 'case-'

/** True when the file or form id names a case form. */
export const isCaseForm = (nameOrId: string) => basename(nameOrId).startsWith(CASE_FORM_PREFIX)

/** Parses the text of `forms/<file>`; fails on malformed JSON, a non-form or a wrong id. */
export function parseForm(file: string, text: string): FormJs {
  const stem = basename(file, '.form')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new UnexpectedError(`forms/${file} is not valid JSON`, { cause: err })
  }
  if (!isFormJs(parsed)) throw new UnexpectedError(`forms/${file} is not a form-js form`)
  if (parsed.id !== stem) {
    throw new UnexpectedError(`forms/${file} has id "${String(parsed.id)}"; expected "${stem}"`)
  }
  return parsed
}

/** Loads every `*.form` file of `dir` into a map by form id. Fails on a malformed file. */
export async function loadForms(dir: string): Promise<Map<string, FormJs>> {
  const forms = new Map<string, FormJs>()
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.form')).sort()) {
    forms.set(basename(file, '.form'), parseForm(file, await readFile(join(dir, file), 'utf8')))
  }
  return forms
}

/**
 * Reads one form by id, synchronously: for what must be known when a module loads (the case
 * forms, from which the request schemas and the OpenAPI document are built).
 */
export function readFormSync(dir: string, id: string): FormJs {
  const file = `${id}.form`
  let text: string
  try {
    text = readFileSync(join(dir, file), 'utf8')
  } catch (err) {
    throw new UnexpectedError(`forms/${file} is missing`, { cause: err })
  }
  return parseForm(file, text)
}
