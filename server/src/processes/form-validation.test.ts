/**
 * The checks a form passes before a procedure draft may carry it (ISO/IEC 20000-1 4.3.2 f):
 * every form of the repository's forms/ passes them, and each kind of broken form is reported
 * with the JSON pointer of what is wrong.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formProblems } from './form-validation'

const formsDir = join(import.meta.dirname, '..', '..', '..', 'forms')
const files = readdirSync(formsDir).filter((f) => f.endsWith('.form'))
const valid = {
  id: 'triage',
  type: 'default',
  schemaVersion: 16,
  components: [{ type: 'textfield', key: 'summary', label: 'Summary', id: 'Field_Summary' }],
}

describe('formProblems', () => {
  it.each(files)('accepts the repository form %s under its own id', (file) => {
    // given a form of forms/
    const form: unknown = JSON.parse(readFileSync(join(formsDir, file), 'utf8'))
    // then it may be saved into a draft under its file stem
    expect(formProblems(file.replace(/\.form$/, ''), form)).toEqual([])
  })

  it('accepts the version tag the form-js editor sets', () => {
    expect(formProblems('triage', { ...valid, versionTag: 'v2' })).toEqual([])
  })

  it.each([
    ['an id other than the one saved under', { ...valid, id: 'other' }, '/id'],
    ['no components', { ...valid, components: undefined }, '/components'],
    ['a property form-js does not know', { ...valid, colour: 'red' }, '/colour'],
    [
      'a keyed field without a key',
      { ...valid, components: [{ type: 'textfield', id: 'Field_A' }] },
      '/components/0/key',
    ],
    [
      'two components with one id',
      {
        ...valid,
        components: [
          { type: 'textfield', key: 'a', id: 'Field_A' },
          { type: 'group', id: 'Group_1', components: [{ type: 'textfield', key: 'b', id: 'Field_A' }] },
        ],
      },
      '/components/1/components/0/id',
    ],
    [
      'a pattern that is no regular expression',
      {
        ...valid,
        components: [{ type: 'textfield', key: 'a', id: 'Field_A', validate: { pattern: '[' } }],
      },
      '/components',
    ],
  ])('reports %s', (_what, form, path) => {
    // when the form is checked
    const problems = formProblems('triage', form)
    // then the problem names where it is
    expect(problems.map((p) => p.path)).toContain(path)
  })
})
