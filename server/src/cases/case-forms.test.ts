import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { UserError } from '../errors'
import { formsDir } from '../paths'
import { caseFormId, caseForms, loadCaseForms } from './case-forms'
import { allKinds, type CaseKind } from './kinds'
import { refuseReadonly, validateData } from './validators'

const errorPaths = (fn: () => void): string[] => {
  try {
    fn()
  } catch (err) {
    if (err instanceof UserError) return (err.errors ?? []).map((e) => e.path)
    throw err
  }
  return []
}

const targets = Object.fromEntries(
  ['1', '2', '3', '4'].map((p) => [p, { responseMinutes: 15, resolutionMinutes: 240 }]),
)

/** Data the people, the seed and the job workers write today: all of it must stay valid. */
const valid: [CaseKind, Record<string, unknown>][] = [
  ['incident', { description: 'Mail down', impact: 2, urgency: 1, channel: 'portal' }],
  [
    'incident',
    {
      securityIncident: true,
      major: true,
      priorityMatrixVersion: 1,
      responseDue: '2026-11-25T10:30:00.000Z',
      resolutionDue: '2026-11-25T18:30:00.000Z',
      slaId: 'SLA-000001',
      escalationLevel: 'hierarchical',
      escalatedAt: '2026-11-25T11:00:00.000Z',
      closureCode: 'confirmed',
    },
  ],
  ['service-request', { catalogueItemId: 'CAT-000001', requiresApproval: true }],
  ['problem', { detectedBy: 'incident-trend', description: '3 incidents within 24 hours.' }],
  ['problem', { impact: 1, urgency: 2, priorityMatrixVersion: 2, escalationLevel: 'functional' }],
  [
    'known-error',
    { problemId: 'PRB-000001', rootCause: 'Leak', workaround: 'Restart', published: true },
  ],
  [
    'change',
    {
      scope: 'Replace disk',
      changeType: 'normal',
      changeNature: 'ci-change',
      majorImpact: false,
      affectedCis: ['CI-000001'],
      affectedServices: ['SVC-000001'],
      cost: 12.5,
      plannedStart: '2026-12-01T10:00',
      plannedEnd: '2026-12-01T11:00:00.000Z',
    },
  ],
  [
    'release',
    {
      releaseType: 'minor',
      affectedCis: [],
      changeId: 'RFC-000001',
      outcome: 'backed-out',
      relatedIncidents: ['INC-000001'],
    },
  ],
  [
    'improvement',
    {
      source: 'staff',
      targets: [{ dimension: 'cost', measure: 'Storage cost per month', target: -10 }],
      measurements: [{ at: '2026-12-01T10:00', dimension: 'cost', value: '-8%' }],
    },
  ],
  ['complaint', { channel: 'meeting', response: 'Apologised' }],
  ['audit-finding', { audit: 'Internal audit 2026', clause: '8.1', findingType: 'observation' }],
  ['supplier', { contactName: 'Nora North', contactEmail: 'accounts@northwind.example' }],
  ['ci', { underChangeControl: true, attributes: { rack: 'A1', ports: 48 } }],
  ['ci', { lastChangeId: 'RFC-000001', lastChangedAt: '2026-11-25T10:30:00.000Z' }],
  ['service', { hours: '24x7', customers: ['Finance', 'Purchasing'] }],
  [
    'sla',
    {
      targets,
      availabilityPercent: 99.9,
      workload: { maxIncidentsPerMonth: 200, maxRequestsPerMonth: 400 },
      exceptions: ['Force majeure'],
      reviewedOn: '2026-11-01',
    },
  ],
]

