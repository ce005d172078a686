/**
 * Engine steps as evidence (ISO/IEC 20000-1 4.3.3): the steps of a procedure that concern a
 * case (elements completed or terminated, incidents created and resolved), as Camunda 8.8's v2
 * searches show them, are written into the evidence trail of that case, each once (the
 * `engine_evidence_seen` key is inserted in the entry's transaction).
 */
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { AuditSink, EvidenceInput } from './audit-sink'

/** Element types whose completion is worth a line of evidence. */
const EVIDENCE_TYPES = new Set([
  'PROCESS',
  'USER_TASK',
  'SERVICE_TASK',
  'SEND_TASK',
  'SCRIPT_TASK',
  'BUSINESS_RULE_TASK',
  'RECEIVE_TASK',
  'MANUAL_TASK',
  'CALL_ACTIVITY',
  'SUB_PROCESS',
  'BOUNDARY_EVENT',
  'INTERMEDIATE_CATCH_EVENT',
  'INTERMEDIATE_THROW_EVENT',
  'END_EVENT',
  'START_EVENT',
  'EXCLUSIVE_GATEWAY',
])

/** The actor of the engine's evidence entries. */
export const ENGINE_ACTOR = 'system:engine'

/** One step of the engine that may be evidence of a case. */
export type EngineStep =
  | {
      kind: 'element'
      intent: 'ELEMENT_COMPLETED' | 'ELEMENT_TERMINATED'
      /** The element instance key (the process instance key for the process itself). */
      key: string
      processInstanceKey: string
      elementId: string
      bpmnElementType: string
      /** When it happened (ISO). */
      at: string
    }
  | {
      kind: 'incident'
      intent: 'CREATED' | 'RESOLVED'
      key: string
      processInstanceKey: string
      elementId: string
      errorType: string
      errorMessage: string
      at: string
    }

/** Whether a step is one auditors read in a case's trail. */
export function isEvidenceStep(s: EngineStep): boolean {
  return s.kind === 'incident' || EVIDENCE_TYPES.has(s.bpmnElementType)
}

const actionOf = (s: EngineStep) =>
  s.kind === 'element'
    ? `engine.process_instance.${s.intent.toLowerCase()}`
    : `engine.incident.${s.intent.toLowerCase()}`

/** The evidence entry of a step for the case its instance handles. */
export function engineEvidenceOf(
  s: EngineStep,
  forCase: { kind: string; id: string },
): EvidenceInput {
  return {
    actor: ENGINE_ACTOR,
    action: actionOf(s),
    entityType: forCase.kind,
    entityId: forCase.id,
    processInstanceKey: s.processInstanceKey,
    after: {
      at: s.at,
      elementId: s.elementId,
      ...(s.kind === 'element'
        ? { elementInstanceKey: s.key, bpmnElementType: s.bpmnElementType }
        : { incidentKey: s.key, errorType: s.errorType, errorMessage: s.errorMessage }),
    },
  }
}

/** The entries of the record-log follower not yet matched to a step, by action, instance, element. */
export type RecordLogEntries = Map<string, number>

const recordLogMatch = (action: string, processInstanceKey: string, elementId: unknown) =>
  `${action}\u0000${processInstanceKey}\u0000${String(elementId)}`

/**
 * The engine steps the record-log follower (the tracker before v2) wrote into the trail at or
 * after `since`. Its entries carry the record's log position, not the element instance or
 * incident key that v2 steps are known by, so a step is matched to one by action, instance and
 * element: after an upgrade the first v2 passes read again a window the follower had read, and
 * a step it recorded there is marked seen instead of written twice.
 */
export async function recordLogEntriesSince(
  db: Kysely<DB>,
  since: Date,
): Promise<RecordLogEntries> {
  const rows = await db
    .selectFrom('evidence')
    .select(['action', 'process_instance_key', 'after'])
    .where('actor', '=', ENGINE_ACTOR)
    .where('at', '>=', since)
    .where(sql<boolean>`after ->> 'position' is not null`)
    .execute()
  const entries: RecordLogEntries = new Map()
  for (const r of rows) {
    const after = r.after as { elementId?: unknown } | null
    if (!r.process_instance_key) continue
    const match = recordLogMatch(r.action, r.process_instance_key, after?.elementId)
    entries.set(match, (entries.get(match) ?? 0) + 1)
  }
  return entries
}

/**
 * Writes the evidence of an engine step, in `tx`, when it is a step worth recording, its
 * instance handles a case and it is not in the trail yet. Steps of instances without a case are
 * not case evidence (a later pass writes them if the case link arrives meanwhile). A step that
 * one of `recordedBefore` (the record-log follower's entries) records is only marked seen.
 */
export async function appendEngineEvidence(
  tx: Kysely<DB>,
  audit: AuditSink,
  s: EngineStep,
  recordedBefore?: RecordLogEntries,
): Promise<void> {
  if (!isEvidenceStep(s)) return
  const inst = await tx
    .selectFrom('process_instances')
    .select(['case_kind', 'case_id'])
    .where('process_instance_key', '=', s.processInstanceKey)
    .executeTakeFirst()
  if (!inst?.case_kind || !inst.case_id) return
  const fresh = await tx
    .insertInto('engine_evidence_seen')
    .values({ key: `${actionOf(s)}:${s.key}` })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst()
  if (!fresh) return
  const match = recordLogMatch(actionOf(s), s.processInstanceKey, s.elementId)
  const unmatched = recordedBefore?.get(match) ?? 0
  if (recordedBefore && unmatched > 0) {
    recordedBefore.set(match, unmatched - 1)
    return
  }
  await audit.append(engineEvidenceOf(s, { kind: inst.case_kind, id: inst.case_id }), tx)
}
