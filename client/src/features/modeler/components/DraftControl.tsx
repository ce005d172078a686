/**
 * Document control of a draft in the editors (ISO/IEC 20000-1 4.3.2), shared by the process
 * modeler and the decision editor: the draft's name (the author renames it) and discard; a
 * warning about other people's open drafts of the same document; the three-way comparison and
 * rebase when a newer version was deployed since the draft's base; the review (approve with an
 * optional comment, reject with a required one) given next to the diff; the draft's history with
 * the reviewers' comments.
 */
import { useEffect, useState } from 'react'
import { formatDateTime } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { ErrorBanner, StatusBadge } from '../../../lib/ui'
import {
  approveDraft,
  discardDraft,
  getDraftHistory,
  getThreeWay,
  isOpen,
  listDrafts,
  rejectDraft,
  renameDraft,
  type Draft,
  type DraftHistoryEntry,
  type Resolution,
  type ThreeWay,
} from '../api/processes'

/**
 * What an editor shows around its draft (4.3.2): other people's open drafts of the same
 * procedure or decision, and the three-way comparison while a newer version was deployed since
 * the draft's base. Read again when the draft changes.
 */
export function useDraftContext(
  id: string,
  kind: 'process' | 'decision',
  draft: Draft | null | undefined,
  username: string,
): { others: Draft[]; threeWay: ThreeWay | null } {
  const [others, setOthers] = useState<Draft[]>([])
  const [threeWay, setThreeWay] = useState<ThreeWay | null>(null)
  const draftKey = draft ? `${draft.id}@${draft.version}` : ''
  useEffect(() => {
    if (!id) return
    let stale = false
    listDrafts({ bpmnProcessId: id, kind, open: true }).then(
      (list) => !stale && setOthers(list.filter((d) => d.author !== (draft?.author ?? username))),
      () => undefined,
    )
    if (draft && isOpen(draft)) {
      getThreeWay(draft.id).then(
        (t) => !stale && setThreeWay(t),
        () => undefined,
      )
    } else setThreeWay(null)
    return () => {
      stale = true
    }
  }, [id, draftKey])
  return { others, threeWay }
}

/** The draft's name, editable by its author while it is open, and discard. */
export function DraftName({
  draft,
  canEdit,
  onChanged,
  onDiscarded,
}: {
  draft: Draft
  canEdit: boolean
  onChanged: (d: Draft) => void
  onDiscarded: (d: Draft) => void
}) {
  const [name, setName] = useState(draft.name)
  const [error, setError] = useState<unknown>()
  const [discarding, setDiscarding] = useState(false)
  const [reason, setReason] = useState('')
  useEffect(() => setName(draft.name), [draft.name])
  if (!canEdit) {
    return (
      <p className="small" data-testid="draft-name">
        <strong>{draft.name}</strong> <span className="muted">by {draft.author}</span>
      </p>
    )
  }
  return (
    <div className="row" style={{ marginBottom: '0.5rem', alignItems: 'flex-end' }}>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault()
          setError(undefined)
          renameDraft(draft.id, name, draft.version).then(onChanged, setError)
        }}
      >
        <div className="field">
          <label htmlFor="f-draft-name">Draft name</label>
          <input
            id="f-draft-name"
            value={name}
            maxLength={200}
            required
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <button type="submit" disabled={name.trim() === '' || name === draft.name}>
          Rename
        </button>
      </form>
      <span className="spacer" />
      {!discarding ? (
        <button className="danger" onClick={() => setDiscarding(true)}>
          Discard draft
        </button>
      ) : (
        <form
          className="row"
          aria-label="Discard the draft"
          onSubmit={(e) => {
            e.preventDefault()
            setError(undefined)
            discardDraft(draft.id, draft.version, reason.trim() || undefined).then(
              onDiscarded,
              setError,
            )
          }}
        >
          <div className="field">
            <label htmlFor="f-discard-reason">Why discard it (optional)</label>
            <input
              id="f-discard-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          <button type="submit" className="danger">
            Confirm discard
          </button>
          <button type="button" onClick={() => setDiscarding(false)}>
            Keep it
          </button>
        </form>
      )}
      <ErrorBanner error={error} />
    </div>
  )
}

