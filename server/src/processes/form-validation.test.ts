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
      '/components/0/validate/pattern',
    ],
    [
      'a pattern with a backreference (RE2 cannot check it in linear time)',
      {
        ...valid,
        components: [
          { type: 'textfield', key: 'a', id: 'Field_A', validate: { pattern: '^(a)\\1$' } },
        ],
      },
      '/components/0/validate/pattern',
    ],
    [
      'a pattern with a lookahead inside a group',
      {
        ...valid,
        components: [
          {
            type: 'group',
            id: 'Group_1',
            components: [
              { type: 'textfield', key: 'b', id: 'Field_B', validate: { pattern: '^(?=.*\\d).+$' } },
            ],
          },
        ],
      },
      '/components/0/components/0/validate/pattern',
    ],
  ])('reports %s', (_what, form, path) => {
    // when the form is checked
    const problems = formProblems('triage', form)
    // then the problem names where it is
    expect(problems.map((p) => p.path)).toContain(path)
  })
})

describe('formProblems on patterns', () => {
  it('names the field whose pattern RE2 refuses, and why', () => {
    // given a pattern with a lookbehind
    const form = {
      ...valid,
      components: [
        { type: 'textfield', key: 'code', id: 'Field_Code', validate: { pattern: '(?<!x)y' } },
      ],
    }
    // when
    const problems = formProblems('triage', form)
    // then
    expect(problems).toEqual([
      {
        path: '/components/0/validate/pattern',
        message: expect.stringMatching(/^the pattern of code cannot be checked in linear time/),
      },
    ])
  })

  it('accepts the exponential-backtracking pattern: RE2 checks it in linear time', () => {
    // given ^(a+)+$, which blocks a backtracking engine
    const form = {
      ...valid,
      components: [{ type: 'textfield', key: 'a', id: 'Field_A', validate: { pattern: '^(a+)+$' } }],
    }
    // then
    expect(formProblems('triage', form)).toEqual([])
  })
})
