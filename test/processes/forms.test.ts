/**
 * Every user-task form of forms/ is a valid form-js form (ISO/IEC 20000-1 4.3.2 f: procedures
 * and their forms are legible and identifiable): valid against the form-js JSON schema in
 * test/fixtures, id = file stem, unique field keys, every required field a data field, and its
 * derived submission schema compiles with ajv.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  NON_DATA_TYPES,
  formToJsonSchema,
  type FormComponent,
  type FormJs,
} from '../../server/src/forms/form-schema'
import { loadForms } from '../../server/src/forms/load-forms'
import { formsDir, formRefs, parseProcessFile, processFiles, repoRoot } from './bpmn-model'

const formJsSchema: unknown = JSON.parse(
  readFileSync(join(repoRoot, 'test', 'fixtures', 'form-js.schema.json'), 'utf8'),
)
const ajv = new Ajv({ allErrors: true, strict: false })
const validateFormJs = ajv.compile(formJsSchema as object)

const files = readdirSync(formsDir)
  .filter((f) => f.endsWith('.form'))
  .sort()

function allComponents(components: FormComponent[]): FormComponent[] {
  return components.flatMap((c) => [c, ...allComponents(c.components ?? [])])
}

describe('forms/', () => {
  let forms: Map<string, FormJs>

  beforeAll(async () => {
    forms = await loadForms(formsDir)
  })

  it('loads every form by id', () => {
    expect([...forms.keys()]).toEqual(files.map((f) => f.replace(/\.form$/, '')))
  })

  it('has a form for every user task form the procedures reference, and no unused form', async () => {
    // given
    const referenced = new Set<string>()
    for (const file of processFiles()) {
      for (const ref of formRefs(await parseProcessFile(file))) referenced.add(ref.formId)
    }
    // then
    expect([...referenced].sort()).toEqual([...forms.keys()].sort())
  })

  describe.each(files)('%s', (file) => {
    const form = JSON.parse(readFileSync(join(formsDir, file), 'utf8')) as FormJs

    it('is valid against the form-js schema, with schemaVersion 16+ and type default', () => {
      const valid = validateFormJs(form)
      expect(validateFormJs.errors ?? []).toEqual([])
      expect(valid).toBe(true)
      expect(form.id).toBe(file.replace(/\.form$/, ''))
    })

    it('has unique component ids and field keys, and only data fields are required', () => {
      const components = allComponents(form.components)
      const ids = components.map((c) => c.id)
      const keys = components.filter((c) => c.key).map((c) => c.key)
      expect(new Set(ids).size).toBe(ids.length)
      expect(new Set(keys).size).toBe(keys.length)
      const requiredNonData = components.filter(
        (c) => c.validate?.required && (NON_DATA_TYPES.has(c.type) || !c.key),
      )
      expect(requiredNonData).toEqual([])
    })

    it('has a submission schema that ajv compiles, requiring what the form requires', () => {
      const schema = formToJsonSchema(form)
      expect(() => ajv.compile(schema)).not.toThrow()
      const required = allComponents(form.components)
        .filter((c) => c.validate?.required && c.key)
        .map((c) => c.key)
      expect(schema.required).toEqual(required)
      expect(Object.keys(schema.properties).length).toBeGreaterThan(0)
    })
  })
})