/** Other people's open drafts of the same document: whichever is deployed first, the rest rebase. */
export function OtherDraftsWarning({
  others,
  editorPath,
}: {
  others: Draft[]
  editorPath: string
}) {
  if (others.length === 0) return null
  return (
    <div className="banner warn" role="note" aria-label="Other open drafts">
      <strong>
        {others.length === 1
          ? 'Another open draft changes this too:'
          : `${others.length} other open drafts change this too:`}
      </strong>{' '}
      {others.map((d, i) => (
        <span key={d.id}>
          {i > 0 && '; '}
          <Link href={`${editorPath}?draft=${encodeURIComponent(d.id)}`}>{d.name}</Link> by{' '}
          {d.author} <StatusBadge status={d.state} />
        </span>
      ))}
      . Whichever is deployed first, the others must be rebased on it before they can be deployed.
    </div>
  )
}

const changeLabel = { added: 'added', removed: 'removed', changed: 'changed', same: '—' } as const

/** What the merge of a rebase does with an element (server: draft-merge.ts). */
export function mergeOutcome(e: ThreeWay['elements'][number]): 'theirs' | 'mine' | 'conflict' {
  if (e.conflict) return 'conflict'
  return e.theirs !== 'same' && e.mine === 'same' ? 'theirs' : 'mine'
}

/**
 * The three-way comparison of a draft based on an older version than the deployed one: base,
 * theirs (deployed since) and mine, element by element, and the rebase. The rebase merges by
 * itself: what only the deployed version changed is taken over, the draft's own changes stay;
 * for each element both changed the author chooses which version the draft keeps (nothing is
 * overwritten silently).
 */
