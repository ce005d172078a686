/**
 * A procedure redeployed only for its forms gets a new `zeebe:versionTag`, so Zeebe creates a
 * new process version for the new forms to be bound to (ISO/IEC 20000-1 4.3.2).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lintBpmn, versionTagOf, withVersionTag } from './bpmn'
import { diffComponents, nextFormsVersionTag } from './processes.service'

const xml = readFileSync(
  join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'inbox-triage.bpmn'),
  'utf8',
)

describe('version tags for form-only changes', () => {
  it.each([
    [null, 'forms.1'],
    ['forms.1', 'forms.2'],
    ['v2', 'v2+forms.1'],
    ['v2+forms.9', 'v2+forms.10'],
  ])('follows %s with %s', (current, next) => {
    expect(nextFormsVersionTag(current)).toBe(next)
  })

  it('adds a version tag to a process without one, then replaces it, and stays lint-clean', async () => {
    // given a process without a version tag
    expect(await versionTagOf(xml, 'inbox-triage')).toBeNull()
    // when it is tagged twice
    const once = await withVersionTag(xml, 'inbox-triage', 'forms.1')
    const twice = await withVersionTag(once, 'inbox-triage', 'forms.2')
    // then it carries exactly the last tag and Camunda 8 lint has nothing against it
    expect(await versionTagOf(twice, 'inbox-triage')).toBe('forms.2')
    expect(twice.match(/<zeebe:versionTag /g)).toHaveLength(1)
    expect((await lintBpmn(twice)).filter((p) => p.category === 'error')).toEqual([])
  })
})

describe('diffComponents', () => {
  it('reports components added, removed and changed by id, nested ones included', () => {
    // given a form before and after a change
    const before = {
      components: [
        { type: 'textfield', key: 'a', label: 'A', id: 'Field_A' },
        { type: 'group', id: 'Group_1', components: [{ type: 'number', key: 'b', id: 'Field_B' }] },
      ],
    }
    const after = {
      components: [
        { type: 'textfield', key: 'a', label: 'A (new)', id: 'Field_A' },
        { type: 'group', id: 'Group_1', components: [{ type: 'checkbox', key: 'c', id: 'Field_C' }] },
      ],
    }
    // then
    expect(diffComponents(before, after)).toEqual({
      added: [{ id: 'Field_C', type: 'checkbox', label: 'c', key: 'c' }],
      removed: [{ id: 'Field_B', type: 'number', label: 'b', key: 'b' }],
      changed: [{ id: 'Field_A', type: 'textfield', label: 'A (new)', key: 'a' }],
    })
  })
})
