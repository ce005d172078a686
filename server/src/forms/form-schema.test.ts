import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { afterAll, describe, expect, it } from 'vitest'
import {
  dataFields,
  formToJsonSchema,
  isFormJs,
  readonlyKeys,
  type FormJs,
} from './form-schema'
import { loadForms, readFormSync } from './load-forms'
import { loadProcessResources } from './resources'

const ajv = new Ajv({ allErrors: true, strict: false })
addFormats.default(ajv)

/** A form with one component of every kind the procedures use. */
const form: FormJs = {
  id: 'sample',
  type: 'default',
  schemaVersion: 18,
  components: [
    { id: 'Text_1', type: 'text', text: '# Sample' },
    {
      id: 'F1',
      type: 'textfield',
      key: 'title',
      label: 'Title',
      validate: { required: true, maxLength: 10, pattern: '^[A-Z]' },
    },
    { id: 'F2', type: 'textarea', key: 'notes', validate: { minLength: 3 } },
    { id: 'F3', type: 'number', key: 'cost', validate: { required: true, min: 0, max: 100 } },
    { id: 'F4', type: 'checkbox', key: 'security' },
    {
      id: 'F5',
      type: 'select',
      key: 'impact',
      values: [
        { label: 'High', value: 'high' },
        { label: 'Low', value: 'low' },
      ],
      validate: { required: true },
    },
    {
      id: 'F6',
      type: 'radio',
      key: 'approved',
      values: [
        { label: 'Yes', value: true },
        { label: 'No', value: false },
      ],
    },
    { id: 'F7', type: 'datetime', key: 'due', subtype: 'date' },
    { id: 'F8', type: 'datetime', key: 'at', subtype: 'datetime' },
    {
      id: 'F9',
      type: 'checklist',
      key: 'dims',
      values: [
        { label: 'Cost', value: 'cost' },
        { label: 'Quality', value: 'quality' },
      ],
      validate: { required: true },
    },
    { id: 'F10', type: 'taglist', key: 'cis', valuesKey: 'ciOptions' },
    { id: 'F11', type: 'select', key: 'service', valuesKey: 'serviceOptions' },
    { id: 'F12', type: 'textfield', key: 'mail', validate: { validationType: 'email' } },
    {
      id: 'G1',
      type: 'group',
      components: [{ id: 'F13', type: 'textfield', key: 'inGroup' }],
    },
    { id: 'T1', type: 'table', dataSource: '=matches', columns: [] },
  ],
}

const valid = {
  title: 'Printer',
  cost: 5,
  impact: 'high',
  dims: ['cost'],
}

describe('formToJsonSchema', () => {
  const schema = formToJsonSchema(form)
  const validate = ajv.compile(schema)

  it('types each data field by its component and skips display components', () => {
    expect(schema.properties).toMatchObject({
      title: { type: 'string', maxLength: 10, pattern: '^[A-Z]', minLength: 1 },
      notes: { type: 'string', minLength: 3 },
      cost: { type: 'number', minimum: 0, maximum: 100 },
      security: { type: 'boolean' },
      impact: { enum: ['high', 'low'] },
      approved: { enum: [true, false] },
      due: { type: 'string', format: 'date' },
      at: { type: 'string' },
      dims: { type: 'array', items: { enum: ['cost', 'quality'] }, minItems: 1 },
      cis: { type: 'array' },
      mail: { type: 'string', format: 'email' },
      inGroup: { type: 'string' },
    })
    expect(Object.keys(schema.properties)).not.toContain('Text_1')
    expect(schema.required).toEqual(['title', 'cost', 'impact', 'dims'])
    expect(schema.additionalProperties).toBe(false)
  })

  it.each([
    ['the minimal valid submission', valid],
    ['every optional field', { ...valid, notes: 'abc', security: true, approved: false, due: '2026-11-25', at: '2026-11-25T10:30', cis: ['ci-1'], service: 'svc-1', mail: 'a@b.co', inGroup: 'x' }],
    ['a date-time with seconds and offset', { ...valid, at: '2026-11-25T10:30:00+01:00' }],
  ])('accepts %s', (_name, data) => {
    expect(validate(data)).toBe(true)
  })

  it.each([
    ['a missing required field', { cost: 5, impact: 'high', dims: ['cost'] }, ''],
    ['an empty required text', { ...valid, title: '' }, '/title'],
    ['a text over maxLength', { ...valid, title: 'Abcdefghijkl' }, '/title'],
    ['a text not matching the pattern', { ...valid, title: 'printer' }, '/title'],
    ['a number below min', { ...valid, cost: -1 }, '/cost'],
    ['a number given as text', { ...valid, cost: '5' }, '/cost'],
    ['a value outside the enumeration', { ...valid, impact: 'medium' }, '/impact'],
    ['a string for a boolean radio', { ...valid, approved: 'yes' }, '/approved'],
    ['an empty required checklist', { ...valid, dims: [] }, '/dims'],
    ['a checklist value outside the enumeration', { ...valid, dims: ['speed'] }, '/dims/0'],
    ['a malformed date', { ...valid, due: '25.11.2026' }, '/due'],
    ['a malformed date-time', { ...valid, at: 'tomorrow' }, '/at'],
    ['a malformed email', { ...valid, mail: 'nope' }, '/mail'],
    ['an unknown key', { ...valid, extra: 1 }, ''],
  ])('rejects %s', (_name, data, path) => {
    expect(validate(data)).toBe(false)
    expect(validate.errors?.map((e) => e.instancePath)).toContain(path)
  })

  it('nests group and dynamic list fields under their path', () => {
    const nested = formToJsonSchema({
      components: [
        {
          type: 'group',
          path: 'contact',
          components: [{ type: 'textfield', key: 'name', validate: { required: true } }],
        },
        {
          type: 'dynamiclist',
          path: 'targets',
          components: [{ type: 'number', key: 'value' }],
        },
      ],
    })
    const check = ajv.compile(nested)
    expect(check({ contact: { name: 'Ann' }, targets: [{ value: 3 }] })).toBe(true)
    expect(check({ contact: {}, targets: [] })).toBe(false)
    expect(nested.required).toEqual(['contact'])
  })
})