export function RebasePanel({
  threeWay,
  canRebase,
  onRebase,
  onFocus,
}: {
  threeWay: ThreeWay
  canRebase: boolean
  onRebase: (resolutions: Record<string, Resolution>) => Promise<void>
  onFocus?: (id: string) => void
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const [resolutions, setResolutions] = useState<Record<string, Resolution>>({})
  const theirs = threeWay.theirs
  if (!threeWay.behind || !theirs) return null
  const conflicts = threeWay.elements.filter((e) => e.conflict)
  const open = conflicts.filter((e) => !resolutions[e.id]).length
  return (
    <section className="card" aria-labelledby="rebase-title" data-testid="rebase-panel">
      <h2 id="rebase-title">
        Version {theirs.version} was deployed after this draft's base
        {threeWay.base.version !== null ? ` (version ${threeWay.base.version})` : ''}
      </h2>
      <p className="small">
        Deployed by {theirs.deployedBy}
        {theirs.approvedBy ? `, approved by ${theirs.approvedBy}` : ''}. This draft cannot be
        deployed over it: rebase it on version {theirs.version}. The rebase merges by itself: what
        only version {theirs.version} changed is taken over, your own changes stay
        {conflicts.length > 0 ? ', and you choose for what both changed' : ''}. The rebased draft is
        reviewed again.{' '}
        {conflicts.length > 0 && (
          <span className="badge danger">{conflicts.length} changed on both sides</span>
        )}
      </p>
      <div className="table-scroll">
        <table className="data" aria-label="Three-way comparison">
          <thead>
            <tr>
              <th>Element</th>
              <th>Base (v{threeWay.base.version ?? '–'})</th>
              <th>Theirs (v{theirs.version})</th>
              <th>Mine (draft)</th>
              <th>Rebased draft keeps</th>
            </tr>
          </thead>
          <tbody>
            {threeWay.elements.map((e) => {
              const outcome = mergeOutcome(e)
              return (
                <tr
                  key={e.id}
                  data-element-id={e.id}
                  className={e.conflict ? 'conflict' : undefined}
                >
                  <td>
                    {onFocus ? (
                      <button className="link" onClick={() => onFocus(e.id)}>
                        {e.name}
                      </button>
                    ) : (
                      e.name
                    )}{' '}
                    <span className="muted small">
                      {e.type} · {e.id}
                    </span>
                    {e.conflict && <span className="badge danger">conflict</span>}
                  </td>
                  <td>{e.theirs === 'added' || e.mine === 'added' ? '—' : 'as based on'}</td>
                  <td>
                    <span className={e.theirs === 'same' ? 'muted' : 'badge warn'}>
                      {changeLabel[e.theirs]}
                    </span>
                  </td>
                  <td>
                    <span className={e.mine === 'same' ? 'muted' : 'badge accent'}>
                      {changeLabel[e.mine]}
                    </span>
                  </td>
                  <td>
                    {outcome === 'conflict' ? (
                      <fieldset className="choice" aria-label={`Keep for ${e.name}`}>
                        {(['theirs', 'mine'] as const).map((side) => (
                          <label key={side}>
                            <input
                              type="radio"
                              name={`resolve-${e.id}`}
                              value={side}
                              checked={resolutions[e.id] === side}
                              disabled={!canRebase}
                              onChange={() => setResolutions((r) => ({ ...r, [e.id]: side }))}
                            />{' '}
                            {side === 'theirs' ? `version ${theirs.version}'s` : 'yours'}
                          </label>
                        ))}
                      </fieldset>
                    ) : outcome === 'theirs' ? (
                      <span>version {theirs.version}'s (merged)</span>
                    ) : (
                      <span>yours</span>
                    )}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      {canRebase && (
        <button
          className="primary"
          disabled={busy || open > 0}
          title={open > 0 ? 'Choose what to keep for each conflict first' : undefined}
          style={{ marginTop: '0.5rem' }}
          onClick={() => {
            setBusy(true)
            setError(undefined)
            onRebase(resolutions)
              .catch(setError)
              .finally(() => setBusy(false))
          }}
        >
          Rebase on version {theirs.version}
        </button>
      )}
      {canRebase && open > 0 && (
        <p className="small muted">
          {open} conflict{open > 1 ? 's' : ''} left to resolve.
        </p>
      )}
      <ErrorBanner error={error} />
    </section>
  )
}

/**
 * The review given from the diff view: approve with an optional comment, reject with a
 * required one (4.3.2: by someone other than the author).
 */
export function ReviewPanel({
  draft,
  onReviewed,
}: {
  draft: Draft
  onReviewed: (d: Draft) => void
}) {
  const [comment, setComment] = useState('')
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const [missing, setMissing] = useState(false)
  const act = (call: () => Promise<Draft>) => {
    setBusy(true)
    setError(undefined)
    call()
      .then((d) => {
        setComment('')
        onReviewed(d)
      }, setError)
      .finally(() => setBusy(false))
  }
  return (
    <form
      className="review"
      aria-label="Review"
      onSubmit={(e) => e.preventDefault()}
      style={{ marginTop: '0.75rem' }}
    >
      <h3>Review</h3>
      <div className="field">
        <label htmlFor="f-review-comment">Review comment</label>
        <textarea
          id="f-review-comment"
          rows={3}
          value={comment}
          aria-invalid={missing || undefined}
          aria-describedby={missing ? 'f-review-comment-error' : undefined}
          onChange={(e) => {
            setComment(e.target.value)
            setMissing(false)
          }}
        />
        {missing && (
          <span id="f-review-comment-error" className="field-error" role="alert">
            Say why the draft is rejected.
          </span>
        )}
      </div>
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() =>
            act(() => approveDraft(draft.id, draft.version, comment.trim() || undefined))
          }
        >
          Approve
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => {
            if (comment.trim().length < 3) {
              setMissing(true)
              return
            }
            act(() => rejectDraft(draft.id, draft.version, comment.trim()))
          }}
        >
          Reject
        </button>
      </div>
      <ErrorBanner error={error} />
    </form>
  )
}

const actionLabel: Record<string, string> = {
  created: 'created',
  updated: 'saved',
  'form-saved': 'saved a form',
  'form-removed': 'removed a form',
  renamed: 'renamed',
  submitted: 'submitted for approval',
  approved: 'approved',
  rejected: 'rejected',
  rebased: 'rebased',
  withdrawn: 'withdrew it from review',
  discarded: 'discarded',
  deployed: 'deployed',
}

/** The draft's history from the evidence trail, with the reviewers' comments. */
export function DraftHistory({ draft }: { draft: Draft }) {
  const [entries, setEntries] = useState<DraftHistoryEntry[]>([])
  const [error, setError] = useState<unknown>()
  useEffect(() => {
    getDraftHistory(draft.id).then(setEntries, setError)
  }, [draft.id, draft.version])
  return (
    <section
      className="card"
      aria-labelledby="draft-history-title"
      style={{ marginTop: '0.75rem' }}
    >
      <h2 id="draft-history-title">History of this draft</h2>
      <ErrorBanner error={error} />
      <ol className="list-plain small" aria-label="Draft history">
        {entries.map((e) => {
          const verb = e.action.replace(/^(process|decision)-draft\./, '')
          return (
            <li key={e.seq}>
              {formatDateTime(e.at)} · <strong>{e.actor}</strong> {actionLabel[verb] ?? verb}
              {e.comment && <q className="comment">{e.comment}</q>}
            </li>
          )
        })}
      </ol>
    </section>
  )
}
