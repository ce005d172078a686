/**
 * Reads the form-js forms of `forms/` (one `<id>.form` file per user-task form; the form `id`
 * equals the file stem, which is what BPMN user tasks reference with `zeebe:formDefinition
 * formId`).
 */
import { readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { UnexpectedError } from '../errors'
import { isFormJs, type FormJs } from './form-schema'

/** Loads every `*.form` file of `dir` into a map by form id. Fails on a malformed file. */
export async function loadForms(dir: string): Promise<Map<string, FormJs>> {
  const forms = new Map<string, FormJs>()
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.form')).sort()) {
    const stem = basename(file, '.form')
    let parsed: unknown
    try {
      parsed = JSON.parse(await readFile(join(dir, file), 'utf8'))
    } catch (err) {
      throw new UnexpectedError(`forms/${file} is not valid JSON`, { cause: err })
    }
    if (!isFormJs(parsed)) throw new UnexpectedError(`forms/${file} is not a form-js form`)
    if (parsed.id !== stem) {
      throw new UnexpectedError(`forms/${file} has id "${String(parsed.id)}"; expected "${stem}"`)
    }
    forms.set(stem, parsed)
  }
  return forms
}
