/**
 * The edits of records under change control (ISO/IEC 20000-1 9.2): on an RFC, those it carries
 * (pending until its implementation, `Task_ApplyRecordEdits`, applies them); on a controlled
 * record, those proposed for it through changes.
 */
import { formatDateTime, humanize } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { useServerEvents } from '../../../lib/socket'
import { ErrorBanner, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import {
  editsOfChangePath,
  editsPath,
  pageOfTarget,
  type EditTarget,
  type RecordEdit,
} from '../api/change-control'
import { EditDiff } from './ProposeThroughChange'

/** A patch's fields as diff rows (the value now is not known here). */
const patchRows = (patch: Record<string, unknown>) =>
  Object.entries(patch).flatMap(([k, v]): [string, unknown, unknown][] =>
    k === 'data' && v && typeof v === 'object' && !Array.isArray(v)
      ? Object.entries(v as Record<string, unknown>).map(([dk, dv]) => [humanize(dk), '', dv])
      : [[humanize(k), '', v]],
  )

function EditItem({ edit, showChange }: { edit: RecordEdit; showChange: boolean }) {
  const target = edit.appliedTargetId ?? edit.targetId
  const page = pageOfTarget(edit.targetKind, target)
  const what = `${humanize(edit.targetKind)} ${target ?? '(new)'}`
  return (
    <li className="card" aria-label={`Record edit ${edit.id}`}>
      <div className="row">
        <strong>{page ? <Link href={page}>{what}</Link> : what}</strong>
        {showChange && (
          <span>
            through{' '}
            <Link href={`/cases/changes/${encodeURIComponent(edit.changeId)}`}>
              {edit.changeId}
            </Link>{' '}
            {edit.changeTitle} <StatusBadge status={edit.changeStatus} />
          </span>
        )}
        <span className="spacer" />
        {edit.appliedAt ? (
          <span className="badge ok">Applied {formatDateTime(edit.appliedAt)}</span>
        ) : (
          <span className="badge warn">Pending</span>
        )}
      </div>
      <p className="small muted">
        Proposed by {edit.createdBy} · {formatDateTime(edit.createdAt)}
        {!edit.appliedAt && ' · applied by the change procedure once the change is approved'}
      </p>
      <EditDiff
        rows={patchRows(edit.patch)}
        label={`Fields of record edit ${edit.id}`}
        proposedOnly
      />
    </li>
  )
}

/** The edits an RFC carries. */
export function ChangeRecordEdits({ changeId }: { changeId: string }) {
  const edits = useApi<RecordEdit[]>(editsOfChangePath(changeId))
  useServerEvents(['case.updated'], (_n, p) => {
    if (p.case.caseId === changeId) edits.reload()
  })
  const items = edits.data ?? []
  return (
    <section className="card" aria-labelledby="change-record-edits">
      <h2 id="change-record-edits">Record edits</h2>
      <p className="small muted">
        Edits of records under change control this change makes. Its implementation applies them all
        at once, after a successful deployment (9.2).
      </p>
      <ErrorBanner error={edits.error} />
      {edits.data && !items.length && <p className="muted">None.</p>}
      <ul className="list-plain">
        {items.map((e) => (
          <EditItem key={e.id} edit={e} showChange={false} />
        ))}
      </ul>
    </section>
  )
}

/** The edits proposed for one record through changes, newest first. */
export function EditsOfRecord({
  targetKind,
  targetId,
}: {
  targetKind: EditTarget
  targetId: string
}) {
  const edits = useApi<RecordEdit[]>(editsPath({ targetKind, targetId }))
  useServerEvents(['case.updated'], (_n, p) => {
    if (p.case.caseId === targetId) edits.reload()
  })
  const items = edits.data ?? []
  return (
    <section className="card" aria-labelledby="record-edits-through-changes">
      <h2 id="record-edits-through-changes">Edits through changes</h2>
      <ErrorBanner error={edits.error} />
      {edits.data && !items.length && <p className="muted">None proposed.</p>}
      <ul className="list-plain">
        {items.map((e) => (
          <EditItem key={e.id} edit={e} showChange />
        ))}
      </ul>
    </section>
  )
}
