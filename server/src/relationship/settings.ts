/**
 * ISO/IEC 20000-1 7.1: the relationship settings — which closed cases are followed by a
 * satisfaction survey, how often every customer contact is surveyed, the time a complaint is to
 * be resolved in (escalated after it) and the controlled document (`server/src/sms/documents`)
 * that is the agreed definition of a complaint. One row; every change is evidence.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { iso } from '../db/timestamps'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { UnprocessableError } from '../cases/change-control'

/** Kinds whose closure may be followed by a satisfaction survey (the kinds customers raise). */
export const surveyableKinds = ['incident', 'service-request', 'complaint'] as const

/** The relationship settings (7.1). */
export interface RelationshipSettings {
  /** Case kinds whose closure sends the requester a survey. */
  surveyKinds: string[]
  /** Days between periodic surveys of each customer contact. */
  periodicSurveyDays: number
  /** Days a complaint is to be resolved in before it is escalated. */
  complaintResolutionDays: number
  /** The controlled document defining a complaint (`DOC-…`), or null while none is agreed. */
  complaintDefinitionDocumentId: string | null
  updatedBy: string
  updatedAt: string
}

export type SettingsInput = Partial<
  Pick<
    RelationshipSettings,
    | 'surveyKinds'
    | 'periodicSurveyDays'
    | 'complaintResolutionDays'
    | 'complaintDefinitionDocumentId'
  >
>

export const settingsBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    surveyKinds: {
      type: 'array',
      uniqueItems: true,
      maxItems: surveyableKinds.length,
      items: { enum: [...surveyableKinds] },
    },
    periodicSurveyDays: { type: 'integer', minimum: 7, maximum: 730 },
    complaintResolutionDays: { type: 'integer', minimum: 1, maximum: 365 },
    complaintDefinitionDocumentId: {
      type: ['string', 'null'],
      pattern: '^DOC-[0-9]{6,12}$',
    },
  },
} as const

/** The agreed definition of a complaint: the effective version of its controlled document. */
export interface ComplaintDefinition {
  documentId: string
  title: string
  version: number
  content: string
}

export async function getSettings(db: Kysely<DB>): Promise<RelationshipSettings> {
  const r = await db
    .selectFrom('relationship_settings')
    .selectAll()
    .where('id', '=', 1)
    .executeTakeFirstOrThrow()
  return {
    surveyKinds: r.survey_kinds,
    periodicSurveyDays: r.periodic_survey_days,
    complaintResolutionDays: r.complaint_resolution_days,
    complaintDefinitionDocumentId: r.complaint_definition_document_id,
    updatedBy: r.updated_by,
    updatedAt: iso(r.updated_at),
  }
}

/**
 * The definition of a complaint in force: the effective version of the document the settings
 * name; undefined while none is named or it has no effective version (not agreed yet).
 */
export async function complaintDefinition(
  db: Kysely<DB>,
): Promise<ComplaintDefinition | undefined> {
  const { complaintDefinitionDocumentId: id } = await getSettings(db)
  if (!id) return undefined
  const row = await db
    .selectFrom('sms_documents as d')
    .innerJoin('sms_document_versions as v', (j) =>
      j.onRef('v.document_id', '=', 'd.id').onRef('v.version', '=', 'd.effective_version'),
    )
    .select(['d.id', 'd.title', 'v.version', 'v.content'])
    .where('d.id', '=', id)
    .executeTakeFirst()
  return row
    ? { documentId: row.id, title: row.title, version: row.version, content: row.content }
    : undefined
}

/** Changes the settings (SMS managers and relationship managers; the route checks who). */
export async function updateSettings(
  db: Kysely<DB>,
  audit: AuditSink,
  input: SettingsInput,
  actor: string,
  now: Date,
): Promise<RelationshipSettings> {
  const docId = input.complaintDefinitionDocumentId
  if (docId) {
    const doc = await db
      .selectFrom('sms_documents')
      .select(['id', 'effective_version'])
      .where('id', '=', docId)
      .executeTakeFirst()
    // 7.1: the definition is agreed: only a document with an effective (approved) version
    if (!doc) throw new UnprocessableError(`No SMS document ${docId}.`)
    if (doc.effective_version === null) {
      throw new UnprocessableError(
        `${docId} has no effective version: the definition of a complaint must be approved before it is used (4.3.2, 7.1).`,
      )
    }
  }
  return writeWithEvidence(db, audit, async (tx) => {
    const before = await getSettings(tx)
    await tx
      .updateTable('relationship_settings')
      .set({
        ...(input.surveyKinds ? { survey_kinds: input.surveyKinds } : {}),
        ...(input.periodicSurveyDays ? { periodic_survey_days: input.periodicSurveyDays } : {}),
        ...(input.complaintResolutionDays
          ? { complaint_resolution_days: input.complaintResolutionDays }
          : {}),
        ...(docId !== undefined ? { complaint_definition_document_id: docId } : {}),
        updated_by: actor,
        updated_at: now,
      })
      .where('id', '=', 1)
      .execute()
    const after = await getSettings(tx)
    return {
      result: after,
      evidence: {
        actor,
        action: 'relationship-settings.updated',
        entityType: 'relationship-settings',
        entityId: '1',
        before,
        after,
      },
    }
  })
}
