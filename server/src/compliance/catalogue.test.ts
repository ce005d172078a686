/**
 * The requirements catalogue check (ISO/IEC 20000-1:2011 clauses 4–9): every id is well formed
 * and unique, every id a diagram, a record kind, a register, a report or a test names is in the
 * catalogue, and every requirement the product claims to carry is carried by a procedure element,
 * a record or a test. #4.3.1-g
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { repoRoot } from '../paths'
import { bpmnLinks } from './bpmn-links'
import { declaredLinks } from './declared-links'
import type { EvidenceLink } from './evidence-link'
import { REQUIREMENT_ID_PATTERN, requirements, requirementsById } from './requirements'
import { scanTestTags, type TestTag } from './test-tags'

async function diagramLinks(): Promise<EvidenceLink[]> {
  const dir = join(repoRoot, 'processes')
  const files = (await readdir(dir)).filter((f) => f.endsWith('.bpmn')).sort()
  const links: EvidenceLink[] = []
  for (const f of files) links.push(...(await bpmnLinks(await readFile(join(dir, f), 'utf8'))))
  return links
}

describe('the requirements catalogue', () => {
  test('gives every requirement a unique, well-formed id in its own clause', () => {
    // given
    const pattern = new RegExp(REQUIREMENT_ID_PATTERN)
    // then
    expect(requirements.length).toBeGreaterThan(240)
    expect(new Set(requirements.map((r) => r.id)).size).toBe(requirements.length)
    for (const r of requirements) {
      expect(r.id, r.id).toMatch(pattern)
      expect(r.id.startsWith(`${r.clause}-`), r.id).toBe(true)
      expect(r.summary.length, r.id).toBeGreaterThan(5)
      expect(r.summary.length, r.id).toBeLessThanOrEqual(240)
      if (r.kind === 'conduct') expect(r.recordable, r.id).toBeTruthy()
    }
  })

  test('covers every clause 4 to 9 of the 2011 edition', () => {
    const clauses = [
      '4.1.1',
      '4.1.2',
      '4.1.3',
      '4.1.4',
      '4.2',
      '4.3.1',
      '4.3.2',
      '4.3.3',
      '4.4.1',
      '4.4.2',
      '4.5.1',
      '4.5.2',
      '4.5.3',
      '4.5.4.1',
      '4.5.4.2',
      '4.5.4.3',
      '4.5.5.1',
      '4.5.5.2',
      '5.1',
      '5.2',
      '5.3',
      '5.4',
      '6.1',
      '6.2',
      '6.3.1',
      '6.3.2',
      '6.3.3',
      '6.4',
      '6.5',
      '6.6.1',
      '6.6.2',
      '6.6.3',
      '7.1',
      '7.2',
      '8.1',
      '8.2',
      '9.1',
      '9.2',
      '9.3',
    ]
    for (const clause of clauses) {
      expect(
        requirements.some((r) => r.clause === clause),
        clause,
      ).toBe(true)
    }
  })
})

describe('the links to the requirements', () => {
  let cached: { links: EvidenceLink[]; tests: TestTag[] } | undefined
  const gather = async () =>
    (cached ??= {
      links: [...(await diagramLinks()), ...declaredLinks()],
      tests: await scanTestTags(repoRoot),
    })

  test('name only requirement ids the catalogue knows', async () => {
    // given
    const { links, tests } = await gather()
    // when
    const unknown = [
      ...links.flatMap((l) =>
        l.requirements.filter((id) => !requirementsById.has(id)).map((id) => `${l.ref}: ${id}`),
      ),
      ...tests.flatMap((t) =>
        t.requirements
          .filter((id) => !requirementsById.has(id))
          .map((id) => `${t.file}:${t.line}: ${id}`),
      ),
    ]
    // then
    expect(unknown).toEqual([])
  })

  test('carry every requirement the product claims: an element, a record or a test', async () => {
    // given
    const { links, tests } = await gather()
    const carried = new Set([
      ...links.flatMap((l) => l.requirements),
      ...tests.flatMap((t) => t.requirements),
    ])
    // when
    const uncarried = requirements
      .filter((r) => r.kind === 'carried' && !carried.has(r.id))
      .map((r) => r.id)
    // then
    expect(uncarried).toEqual([])
  })

  test('the diagrams declare requirements on the steps of every procedure', async () => {
    const links = await diagramLinks()
    const procedures = new Set(links.map((l) => l.matcher!.element!.bpmnProcessId))
    expect([...procedures].sort()).toEqual([
      'change',
      'improvement',
      'incident',
      'internal-audit',
      'management-review',
      'problem',
      'release',
      'security-incident',
      'service-request',
      'service-transition',
      'sms-risk-review',
      'supplier-review',
    ])
  })
})
