/**
 * The agreed definition of a major incident (ISO/IEC 20000-1 8.1), in one place: the incident
 * procedure applies it at `Task_PrioritiseIncident` (worker `prioritise-case`, which records the
 * result as `data.major`) and, at any later point, when staff escalate the incident to major
 * (`POST /api/incidents/:id/escalate-major` → message `incident-major-escalation` → event
 * sub-process `SubProcess_EscalatedToMajor`, worker `record-major-escalation`); service reports
 * (6.2 b) count major incidents with the SQL form of the same rule, so a report never counts
 * differently from the procedure.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { DB } from '../db/schema'

/**
 * An incident is major when its classifier flags it, when staff escalated it to major, or when it
 * has this priority and impact.
 */
export const MajorIncidentRule = { priority: 1, impact: 1 } as const

/** What the rule looks at. */
export interface MajorIncidentFacts {
  priority: number | null | undefined
  /** 1 (high) … 3 (low). */
  impact: number | null | undefined
  /** The classifier ticked "meets the agreed major incident definition". */
  flaggedByClassifier?: boolean | null
  /** Staff escalated it to major (`data.majorEscalatedAt`, `majorEscalatedBy`, `majorEscalationReason`). */
  escalatedByStaff?: boolean | null
}

/** The rule, as the procedure applies it. */
export function isMajorIncident(f: MajorIncidentFacts): boolean {
  return (
    f.flaggedByClassifier === true ||
    f.escalatedByStaff === true ||
    (f.priority === MajorIncidentRule.priority && f.impact === MajorIncidentRule.impact)
  )
}

/**
 * The rule over a stored incident row (`alias.priority`, `alias.data`): the decision the
 * procedure recorded (`data.major`, true or false) when there is one, otherwise the rule applied
 * to the recorded escalation, priority and impact (an incident not classified by the procedure
 * yet).
 */
export function majorIncidentSql(alias: string): RawBuilder<boolean> {
  const t = sql.ref(alias)
  return sql<boolean>`(case when jsonb_typeof(${t}.data -> 'major') = 'boolean'
    then (${t}.data ->> 'major')::boolean
    when ${t}.data ->> 'majorEscalatedAt' is not null then true
    else coalesce(${t}.priority = ${sql.lit(MajorIncidentRule.priority)}
      and ${t}.data ->> 'impact' = ${sql.lit(String(MajorIncidentRule.impact))}, false) end)`
}

/** The steps of the incident procedure that may claim the major-incident steps. */
export const MajorStepsClaimant = {
  /** The procedure's own rule, at classification (main path `Gateway_IsMajorIncident`). */
  Rule: 'Task_PrioritiseIncident',
  /** Staff escalated it (event sub-process `SubProcess_EscalatedToMajor`). */
  Escalation: 'Task_RecordMajorEscalation',
} as const

/**
 * Claims the major-incident steps of an incident (tell top management, name a major incident
 * manager) for one job, once per incident (8.1): the incident id is the key of
 * `major_incident_steps`, so of two steps making the incident major at the same moment exactly
 * one gets true and runs them; the other passes them by. A retry of the claiming job (same job
 * key) gets true again.
 */
export async function claimMajorSteps(
  db: Kysely<DB>,
  claim: {
    caseId: string
    elementId: string
    jobKey: string
    processInstanceKey: string
    at: Date
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto('major_incident_steps')
    .values({
      case_id: claim.caseId,
      element_id: claim.elementId,
      job_key: claim.jobKey,
      process_instance_key: claim.processInstanceKey,
      claimed_at: claim.at,
    })
    .onConflict((oc) => oc.column('case_id').doNothing())
    .returning('case_id')
    .executeTakeFirst()
  if (inserted) return true
  const held = await db
    .selectFrom('major_incident_steps')
    .select('job_key')
    .where('case_id', '=', claim.caseId)
    .executeTakeFirst()
  return held?.job_key === claim.jobKey
}
