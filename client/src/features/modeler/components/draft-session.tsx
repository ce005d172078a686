/**
 * One draft open in an editor (ISO/IEC 20000-1 4.3.2), the same for the process modeler and the
 * decision editor: reopening the author's open draft, save, submit, withdraw from review, the
 * rebase with the automatic three-way merge, and what the editor shows above its canvas (status,
 * name and discard, read-only notice while in review, other people's drafts, the rebase panel).
 * The editors only say how to read their XML, create a draft and show new XML.
 */
import { useState } from 'react'
import { ApiError } from '../../../lib/api'
import { Link } from '../../../lib/router'
import { ErrorBanner } from '../../../lib/ui'
import {
  getDraft,
  isOpen,
  listDrafts,
  rebaseDraft,
  saveDraft,
  submitDraft,
  withdrawDraft,
  type Draft,
  type Resolution,
} from '../api/processes'
import { DraftName, OtherDraftsWarning, RebasePanel, useDraftContext } from './DraftControl'

export type DraftKind = 'process' | 'decision'

/** Where each kind of draft is edited. */
const editorPath: Record<DraftKind, string> = { process: '/modeler', decision: '/decisions' }

/** Keeps the URL shareable without remounting the editor (the router is not told). */
function showDraftInUrl(kind: DraftKind, id: string) {
  window.history.replaceState(null, '', `${editorPath[kind]}?draft=${encodeURIComponent(id)}`)
}

/**
 * The draft an editor opens: the one asked for, else the author's open draft of the document
 * (4.3.2: one open draft per document and author — "Edit" reopens it), else none.
 */
export async function openDraft(
  kind: DraftKind,
  draftId: string | null,
  documentId: string | null,
  username: string,
): Promise<{ draft: Draft; reopened: boolean } | null> {
  const open =
    !draftId && documentId
      ? (await listDrafts({ bpmnProcessId: documentId, kind, author: username, open: true }))[0]
      : undefined
  if (!draftId && !open) return null
  const draft = await getDraft(draftId ?? open!.id)
  if (open) showDraftInUrl(kind, draft.id)
  return { draft, reopened: !!open }
}

/** Only a draft or a rejected draft changes; in review or approved it is read-only. */
export const isEditable = (d: Draft | null) => !d || d.state === 'draft' || d.state === 'rejected'

export function useDraftSession(opts: {
  kind: DraftKind
  documentId: string
  username: string
  /** The editor's XML now. */
  currentXml: () => Promise<string>
  /** Creates the first draft of what the editor shows. */
  create: (xml: string) => Promise<Draft>
  /** Shows XML the server made (the merged draft after a rebase). */
  show: (xml: string) => Promise<void>
  /** Runs after each save (e.g. the decision editor refreshes its comparison). */
  afterSave?: (d: Draft) => Promise<void>
}) {
  const [draft, setDraft] = useState<Draft | null>(null)
  const [dirty, setDirty] = useState(false)
  const [status, setStatus] = useState('')
  const [error, setError] = useState<unknown>()
  /** The author's open draft a create was refused for (one open draft per author). */
  const [openDraftId, setOpenDraftId] = useState<string>()
  const { others, threeWay } = useDraftContext(opts.documentId, opts.kind, draft, opts.username)
  const editable = isEditable(draft)

  async function save(): Promise<Draft | null> {
    setError(undefined)
    try {
      const xml = await opts.currentXml()
      const saved = draft ? await saveDraft(draft.id, xml, draft.version) : await opts.create(xml)
      setDraft(saved)
      setDirty(false)
      setStatus(`Draft saved (revision ${saved.version}).`)
      if (!draft) showDraftInUrl(opts.kind, saved.id)
      await opts.afterSave?.(saved)
      return saved
    } catch (err) {
      const openId =
        err instanceof ApiError && typeof err.problem.draftId === 'string'
          ? err.problem.draftId
          : undefined
      setOpenDraftId(openId)
      setError(
        err instanceof ApiError &&
          err.status === 409 &&
          !openId &&
          err.problem.state !== 'in-review'
          ? new Error('The draft was changed elsewhere; reload it before saving.')
          : err,
      )
      return null
    }
  }

  async function submit() {
    const saved = dirty || !draft ? await save() : draft
    if (!saved) return
    try {
      setDraft(await submitDraft(saved.id, saved.version))
      setStatus('Submitted for approval. The draft is read-only while it is in review.')
    } catch (err) {
      setError(err)
    }
  }

  /** The author takes the draft back from review (or an approved one) to change it. */
  async function withdraw() {
    if (!draft) return
    setError(undefined)
    try {
      setDraft(await withdrawDraft(draft.id, draft.version))
      setStatus('Withdrawn from review: you can change the draft and submit it again.')
    } catch (err) {
      setError(err)
    }
  }

  /**
   * Rebases on the version deployed since: the server merges what the editor shows with it
   * (conflicts kept as `resolutions` says) and the editor shows the merged draft.
   */
  async function rebase(resolutions: Record<string, Resolution>) {
    if (!draft || !threeWay?.theirs) return
    const xml = editable ? await opts.currentXml() : undefined
    const rebased = await rebaseDraft(draft.id, threeWay.theirs.version, draft.version, {
      xml,
      resolutions,
    })
    if (rebased.xml) await opts.show(rebased.xml)
    setDraft(rebased)
    setDirty(false)
    setStatus(
      `Rebased on version ${threeWay.theirs.version}: the changes deployed since are merged into your draft; submit it for approval again.`,
    )
  }

  return {
    draft,
    setDraft,
    dirty,
    setDirty,
    status,
    setStatus,
    error,
    setError,
    editable,
    others,
    threeWay,
    openDraftId,
    save,
    submit,
    withdraw,
    rebase,
  }
}

