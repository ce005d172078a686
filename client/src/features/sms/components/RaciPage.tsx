/**
 * Roles and responsibilities (ISO/IEC 20000-1 4.1.3, 4.4.1): the RACI of each procedure and each
 * SMS document, shown to everyone who reads the SMS; SMS managers set one up for a procedure or
 * document (the procedure's activities from its diagram offered) and edit it in place
 * ({@link RaciEditor}). `?type=document&id=DOC-…` opens the editor for that subject.
 */
import { useState } from 'react'
import { Link, setQuery } from '../../../lib/router'
import { ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import { isSmsManager, type Raci, type RaciOptions } from '../api/sms'
import { RaciEditor } from './RaciEditor'
import { RaciTable } from './RaciTable'

type SubjectType = Raci['subjectType']
const isSubjectType = (t: string | null): t is SubjectType => t === 'process' || t === 'document'

export default function RaciPage({
  user,
  type,
  id,
}: {
  user: User
  type: string | null
  id: string | null
}) {
  const list = useApi<{ items: Raci[] }>('/sms/raci')
  const manager = isSmsManager(user)
  const options = useApi<RaciOptions>(manager ? '/sms/raci-options' : null)
  const editing = manager && isSubjectType(type) && id ? { type, id } : null
  const [newType, setNewType] = useState<SubjectType>('process')
  const [newId, setNewId] = useState('')
  const items = list.data?.items ?? []
  const opts = options.data

  const labelOf = (t: SubjectType, subject: string) => {
    if (t === 'process') {
      const p = opts?.processes.find((x) => x.id === subject)
      return p ? `the procedure ${p.name}` : `the procedure ${subject}`
    }
    const d = opts?.documents.find((x) => x.id === subject)
    return d ? `${subject} ${d.title}` : subject
  }
  const edit = (t: SubjectType, subject: string) => setQuery({ type: t, id: subject })
  const close = () => setQuery({ type: undefined, id: undefined })

  const section = (t: SubjectType, title: string) => {
    const ofType = items.filter((r) => r.subjectType === t)
    return (
      <section className="card" aria-labelledby={`raci-${t}`}>
        <h2 id={`raci-${t}`} style={{ marginTop: 0 }}>
          {title}
        </h2>
        {ofType.length === 0 && <p className="muted">None set up yet.</p>}
        {ofType.map((r) => (
          <div key={r.subjectId}>
            <div className="row">
              <h3>
                {t === 'document' ? (
                  <Link href={`/sms/documents/${encodeURIComponent(r.subjectId)}`}>
                    {r.subjectId}
                  </Link>
                ) : (
                  r.subjectId
                )}
              </h3>
              <span className="spacer" />
              {manager && (
                <button type="button" onClick={() => edit(t, r.subjectId)}>
                  Edit the RACI of {r.subjectId}
                </button>
              )}
            </div>
            <RaciTable raci={r} label={`RACI of ${r.subjectId}`} />
            {r.updatedBy && (
              <p className="small muted">
                Last set by {r.updatedBy}
                {r.updatedAt ? ` on ${new Date(r.updatedAt).toLocaleDateString()}` : ''}
              </p>
            )}
          </div>
        ))}
      </section>
    )
  }

  const current = editing
    ? items.find((r) => r.subjectType === editing.type && r.subjectId === editing.id)
    : undefined
  const choices =
    newType === 'process'
      ? (opts?.processes ?? []).map((p) => ({ id: p.id, label: `${p.name} (${p.id})` }))
      : (opts?.documents ?? []).map((d) => ({ id: d.id, label: `${d.id} ${d.title}` }))

  return (
    <div>
      <h1>Roles and responsibilities</h1>
      <p className="muted">
        Who is Responsible, Accountable, Consulted and Informed for each activity of the procedures
        and the SMS documents (ISO/IEC 20000-1 4.1.3, 4.4.1).
      </p>
      <ErrorBanner error={list.error ?? options.error} />
      {list.loading && !list.data && <Loading />}
      {editing && list.data && opts && (
        <RaciEditor
          key={`${editing.type}:${editing.id}`}
          raci={current ?? { subjectType: editing.type, subjectId: editing.id, rows: [] }}
          subjectLabel={labelOf(editing.type, editing.id)}
          parties={opts.parties}
          activities={
            editing.type === 'process'
              ? (opts.processes.find((p) => p.id === editing.id)?.activities ?? [])
              : []
          }
          onSaved={() => {
            list.reload()
            close()
          }}
          onCancel={close}
        />
      )}
      {manager && !editing && opts && (
        <form
          className="card row"
          aria-label="Set up responsibilities"
          style={{ alignItems: 'end', flexWrap: 'wrap' }}
          onSubmit={(e) => {
            e.preventDefault()
            if (newId) edit(newType, newId)
          }}
        >
          <div className="field">
            <label htmlFor="raci-new-type">For a</label>
            <select
              id="raci-new-type"
              value={newType}
              onChange={(e) => {
                setNewType(e.target.value as SubjectType)
                setNewId('')
              }}
            >
              <option value="process">procedure</option>
              <option value="document">SMS document</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="raci-new-subject">
              {newType === 'process' ? 'Procedure' : 'Document'}
            </label>
            <select id="raci-new-subject" value={newId} onChange={(e) => setNewId(e.target.value)}>
              <option value="">Choose…</option>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                  {items.some((r) => r.subjectType === newType && r.subjectId === c.id)
                    ? ' (has a RACI)'
                    : ''}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={!newId}>
            Set up or edit
          </button>
        </form>
      )}
      {section('process', 'Procedures')}
      {section('document', 'SMS documents')}
    </div>
  )
}
