/**
 * The agreed definition of a major incident (ISO/IEC 20000-1 8.1), in one place: the incident
 * procedure applies it at `Task_PrioritiseIncident` (worker `prioritise-case`, which records the
 * result as `data.major`) and, at any later point, when staff escalate the incident to major
 * (`POST /api/incidents/:id/escalate-major` → message `incident-major-escalation` → event
 * sub-process `SubProcess_EscalatedToMajor`, worker `record-major-escalation`); service reports
 * (6.2 b) count major incidents with the SQL form of the same rule, so a report never counts
 * differently from the procedure.
 */
import { sql, type RawBuilder } from 'kysely'

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