export type DraftSession = ReturnType<typeof useDraftSession>

/**
 * What an editor shows above its canvas: the outcome of the last action, why the draft was
 * rejected or discarded, its name, the read-only notice while it is in review or approved, other
 * people's open drafts, errors, and the rebase panel.
 */
export function DraftHeader({
  session: s,
  kind,
  username,
  onFocus,
}: {
  session: DraftSession
  kind: DraftKind
  username: string
  onFocus?: (id: string) => void
}) {
  const { draft } = s
  const mine = !!draft && draft.author === username
  return (
    <>
      {s.status && (
        <div className="banner ok" role="status">
          {s.status}
        </div>
      )}
      {draft?.rejectedReason && draft.state === 'rejected' && (
        <div className="banner error">Rejected: {draft.rejectedReason}</div>
      )}
      {draft && (
        <DraftName
          draft={draft}
          canEdit={mine && isOpen(draft) && draft.state !== 'in-review'}
          onChanged={(d) => {
            s.setDraft(d)
            s.setStatus(`Draft renamed "${d.name}".`)
          }}
          onDiscarded={(d) => {
            s.setDraft(d)
            s.setStatus('Draft discarded.')
          }}
        />
      )}
      {draft?.state === 'discarded' && (
        <div className="banner info">
          Discarded by {draft.discardedBy}
          {draft.discardReason ? `: ${draft.discardReason}` : '.'}
        </div>
      )}
      {draft && (draft.state === 'in-review' || draft.state === 'approved') && (
        <div className="banner info row" role="note" aria-label="Read-only draft">
          <span>
            {draft.state === 'in-review'
              ? 'In review: this draft is read-only until it is approved or rejected'
              : `Approved by ${draft.approvedBy ?? 'a reviewer'}: this draft is read-only until it is deployed`}
            {mine ? ', or you withdraw it to change it.' : '.'}
          </span>
          {mine && (
            <button type="button" onClick={() => void s.withdraw()}>
              Withdraw to change it
            </button>
          )}
        </div>
      )}
      <OtherDraftsWarning others={s.others} editorPath={editorPath[kind]} />
      <ErrorBanner error={s.error} />
      {s.openDraftId && (
        <p>
          <Link href={`${editorPath[kind]}?draft=${encodeURIComponent(s.openDraftId)}`}>
            Open your draft
          </Link>
        </p>
      )}
      {s.threeWay && (
        <RebasePanel
          threeWay={s.threeWay}
          canRebase={mine && draft.state !== 'in-review'}
          onRebase={s.rebase}
          onFocus={onFocus}
        />
      )}
    </>
  )
}
