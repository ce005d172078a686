/**
 * Engine records as evidence (ISO/IEC 20000-1 4.3.3): the steps of a procedure that concern a
 * case (elements completed or terminated, incidents) are written into the evidence trail of
 * that case, in the transaction that moves the record follower's cursor past them.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { EngineRecord } from '../history/record-source'
import type { AuditSink, EvidenceInput } from './audit-sink'

const str = (v: unknown) => (v == null ? '' : String(v))

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

/** Whether a record is a step auditors read in a case's trail. */
export function isEvidenceRecord(r: EngineRecord): boolean {
  return (
    (r.valueType === 'PROCESS_INSTANCE' &&
      (r.intent === 'ELEMENT_COMPLETED' || r.intent === 'ELEMENT_TERMINATED') &&
      EVIDENCE_TYPES.has(str(r.value.bpmnElementType))) ||
    r.valueType === 'INCIDENT'
  )
}

/** The evidence entry of a record for the case its instance handles. */
export function engineEvidenceOf(
  r: EngineRecord,
  forCase: { kind: string; id: string },
): EvidenceInput {
  const v = r.value
  return {
    actor: 'system:engine',
    action: `engine.${r.valueType.toLowerCase()}.${r.intent.toLowerCase()}`,
    entityType: forCase.kind,
    entityId: forCase.id,
    processInstanceKey: str(v.processInstanceKey ?? r.processInstanceKey),
    after: {
      position: r.position,
      elementId: v.elementId ?? null,
      bpmnElementType: v.bpmnElementType ?? null,
      ...(r.valueType === 'INCIDENT'
        ? { errorType: v.errorType ?? null, errorMessage: v.errorMessage ?? null }
        : {}),
    },
  }
}

/**
 * Writes the evidence of an engine record, in `tx`, when it is a step worth recording and its
 * instance handles a case; records of instances without a case are not case evidence.
 */
export async function appendEngineEvidence(
  tx: Kysely<DB>,
  audit: AuditSink,
  r: EngineRecord,
): Promise<void> {
  if (r.recordType !== 'EVENT' || !isEvidenceRecord(r)) return
  const key = str(r.value.processInstanceKey ?? r.processInstanceKey)
  const inst = await tx
    .selectFrom('process_instances')
    .select(['case_kind', 'case_id'])
    .where('process_instance_key', '=', key)
    .executeTakeFirst()
  if (!inst?.case_kind || !inst.case_id) return
  await audit.append(engineEvidenceOf(r, { kind: inst.case_kind, id: inst.case_id }), tx)
}