describe('conventions of case forms', () => {
  const caseForm = formToJsonSchema({
    components: [
      { type: 'number', key: 'count', decimalDigits: 0, validate: { min: 0 } },
      {
        type: 'taglist',
        key: 'cis',
        valuesKey: 'cisOptions',
        properties: { maxItems: '2', itemMaxLength: '5' },
      },
      { type: 'textfield', key: 'target', properties: { acceptsNumber: 'true' } },
      {
        type: 'dynamiclist',
        path: 'rows',
        properties: { maxItems: '1' },
        components: [{ type: 'textfield', key: 'note' }],
      },
      {
        type: 'group',
        path: 'attributes',
        properties: { additionalProperties: 'true' },
        components: [{ type: 'text', text: 'free' }],
      },
      { type: 'checkbox', key: 'major', readonly: true },
      {
        type: 'group',
        components: [{ type: 'textfield', key: 'closureCode', readonly: true }],
      },
      { type: 'textfield', key: 'note', readonly: '=locked' },
    ],
  })
  const check = ajv.compile(caseForm)

  it.each([
    ['an integer for decimalDigits 0', { count: 3 }, true],
    ['a fraction for decimalDigits 0', { count: 1.5 }, false],
    ['more tags than maxItems', { cis: ['a', 'b', 'c'] }, false],
    ['a tag longer than itemMaxLength', { cis: ['toolong'] }, false],
    ['a number where acceptsNumber is set', { target: 99.9 }, true],
    ['text where acceptsNumber is set', { target: '-10%' }, true],
    ['more list rows than maxItems', { rows: [{ note: 'a' }, { note: 'b' }] }, false],
    ['any key in a group with additionalProperties', { attributes: { rack: 'A1' } }, true],
    ['an unknown key in a group without it', { attributes: { rack: 'A1' }, extra: 1 }, false],
  ])('checks %s', (_name, data, ok) => {
    expect(check(data)).toBe(ok)
  })

  it('lists the readonly data keys at the top level, groups without a path included', () => {
    expect(
      readonlyKeys({
        components: [
          { type: 'checkbox', key: 'major', readonly: true },
          { type: 'group', components: [{ type: 'textfield', key: 'code', readonly: true }] },
          { type: 'group', path: 'sla', readonly: true, components: [] },
          { type: 'textfield', key: 'note', readonly: '=locked' },
          { type: 'textfield', key: 'free' },
        ],
      }),
    ).toEqual(['major', 'code', 'sla'])
  })
})

describe('isFormJs and dataFields', () => {
  it('recognises forms and lists their keyed data fields in order', () => {
    expect(isFormJs(form)).toBe(true)
    expect(isFormJs({ id: 'x' })).toBe(false)
    expect(isFormJs(null)).toBe(false)
    expect(dataFields(form).map((c) => c.key)).toEqual([
      'title', 'notes', 'cost', 'security', 'impact', 'approved', 'due', 'at', 'dims', 'cis',
      'service', 'mail', 'inGroup',
    ])
  })
})

describe('loadForms and loadProcessResources', () => {
  const dirs: string[] = []
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  })
  const tempDir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'forms-'))
    dirs.push(d)
    return d
  }

  it('reads forms by id and lists BPMN before forms for one deployment', async () => {
    // given
    const dir = await tempDir()
    await writeFile(join(dir, 'b-form.form'), JSON.stringify({ ...form, id: 'b-form' }))
    await writeFile(join(dir, 'a.bpmn'), '<definitions/>')
    await writeFile(join(dir, 'notes.txt'), 'ignored')
    // when
    const forms = await loadForms(dir)
    const resources = await loadProcessResources(dir, dir)
    // then
    expect([...forms.keys()]).toEqual(['b-form'])
    expect(resources.map((r) => r.name)).toEqual(['a.bpmn', 'b-form.form'])
    expect(resources[0]?.content.toString()).toBe('<definitions/>')
  })

  it('reads case forms like any form but leaves them out of the procedure deployment', async () => {
    // given
    const dir = await tempDir()
    await writeFile(join(dir, 'case-thing.form'), JSON.stringify({ ...form, id: 'case-thing' }))
    await writeFile(join(dir, 'task.form'), JSON.stringify({ ...form, id: 'task' }))
    // when
    const forms = await loadForms(dir)
    const resources = await loadProcessResources(dir, dir)
    // then
    expect([...forms.keys()]).toEqual(['case-thing', 'task'])
    expect(readFormSync(dir, 'case-thing').id).toBe('case-thing')
    expect(() => readFormSync(dir, 'case-none')).toThrow('forms/case-none.form is missing')
    expect(resources.map((r) => r.name)).toEqual(['task.form'])
  })

  it.each([
    ['malformed JSON', '{', /not valid JSON/],
    ['a non-form', '{"id":"bad"}', /not a form-js form/],
    ['an id that differs from the file stem', JSON.stringify({ ...form, id: 'other' }), /expected "bad"/],
  ])('refuses %s', async (_name, text, message) => {
    const dir = await tempDir()
    await writeFile(join(dir, 'bad.form'), text)
    await expect(loadForms(dir)).rejects.toThrow(message)
  })
})
