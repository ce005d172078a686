/**
 * The kind's form for a case's `data`, as the create and edit views use it: the form (for a
 * new case without the fields only the procedure writes), the option lists it needs, and what
 * the user entered when the view submits (rendered by `CaseDataSection`).
 */
import { useRef } from 'react'
import { useApi } from '../../../lib/use-api'
import { caseFormPath, creatableForm, withoutKeys, type CaseFormView } from '../api/case-data'
import type { CaseDataEntry, CaseDataHandle } from '../components/CaseDataForm'
import { useOptionLists } from './use-option-lists'

const none: readonly string[] = []

/** `omit`: data keys the view asks for itself (not rendered by form-js, not collected). */
export function useCaseData(kind: string, purpose: 'create' | 'edit', omit = none) {
  const handle = useRef<CaseDataHandle | null>(null)
  const caseForm = useApi<CaseFormView>(caseFormPath(kind))
  const form = caseForm.data?.form
  const schema = form && withoutKeys(purpose === 'create' ? creatableForm(form) : form, omit)
  const lists = useOptionLists(schema)
  return {
    caseForm,
    schema,
    lists,
    handle,
    /** Data keys only the procedure writes: shown, never sent. */
    readonly: caseForm.data?.readonly ?? [],
    /** What the form holds; undefined when a field is invalid (form-js shows why). */
    collect: (): CaseDataEntry | undefined =>
      handle.current ? handle.current.collect() : { data: {}, initial: {} },
  }
}

export type CaseData = ReturnType<typeof useCaseData>
