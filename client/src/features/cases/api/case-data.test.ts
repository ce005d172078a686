import { describe, expect, test } from 'vitest'
import {
  creatableForm,
  dataChanges,
  dataToCreate,
  initialData,
  prune,
  splitErrors,
  type FormSchema,
} from './case-data'

const form: FormSchema = {
  id: 'case-change',
  components: [
    { type: 'textarea', key: 'scope', id: 'Field_scope' },
    { type: 'taglist', key: 'affectedCis', valuesKey: 'affectedCisOptions', id: 'Field_cis' },
    {
      type: 'group',
      label: 'Set by the procedure',
      id: 'Group_procedure',
      components: [
        { type: 'checkbox', key: 'majorImpact', readonly: true, id: 'Field_major' },
        { type: 'textfield', key: 'closureCode', readonly: true, id: 'Field_closure' },
      ],
    },
    {
      type: 'group',
      path: 'attributes',
      id: 'Group_attributes',
      components: [{ type: 'text', text: 'Free attributes', id: 'Text_attributes' }],
    },
  ],
}

describe('case data in the browser', () => {
  test('a new case shows no field only the procedure writes, nor a group left empty', () => {
    // when
    const shown = creatableForm(form)
    // then
    expect(shown.components.map((c) => c.id)).toEqual([
      'Field_scope',
      'Field_cis',
      'Group_attributes',
    ])
  })

  test('taglists offer the given records and keep the values already chosen', () => {
    // when
    const data = initialData(
      form,
      { affectedCis: ['CI-000009'] },
      { affectedCisOptions: [{ value: 'CI-000001', label: 'CI-000001 core switch' }] },
    )
    // then
    expect(data.affectedCisOptions).toEqual([
      { value: 'CI-000001', label: 'CI-000001 core switch' },
      { value: 'CI-000009', label: 'CI-000009' },
    ])
  })

  test('a new case sends what was entered, without blanks, untouched or readonly fields', () => {
    // given what form-js started from (its empty values) and what it submits
    const initial = { scope: '', affectedCis: [], published: false, majorImpact: false }
    const submitted = {
      scope: 'Replace disk',
      affectedCis: [],
      published: false,
      majorImpact: true,
      closureCode: '',
      cost: null,
    }
    // then
    expect(dataToCreate(submitted, initial, ['majorImpact', 'closureCode'])).toEqual({
      scope: 'Replace disk',
    })
  })

  test('an edit sends only what changed, null for what was cleared, never readonly fields', () => {
    // given what form-js started from (the stored data, keys in another order, and its empty
    // values) and what it submits
    const initial = {
      workload: { maxUsers: 10, maxIncidentsPerMonth: 5 },
      scope: 'Replace disk',
      risk: 'low',
      published: false,
      majorImpact: true,
    }
    const submitted = {
      scope: 'Replace disk',
      workload: { maxIncidentsPerMonth: 5, maxUsers: 10, maxRequestsPerMonth: null },
      risk: '',
      reason: 'Disk failing',
      affectedCis: [],
      published: false,
      majorImpact: false,
    }
    // when
    const changes = dataChanges(submitted, initial, ['majorImpact'])
    // then
    expect(changes).toEqual({ risk: null, reason: 'Disk failing' })
  })

  test('blank values are pruned deep', () => {
    expect(prune({ a: '', b: [null, { c: '' }], d: { e: 0, f: false } })).toEqual({
      d: { e: 0, f: false },
    })
  })

  test("the server's errors about data go to the form, the others to the typed fields", () => {
    const { data, other } = splitErrors([
      { path: '/data/scope', message: 'must be set' },
      { path: '/title', message: 'must be set' },
      { path: '/data', message: 'must be object' },
    ])
    expect(data.map((e) => e.path)).toEqual(['/data/scope', '/data'])
    expect(other.map((e) => e.path)).toEqual(['/title'])
  })
})
