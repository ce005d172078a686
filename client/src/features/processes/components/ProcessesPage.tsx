/**
 * Processes under document control (4.3.2): versions with state, approver and instances per
 * version; drafts with approve (not by the author), reject, and deploy (administrators).
 */
import { useState } from 'react'
import { api } from '../../../lib/api'
import { formatDateTime } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { useServerEvents } from '../../../lib/socket'
import { Empty, ErrorBanner, Loading, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { hasRole, type User } from '../../../lib/user'
import type { DecisionFile } from '../../modeler'
import { DecisionVersions, ProcedureDecisions } from './Decisions'
import { MigrationDialog } from './MigrationDialog'

interface Draft {
  id: string
  bpmnProcessId: string
  /** The author's name for the change. */
  name: string
  state: string
  author: string
  submittedAt: string | null
  approvedBy: string | null
  approvalComment?: string | null
  rejectedReason: string | null
  lint: { id: string; message: string; category: string }[]
  version: number
  /** Forms the draft changes; approving the draft approves them too (4.3.2). */
  forms?: string[]
  /** `decision`: a draft of a `.dmn` (edited in the decision editor). */
  kind?: 'process' | 'decision'
}
interface Version {
  version: number
  processDefinitionKey: string
  state: string
  deployedAt: string
  deployedBy: string
  approvedBy: string | null
  runningInstances: number
  completedInstances: number
}
interface Process {
  bpmnProcessId: string
  name: string
  latestVersion: number
  versions: Version[]
  drafts: Draft[]
}

/** Open drafts (draft, in review, approved, rejected): one per document and author (4.3.2). */
const isOpen = (d: { state: string }) => ['draft', 'in-review', 'approved', 'rejected'].includes(d.state)

/** More than one open draft of a document: whichever is deployed first, the others rebase. */
function OpenDraftsWarning({ open, user }: { open: Draft[]; user: User }) {
  if (open.length < 2) return null
  const others = open.filter((d) => d.author !== user.username)
  return (
    <div className="banner warn" role="note" aria-label="Several open drafts">
      {open.length} open drafts change this
      {others.length > 0 && open.length > others.length
        ? ` (${others.map((d) => d.author).join(', ')} besides you)`
        : ''}
      . Whichever is deployed first, the others must be rebased on it before they can be deployed.
    </div>
  )
}

function DraftRow({ d, user, onDone }: { d: Draft; user: User; onDone: () => void }) {
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const act = async (action: string, body: Record<string, unknown> = {}) => {
    setBusy(true)
    setError(undefined)
    try {
      await api(`/process-drafts/${encodeURIComponent(d.id)}/${action}`, { method: 'POST', body: { ...body, version: d.version } })
      onDone()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const errors = d.lint.filter((l) => l.category === 'error').length
  const canReview = d.state === 'in-review' && d.author !== user.username && hasRole(user, 'process-owner', 'admin')
  return (
    <tr data-draft-id={d.id}>
      <td>
        <Link href={`/${d.kind === 'decision' ? 'decisions' : 'modeler'}?draft=${encodeURIComponent(d.id)}`}>
          {d.name || `Draft ${d.id.slice(0, 8)}`}
        </Link>
      </td>
      <td>
        <StatusBadge status={d.state} />
        {d.rejectedReason && <div className="small muted">{d.rejectedReason}</div>}
        {d.state === 'approved' && d.approvalComment && <div className="small muted">{d.approvalComment}</div>}
      </td>
      <td>{d.author}</td>
      <td>{formatDateTime(d.submittedAt)}</td>
      <td>{d.approvedBy ?? '—'}</td>
      <td>{errors ? <span className="badge danger">{errors} lint errors</span> : <span className="badge ok">clean</span>}</td>
      {d.kind !== 'decision' && <td>{d.forms?.length ? d.forms.join(', ') : '—'}</td>}
      <td>
        <div className="row">
          {canReview && d.kind !== 'decision' && (
            <Link href={`/modeler?draft=${encodeURIComponent(d.id)}`}>Review changes</Link>
          )}
          {canReview && (
            <>
              <button className="primary" disabled={busy} onClick={() => void act('approve')}>
                Approve
              </button>
              <button
                className="danger"
                disabled={busy}
                onClick={() => {
                  const reason = window.prompt('Why is it rejected? (required)')
                  if (reason?.trim()) void act('reject', { reason })
                }}
              >
                Reject
              </button>
            </>
          )}
          {d.state === 'in-review' && d.author === user.username && <span className="small muted">awaiting another approver</span>}
          {d.state === 'approved' && hasRole(user, 'admin') && (
            <button className="primary" disabled={busy} onClick={() => void act('deploy')}>
              Deploy
            </button>
          )}
        </div>
        <ErrorBanner error={error} />
      </td>
    </tr>
  )
}

export default function ProcessesPage({ user }: { user: User }) {
  const { data, error, loading, reload } = useApi<Process[]>('/processes')
  const decisions = useApi<DecisionFile[]>('/decisions')
  // the procedure whose migration panel is open (administrators and auditors)
  const [migrating, setMigrating] = useState<string>()
  useServerEvents(['process.changed'], () => {
    reload()
    decisions.reload()
  })
  return (
    <div>
      <div className="row">
        <h1>Processes</h1>
        <span className="spacer" />
        {hasRole(user, 'process-owner', 'admin') && (
          <Link className="btn" href="/modeler">
            Open modeler
          </Link>
        )}
      </div>
      <ErrorBanner error={error} />
      {loading && !data && <Loading />}
      {data?.length === 0 && <Empty>No processes deployed.</Empty>}
      {data?.map((p) => {
        const open = p.drafts.filter(isOpen)
        return (
          <section key={p.bpmnProcessId} className="card" aria-labelledby={`p-${p.bpmnProcessId}`} data-process-id={p.bpmnProcessId}>
            <div className="row">
              <h2 id={`p-${p.bpmnProcessId}`}>
                {p.name} <span className="muted small">{p.bpmnProcessId}</span>
              </h2>
              <span className="spacer" />
              {hasRole(user, 'admin', 'auditor') && p.versions.length > 1 && (
                <button onClick={() => setMigrating(migrating === p.bpmnProcessId ? undefined : p.bpmnProcessId)}>
                  Migrate instances
                </button>
              )}
              {hasRole(user, 'process-owner', 'admin') && (
                <Link
                  href={`/modeler?process=${encodeURIComponent(p.bpmnProcessId)}`}
                  title={open.some((d) => d.author === user.username) ? 'Reopens your open draft' : undefined}
                >
                  Edit
                </Link>
              )}
            </div>
            {migrating === p.bpmnProcessId && (
              <MigrationDialog
                bpmnProcessId={p.bpmnProcessId}
                name={p.name}
                versions={p.versions}
                canMigrate={hasRole(user, 'admin')}
                onClose={() => setMigrating(undefined)}
                onMigrated={reload}
              />
            )}
            <ProcedureDecisions bpmnProcessId={p.bpmnProcessId} files={decisions.data ?? []} user={user} />
            <table className="data fixed" aria-label={`Versions of ${p.name}`}>
              <thead>
                <tr>
                  <th>Version</th>
                  <th>State</th>
                  <th>Deployed</th>
                  <th>By</th>
                  <th>Approved by</th>
                  <th>Running</th>
                  <th>Completed</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {p.versions.map((v) => (
                  <tr key={v.version}>
                    <td>v{v.version}</td>
                    <td>
                      <StatusBadge status={v.state} />
                    </td>
                    <td>{formatDateTime(v.deployedAt)}</td>
                    <td>{v.deployedBy}</td>
                    <td>{v.approvedBy ?? '—'}</td>
                    <td>{v.runningInstances}</td>
                    <td>{v.completedInstances}</td>
                    <td>
                      {hasRole(user, 'auditor', 'admin', 'process-owner') && (
                        <Link href={`/replay?process=${encodeURIComponent(p.bpmnProcessId)}&version=${v.version}`}>Instances</Link>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <OpenDraftsWarning open={open} user={user} />
            {open.length > 0 && (
              <table className="data" aria-label={`Drafts of ${p.name}`} style={{ marginTop: '0.5rem' }}>
                <thead>
                  <tr>
                    <th>Draft</th>
                    <th>State</th>
                    <th>Author</th>
                    <th>Submitted</th>
                    <th>Approved by</th>
                    <th>Lint</th>
                    <th>Forms changed</th>
                    <th>Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {open.map((d) => (
                    <DraftRow key={d.id} d={d} user={user} onDone={reload} />
                  ))}
                </tbody>
              </table>
            )}
          </section>
        )
      })}
      <h2 id="decisions-title">Decisions</h2>
      <ErrorBanner error={decisions.error} />
      {decisions.data?.map((f) => {
        const open = f.drafts.filter(isOpen)
        return (
          <section
            key={f.decisionRequirementsId}
            className="card"
            aria-labelledby={`d-${f.decisionRequirementsId}`}
            data-decisions-id={f.decisionRequirementsId}
          >
            <div className="row">
              <h2 id={`d-${f.decisionRequirementsId}`}>
                {f.name} <span className="muted small">{f.resourceName}</span>
              </h2>
              <span className="spacer" />
              {hasRole(user, 'process-owner', 'admin') && (
                <Link href={`/decisions?id=${encodeURIComponent(f.decisionRequirementsId)}`}>Edit decision</Link>
              )}
            </div>
            <p className="small muted">
              Evaluated by:{' '}
              {[...new Set(f.calledBy.map((c) => `${c.bpmnProcessId} v${c.version} → v${c.decisionVersion}`))].join(', ') ||
                'no procedure'}
            </p>
            <DecisionVersions file={f} />
            {open.length > 0 && (
              <table className="data" aria-label={`Drafts of ${f.name}`} style={{ marginTop: '0.5rem' }}>
                <thead>
                  <tr>
                    <th>Draft</th>
                    <th>State</th>
                    <th>Author</th>
                    <th>Submitted</th>
                    <th>Approved by</th>
                    <th>Lint</th>
                    <th>Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {open.map((d) => (
                    <DraftRow
                      key={d.id}
                      d={{ ...d, kind: 'decision' }}
                      user={user}
                      onDone={() => {
                        reload()
                        decisions.reload()
                      }}
                    />
                  ))}
                </tbody>
              </table>
            )}
          </section>
        )
      })}
    </div>
  )
}
