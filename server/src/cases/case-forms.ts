/**
 * The form of each case kind: `forms/case-<kind>.form`, a form-js form holding the kind's
 * form-shaped `data` (ISO/IEC 20000-1 4.3.3: records are complete and correct). The forms are read
 * once when the server loads this module; the JSON schema of `data` is derived from them with
 * {@link formToJsonSchema}, so what the browser renders is exactly what the server accepts.
 * Fields the form shows `readonly: true` are written by the procedures (job workers) only.
 */
import {
  formToJsonSchema,
  readonlyKeys,
  staffOnlyKeys,
  type FormJs,
  type JsonSchemaObject,
} from '../forms/form-schema'
import { CASE_FORM_PREFIX, readFormSync } from '../forms/load-forms'
import { formsDir } from '../paths'
import { allKinds, type CaseKind } from './kinds'

/** What the server knows about one kind's form. */
export interface CaseForm {
  /** `case-<kind>`, the file stem in `forms/`. */
  formId: string
  form: FormJs
  /** JSON schema of `data`, derived from the form. */
  dataSchema: JsonSchemaObject
  /** Top-level data keys only the procedure writes (shown `readonly` in the form). */
  readonly: readonly string[]
  /** Top-level data keys for staff only (`audience: staff`): customers neither see nor write them. */
  staffOnly: readonly string[]
}

/** The form id of a kind: `case-incident`. */
export const caseFormId = (kind: CaseKind) => `${CASE_FORM_PREFIX}${kind}`

/** Reads and derives the form of every kind from `dir`; fails when one is missing or malformed. */
export function loadCaseForms(dir: string = formsDir): Readonly<Record<CaseKind, CaseForm>> {
  return Object.fromEntries(
    allKinds.map((kind) => {
      const formId = caseFormId(kind)
      const form = readFormSync(dir, formId)
      const caseForm: CaseForm = {
        formId,
        form,
        dataSchema: formToJsonSchema(form),
        readonly: readonlyKeys(form),
        staffOnly: staffOnlyKeys(form),
      }
      return [kind, caseForm]
    }),
  ) as Record<CaseKind, CaseForm>
}

/** The forms of every kind, read from `forms/` when the server starts. */
export const caseForms = loadCaseForms()
