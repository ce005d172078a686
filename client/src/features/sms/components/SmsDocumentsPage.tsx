/**
 * The SMS documents register (ISO/IEC 20000-1 4.3.1): every controlled document with its kind,
 * status and the clauses it answers; an auditor finds the documents of a clause. SMS managers
 * register new ones.
 */
import { useState, type FormEvent } from 'react'
import { formatDateTime } from '../../../lib/format'
import { Link, navigate, setQuery } from '../../../lib/router'
import { Empty, ErrorBanner, Loading, StatusBadge } from '../../../lib/ui'
import { useApi, withQuery } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import { isSmsManager, type SmsDocument } from '../api/sms'
import { NewDocumentForm } from './NewDocumentForm'

export default function SmsDocumentsPage({ user, clause }: { user: User; clause: string | null }) {
  const list = useApi<{ items: SmsDocument[] }>(withQuery('/sms/documents', { clause }))
  const [draft, setDraft] = useState(clause ?? '')
  const [adding, setAdding] = useState(false)
  const manager = isSmsManager(user)
  function find(e: FormEvent) {
    e.preventDefault()
    setQuery({ clause: draft.trim() || undefined })
  }
  const items = list.data?.items ?? []
  return (
    <div>
      <h1>SMS documents</h1>
      <p className="muted small">
        Controlled documents of the service management system (4.3): policy, objectives, scope,
        plan, agreements and others, each approved by someone other than its author before it is
        issued.
      </p>
      <form className="row" role="search" aria-label="Find documents by clause" onSubmit={find}>
        <div className="field">
          <label htmlFor="clause-search">Clause</label>
          <input
            id="clause-search"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="e.g. 4.5.1"
          />
        </div>
        <button type="submit">Find</button>
        {clause && (
          <button type="button" onClick={() => setQuery({ clause: undefined })}>
            Show all
          </button>
        )}
        {manager && (
          <button type="button" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
            {adding ? 'Cancel' : 'Register a document'}
          </button>
        )}
      </form>
      {adding && manager && (
        <NewDocumentForm
          owner={user.username}
          onCreated={(id) => navigate(`/sms/documents/${encodeURIComponent(id)}`)}
        />
      )}
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && items.length === 0 && (
        <Empty>
          {clause ? `No document answers clause ${clause}.` : 'No document registered yet.'}
        </Empty>
      )}
      {items.length > 0 && (
        <table
          className="data"
          aria-label={clause ? `Documents for clause ${clause}` : 'SMS documents'}
        >
          <thead>
            <tr>
              <th>Document</th>
              <th>Title</th>
              <th>Kind</th>
              <th>Clauses</th>
              <th>Effective</th>
              <th>Latest version</th>
              <th>Owner</th>
              <th>Next review</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link href={`/sms/documents/${encodeURIComponent(d.id)}`}>{d.id}</Link>
                </td>
                <td>{d.title}</td>
                <td>{d.kind}</td>
                <td>{d.clauses.join(', ')}</td>
                <td>{d.effectiveVersion ? `v${d.effectiveVersion}` : '—'}</td>
                <td>
                  v{d.latest.version} <StatusBadge status={d.latest.status} />
                </td>
                <td>{d.owner}</td>
                <td>{d.nextReviewAt ? formatDateTime(d.nextReviewAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
