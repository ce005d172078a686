/** The form-shaped `data` of a case in the create and edit views (see `useCaseData`). */
import { lazy, Suspense } from 'react'
import type { FieldError } from '../../../lib/api'
import { ErrorBanner, Loading } from '../../../lib/ui'
import { initialData } from '../api/case-data'
import type { CaseData } from '../hooks/use-case-data'

// form-js is large: loaded with the first form that needs it
const CaseDataForm = lazy(() => import('./CaseDataForm').then((m) => ({ default: m.CaseDataForm })))

export function CaseDataSection({
  caseData,
  stored,
  disabled,
  serverErrors,
  label,
}: {
  caseData: CaseData
  /** The case's data so far (`{}` for a new case). */
  stored: Record<string, unknown>
  disabled: boolean
  /** Errors under `/data` from the last request. */
  serverErrors: readonly FieldError[]
  /** Accessible name of the data section. */
  label: string
}) {
  const { caseForm, schema, lists, handle } = caseData
  return (
    <>
      <ErrorBanner error={caseForm.error} />
      {schema && (
        <Suspense fallback={<Loading />}>
          <CaseDataForm
            schema={schema}
            data={initialData(schema, stored, lists)}
            disabled={disabled}
            serverErrors={serverErrors}
            handle={handle}
            label={label}
          />
        </Suspense>
      )}
    </>
  )
}
