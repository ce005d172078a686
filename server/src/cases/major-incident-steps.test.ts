/**
 * The major-incident steps are claimed once per incident (ISO/IEC 20000-1 8.1): the procedure's
 * own rule and an escalation by staff claiming at the same moment get one true between them, on
 * both databases; a retry of the claiming job gets its claim again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../../test/support/databases'
import { claimMajorSteps, MajorStepsClaimant } from './major-incident'

describe.each(testDatabaseTargets())('major incident steps claimed once on $kind', (target) => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await target.open()
  })
  afterAll(async () => {
    await db?.drop()
  })

  const claim = (caseId: string, elementId: string, jobKey: string) =>
    claimMajorSteps(db.database.db, {
      caseId,
      elementId,
      jobKey,
      processInstanceKey: '2251799813685249',
      at: new Date(),
    })

  it('8.1: of claims at the same moment exactly one wins; a retry of the winner wins again', async () => {
    for (let i = 0; i < 20; i++) {
      const caseId = `INC-${String(900000 + i)}`
      const results = await Promise.all([
        claim(caseId, MajorStepsClaimant.Rule, `rule-${i}`),
        claim(caseId, MajorStepsClaimant.Escalation, `escalation-${i}`),
        claim(caseId, MajorStepsClaimant.Escalation, `second-escalation-${i}`),
      ])
      expect(results.filter(Boolean)).toHaveLength(1)
      const winner = ['rule', 'escalation', 'second-escalation'][results.indexOf(true)]!
      expect(await claim(caseId, MajorStepsClaimant.Rule, `${winner}-${i}`)).toBe(true)
      const rows = await db.database.db
        .selectFrom('major_incident_steps')
        .selectAll()
        .where('case_id', '=', caseId)
        .execute()
      expect(rows).toHaveLength(1)
      expect(rows[0]!.job_key).toBe(`${winner}-${i}`)
    }
  })
})
