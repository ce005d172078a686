/**
 * The edit form of a record: its title or name, description and form-shaped data, saved with
 * optimistic locking. A record under change control (ISO/IEC 20000-1 9.1, 6.1: a controlled CI,
 * a service in the catalogue, an agreed SLA) is not saved directly: the same form proposes the
 * edit through a change, with its diff; a direct save the server refuses with 409 naming that
 * door shows the server's message and offers the same way.
 */
import { useState, type FormEvent } from 'react'
import { toast } from '../../../lib/toast'
import { ApiError, type FieldError } from '../../../lib/api'
import { humanize } from '../../../lib/format'
import { ErrorBanner } from '../../../lib/ui'
import { field, updateCase, type CaseRecord } from '../api/cases'
import { dataChanges, splitErrors } from '../api/case-data'
import { isChangeDoor, targetOfKind } from '../api/change-control'
import { useCaseData } from '../hooks/use-case-data'
import { CaseDataSection } from './CaseDataSection'
import { ProposeThroughChange, type DiffRow } from './ProposeThroughChange'

/** An edit ready to be proposed through a change. */
interface Proposal {
  patch: Record<string, unknown>
  diff: DiffRow[]
}

export function CaseEditor({
  kind,
  record,
  controlled,
  onSaved,
  onProposed,
}: {
  kind: string
  record: CaseRecord
  /** Under change control: edits go through a change. */
  controlled: boolean
  onSaved: () => void
  /** An edit was attached to a change. */
  onProposed: () => void
}) {
  const [titleValue, setTitle] = useState(
    String(field(record, 'title') ?? field(record, 'name') ?? ''),
  )
  const [desc, setDesc] = useState(String(record.description ?? ''))
  const [error, setError] = useState<unknown>()
  const [door, setDoor] = useState<ApiError>()
  const [errors, setErrors] = useState<FieldError[]>([])
  const [busy, setBusy] = useState(false)
  const [proposal, setProposal] = useState<Proposal>()
  const caseData = useCaseData(kind, 'edit')
  const titleKey = field(record, 'title') !== undefined ? 'title' : 'name'
  const originalTitle = String(field(record, titleKey) ?? '')
  // CIs and services keep a description column; cases keep theirs in their form-shaped data
  const topLevel = 'description' in record
  const stored = (typeof record.data === 'object' && record.data ? record.data : {}) as Record<
    string,
    unknown
  >
  const { data: dataErrors, other } = splitErrors(errors)
  const target = targetOfKind[kind]

  /** What the person changed, as a PATCH body without version, with its diff. */
  function entered(): Proposal | undefined {
    const form = caseData.collect()
    if (form === undefined) return undefined // form-js shows what is wrong
    const changes = dataChanges(form.data, form.initial, caseData.readonly)
    const patch: Record<string, unknown> = {}
    const diff: DiffRow[] = []
    if (titleValue !== originalTitle) {
      patch[titleKey] = titleValue
      diff.push([humanize(titleKey), originalTitle, titleValue])
    }
    if (topLevel && desc !== String(record.description ?? '')) {
      patch.description = desc
      diff.push(['Description', record.description, desc])
    }
    if (Object.keys(changes).length) {
      patch.data = changes
      for (const [k, v] of Object.entries(changes)) diff.push([humanize(k), stored[k], v])
    }
    return { patch, diff }
  }

  function propose() {
    const p = entered()
    if (!p) return
    if (!p.diff.length) {
      setError(new Error('Nothing was changed: there is no edit to propose.'))
      return
    }
    setError(undefined)
    setDoor(undefined)
    setProposal(p)
  }

  async function save(e: FormEvent) {
    e.preventDefault()
    if (controlled && target) return propose()
    const p = entered()
    if (!p) return
    setBusy(true)
    try {
      await updateCase(kind, String(record.id), {
        [titleKey]: titleValue,
        ...(topLevel ? { description: desc } : {}),
        ...(p.patch.data ? { data: p.patch.data } : {}),
        version: record.version,
      })
      setError(undefined)
      setDoor(undefined)
      setErrors([])
      toast(`${String(record.id)} saved.`)
      onSaved()
    } catch (err) {
      setErrors(err instanceof ApiError ? err.errors : [])
      if (isChangeDoor(err)) {
        setDoor(err)
        setError(undefined)
        return
      }
      setError(
        err instanceof ApiError && err.status === 409
          ? new Error(
              'Someone else changed this case meanwhile. Reload to see their change; nothing was overwritten.',
            )
          : err,
      )
    } finally {
      setBusy(false)
    }
  }
  const errorOf = (key: string) => other.find((x) => x.path === `/${key}`)?.message
  return (
    <section className="card" role="form" aria-label="Edit case">
      <h2>Edit</h2>
      {controlled && (
        <p className="banner info small">
          Under change control: an edit is proposed through a change and applied once it is approved
          (9.2).
        </p>
      )}
      <form id={`edit-${kind}`} onSubmit={(e) => void save(e)}>
        <div className="field">
          <label htmlFor="case-title">{humanize(titleKey)}</label>
          <input
            id="case-title"
            value={titleValue}
            onChange={(e) => setTitle(e.target.value)}
            aria-invalid={errorOf(titleKey) ? true : undefined}
          />
          {errorOf(titleKey) && <span className="field-error">{errorOf(titleKey)}</span>}
        </div>
        {topLevel && (
          <div className="field">
            <label htmlFor="case-description">Description</label>
            <textarea
              id="case-description"
              value={desc}
              onChange={(e) => setDesc(e.target.value)}
            />
          </div>
        )}
      </form>
      <CaseDataSection
        caseData={caseData}
        stored={stored}
        disabled={busy}
        serverErrors={dataErrors}
        label="Case details"
      />
      {dataErrors.length === 0 && <ErrorBanner error={error} />}
      {door && (
        <div role="alert" className="banner error">
          <p>
            {door.status} {door.title}: {door.message}
          </p>
          {target && (
            <button type="button" onClick={propose}>
              Propose this edit through a change
            </button>
          )}
        </div>
      )}
      {!proposal && (
        <button
          type="submit"
          form={`edit-${kind}`}
          disabled={busy || caseData.caseForm.loading}
          style={{ marginTop: '0.5rem' }}
        >
          {controlled && target ? 'Propose edit through a change' : 'Save'}
        </button>
      )}
      {proposal && target && (
        <ProposeThroughChange
          targetKind={target}
          targetId={String(record.id)}
          patch={proposal.patch}
          diff={proposal.diff}
          ciId={kind === 'cis' ? String(record.id) : undefined}
          defaultTitle={`Edit ${String(record.id)} ${originalTitle}`}
          onCancel={() => setProposal(undefined)}
          onAttached={onProposed}
        />
      )}
    </section>
  )
}