/** Data the kinds' schemas have always refused, with the field the error names. */
const invalid: [string, CaseKind, Record<string, unknown>, string][] = [
  ['an impact outside 1-3', 'incident', { impact: 4 }, '/data/impact'],
  ['an unknown channel', 'incident', { channel: 'pigeon' }, '/data/channel'],
  ['a category over 100 characters', 'incident', { category: 'x'.repeat(101) }, '/data/category'],
  ['a text where a flag belongs', 'incident', { major: 'yes' }, '/data/major'],
  ['a field the form does not have', 'incident', { colour: 'red' }, '/data/colour'],
  ['no workaround', 'known-error', { symptoms: 's' }, '/data/workaround'],
  ['an empty workaround', 'known-error', { workaround: '' }, '/data/workaround'],
  ['no scope (9.2)', 'change', { changeType: 'normal' }, '/data/scope'],
  ['a negative cost', 'change', { scope: 's', cost: -1 }, '/data/cost'],
  [
    'a malformed planned start',
    'change',
    { scope: 's', plannedStart: 'soon' },
    '/data/plannedStart',
  ],
  [
    'too many affected CIs',
    'change',
    { scope: 's', affectedCis: Array.from({ length: 501 }, (_, i) => `CI-${i}`) },
    '/data/affectedCis',
  ],
  ['an unknown outcome', 'release', { outcome: 'meh' }, '/data/outcome'],
  [
    'a target without a measure',
    'improvement',
    { targets: [{ dimension: 'cost', target: 1 }] },
    '/data/targets/0/measure',
  ],
  [
    'a target of an unknown dimension',
    'improvement',
    { targets: [{ dimension: 'fun', measure: 'm', target: 1 }] },
    '/data/targets/0/dimension',
  ],
  ['a malformed e-mail', 'supplier', { contactEmail: 'nope' }, '/data/contactEmail'],
  ['attributes that are not an object', 'ci', { attributes: 'rack A1' }, '/data/attributes'],
  [
    'a customer name over 200 characters',
    'service',
    { customers: ['x'.repeat(201)] },
    '/data/customers/0',
  ],
  ['no targets', 'sla', { availabilityPercent: 99 }, '/data/targets'],
  ['a missing priority', 'sla', { targets: { ...targets, 4: undefined } }, '/data/targets/4'],
  [
    'fractional minutes',
    'sla',
    { targets: { ...targets, 1: { responseMinutes: 1.5, resolutionMinutes: 10 } } },
    '/data/targets/1/responseMinutes',
  ],
  [
    'an availability over 100 %',
    'sla',
    { targets, availabilityPercent: 101 },
    '/data/availabilityPercent',
  ],
  ['a malformed review date', 'sla', { targets, reviewedOn: '1.11.2026' }, '/data/reviewedOn'],
]

describe('case forms', () => {
  const dirs: string[] = []
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  })

  it('has one form per kind, case-<kind>, read from forms/', () => {
    for (const kind of allKinds) {
      expect(caseForms[kind].formId).toBe(caseFormId(kind))
      expect(caseForms[kind].form.id).toBe(`case-${kind}`)
    }
  })

  it.each(valid)('accepts %s data people, the seed and the procedures write', (kind, data) => {
    expect(errorPaths(() => validateData(kind, JSON.parse(JSON.stringify(data))))).toEqual([])
  })

  it.each(invalid)('refuses %s', (_name, kind, data, path) => {
    expect(errorPaths(() => validateData(kind, JSON.parse(JSON.stringify(data))))).toContain(path)
  })

  it('lets people write every field but those the procedure sets', () => {
    // when
    const person = errorPaths(() =>
      refuseReadonly('change', { scope: 's', majorImpact: true, changeNature: 'ci-change' }),
    )
    // then
    expect(person).toEqual(['/data/changeNature', '/data/majorImpact'])
    expect(errorPaths(() => refuseReadonly('change', { scope: 's', affectedCis: [] }))).toEqual([])
    expect(errorPaths(() => refuseReadonly('known-error', { published: true }))).toEqual([])
  })

  it('fails at start when a kind has no form', async () => {
    // given a copy of forms/ without the incident form
    const dir = await mkdtemp(join(tmpdir(), 'case-forms-'))
    dirs.push(dir)
    await cp(formsDir, dir, {
      recursive: true,
      filter: (src) => !src.endsWith('case-incident.form'),
    })
    // then
    expect(() => loadCaseForms(dir)).toThrow('forms/case-incident.form is missing')
  })
})
