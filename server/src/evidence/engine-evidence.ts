/**
 * Engine steps as evidence (ISO/IEC 20000-1 4.3.3): the steps of a procedure that concern a
 * case (elements completed or terminated, incidents created and resolved), as Camunda 8.8's v2
 * searches show them, are written into the evidence trail of that case, each once (the
 * `engine_evidence_seen` key is inserted in the entry's transaction).
 */
import type { Kysely } from 'kysely'
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
    actor: 'system:engine',
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

/**
 * Writes the evidence of an engine step, in `tx`, when it is a step worth recording, its
 * instance handles a case and it is not in the trail yet. Steps of instances without a case are
 * not case evidence (a later pass writes them if the case link arrives meanwhile).
 */
export async function appendEngineEvidence(
  tx: Kysely<DB>,
  audit: AuditSink,
  s: EngineStep,
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
  await audit.append(engineEvidenceOf(s, { kind: inst.case_kind, id: inst.case_id }), tx)
}
