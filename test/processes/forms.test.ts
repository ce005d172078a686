/**
 * Every form of forms/ is a valid form-js form (ISO/IEC 20000-1 4.3.2 f: procedures and their
 * forms are legible and identifiable): valid against the form-js JSON schema in test/fixtures,
 * id = file stem, field keys unique where their values land, every required field a data field,
 * and its derived submission schema compiles with ajv. User-task forms are each referenced by a
 * procedure; case forms (`case-<kind>.form`) each describe the data of one case kind.
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
import { isCaseForm, loadForms } from '../../server/src/forms/load-forms'
import { loadProcessResources } from '../../server/src/forms/resources'
import { caseFormId } from '../../server/src/cases/case-forms'
import { validateFormJs } from '../../server/src/processes/form-validation'
import { allKinds } from '../../server/src/cases/kinds'
import {
  formsDir,
  formRefs,
  parseProcessFile,
  processFiles,
  processesDir,
} from './bpmn-model'

// the same form-js schema the server checks process owners' forms against
const ajv = new Ajv({ allErrors: true, strict: false })

const files = readdirSync(formsDir)
  .filter((f) => f.endsWith('.form'))
  .sort()

function allComponents(components: FormComponent[]): FormComponent[] {
  return components.flatMap((c) => [c, ...allComponents(c.components ?? [])])
}

/** Where each keyed field's value lands: `key`, or `path.key` inside groups and lists with a path. */
function valuePaths(components: FormComponent[], prefix = ''): string[] {
  return components.flatMap((c) => {
    if (c.components) return valuePaths(c.components, c.path ? `${prefix}${c.path}.` : prefix)
    return c.key && !NON_DATA_TYPES.has(c.type) ? [`${prefix}${c.key}`] : []
  })
}

/**
 * What a scope of the form requires: its required fields, and each group with a path that
 * requires something itself (a dynamic list may be empty).
 */
function requiredOf(components: FormComponent[]): string[] {
  return components.flatMap((c) => {
    if (c.type === 'dynamiclist') return []
    if (c.components) {
      if (!c.path) return requiredOf(c.components)
      return requiredOf(c.components).length ? [c.path] : []
    }
    return c.validate?.required && c.key ? [c.key] : []
  })
}

/** Every scope of a form with a path: `[path, its components]`, nested ones as `a.b`. */
function scopes(components: FormComponent[], prefix = ''): [string, FormComponent[]][] {
  return components.flatMap((c): [string, FormComponent[]][] => {
    if (!c.components) return []
    const path = c.path ? `${prefix}${c.path}` : undefined
    return path
      ? [[path, c.components], ...scopes(c.components, `${path}.`)]
      : scopes(c.components, prefix)
  })
}

describe('forms/', () => {
  let forms: Map<string, FormJs>

  beforeAll(async () => {
    forms = await loadForms(formsDir)
  })

  it('loads every form by id', () => {
    expect([...forms.keys()]).toEqual(files.map((f) => f.replace(/\.form$/, '')))
  })

  it('has a form for every user task form the procedures reference and every case kind, and no unused form', async () => {
    // given
    const referenced = new Set<string>()
    for (const file of processFiles()) {
      for (const ref of formRefs(await parseProcessFile(file))) referenced.add(ref.formId)
    }
    const caseFormIds = allKinds.map(caseFormId)
    // then
    expect([...referenced].filter(isCaseForm)).toEqual([])
    expect([...referenced, ...caseFormIds].sort()).toEqual([...forms.keys()].sort())
  })

  it('deploys the user-task forms with the procedures, not the case forms', async () => {
    // when
    const resources = await loadProcessResources(processesDir, formsDir)
    // then
    const deployedForms = resources.filter((r) => r.name.endsWith('.form')).map((r) => r.name)
    expect(deployedForms).toEqual(files.filter((f) => !isCaseForm(f)))
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
      const keys = valuePaths(form.components)
      expect(new Set(ids).size).toBe(ids.length)
      expect(keys.length).toBe(components.filter((c) => c.key).length)
      expect(new Set(keys).size).toBe(keys.length)
      const requiredNonData = components.filter(
        (c) => c.validate?.required && (NON_DATA_TYPES.has(c.type) || !c.key),
      )
      expect(requiredNonData).toEqual([])
    })

    it('has a submission schema that ajv compiles, requiring what the form requires', () => {
      const schema = formToJsonSchema(form)
      expect(() => ajv.compile(schema)).not.toThrow()
      expect(schema.required).toEqual(requiredOf(form.components))
      for (const [path, children] of scopes(form.components)) {
        let nested = schema as unknown as Record<string, unknown>
        for (const part of path.split('.')) {
          const at = (nested.properties as Record<string, Record<string, unknown>>)[part]!
          nested = at.type === 'array' ? (at.items as Record<string, unknown>) : at
        }
        expect(nested.required, path).toEqual(requiredOf(children))
      }
      expect(Object.keys(schema.properties).length).toBeGreaterThan(0)
    })
  })
})
