/**
 * The decisions of `processes/` (ISO/IEC 20000-1 4.3.2: the rules the procedures apply are
 * documented, approved and versioned like the procedures): each parses as Zeebe would deploy it
 * and reproduces, cell by cell, the rule it replaced: the seeded impact × urgency matrix with the
 * 6.6.3 floor for security incidents (8.1 b), and the 9.2 change management policy of the former
 * `apply-change-policy` code.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { evaluateDecision } from '../../engine/dmn/evaluate'
import { parseDmn } from '../../engine/dmn/parse'
import { repoRoot } from './bpmn-model'

type Drg = Extract<Awaited<ReturnType<typeof parseDmn>>, { ok: true }>['drg']

async function drgOf(file: string): Promise<Drg> {
  const parsed = await parseDmn(await readFile(join(repoRoot, 'processes', file), 'utf8'))
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.drg
}

function outputOf(drg: Drg, decisionId: string, variables: Record<string, unknown>): unknown {
  const result = evaluateDecision(drg, decisionId, variables)
  if (result.failed) throw new Error(result.evaluationFailureMessage)
  return result.output
}

/** The matrix migration 0200 seeded (version 1), impact → urgency → priority. */
const seeded: Record<number, Record<number, number>> = {
  1: { 1: 1, 2: 2, 3: 3 },
  2: { 1: 2, 2: 3, 3: 4 },
  3: { 1: 3, 2: 4, 3: 4 },
}

describe('priority-matrix.dmn', () => {
  let drg: Drg
  beforeAll(async () => {
    drg = await drgOf('priority-matrix.dmn')
  })

  const cases = [1, 2, 3].flatMap((impact) =>
    [1, 2, 3].flatMap((urgency) =>
      [true, false, null, undefined].map((securityIncident) => ({ impact, urgency, securityIncident })),
    ),
  )
  it.each(cases)(
    '8.1 b, 6.6.3: impact $impact × urgency $urgency, security incident $securityIncident',
    ({ impact, urgency, securityIncident }) => {
      // given: the seeded cell, at least priority 2 for an information security incident
      const cell = seeded[impact]![urgency]!
      const expected = securityIncident === true ? Math.min(cell, 2) : cell
      const variables = securityIncident === undefined ? { impact, urgency } : { impact, urgency, securityIncident }
      // when / then
      expect(outputOf(drg, 'priority-matrix', variables)).toBe(expected)
    },
  )

  it('matches no rule (null) for an impact outside 1–3', () => {
    expect(outputOf(drg, 'priority-matrix', { impact: 4, urgency: 1 })).toBeNull()
  })
})

describe('change-classification.dmn', () => {
  let drg: Drg
  beforeAll(async () => {
    drg = await drgOf('change-classification.dmn')
  })

  /** The policy as `apply-change-policy` coded it before the decision (9.2). */
  const policy = (changeType: string, changeNature: string | null, potentialMajorImpact: boolean | null) => {
    const majorImpact =
      potentialMajorImpact === true || ['service-removal', 'service-transfer'].includes(changeNature ?? '')
    return { changeType: changeType === 'standard' && majorImpact ? 'normal' : changeType, majorImpact }
  }
  const cases = ['standard', 'normal', 'emergency'].flatMap((changeType) =>
    [null, 'ci-change', 'service-removal', 'service-transfer', 'new-service'].flatMap((changeNature) =>
      [true, false, null].map((potentialMajorImpact) => ({ changeType, changeNature, potentialMajorImpact })),
    ),
  )
  it.each(cases)(
    '9.2: $changeType change, nature $changeNature, potential major impact $potentialMajorImpact',
    ({ changeType, changeNature, potentialMajorImpact }) => {
      expect(
        outputOf(drg, 'change-classification', { changeType, changeNature, potentialMajorImpact }),
      ).toEqual(policy(changeType, changeNature, potentialMajorImpact))
    },
  )
})
