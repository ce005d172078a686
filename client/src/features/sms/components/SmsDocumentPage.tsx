/**
 * One controlled document (ISO/IEC 20000-1 4.3.2): its versions with status, author and approver
 * (every version kept), the workflow buttons of the newest version (submit, approve by someone
 * else, make effective, withdraw, record the planned review), distribution and who acknowledged,
 * objectives measured from the records, and its RACI (4.1.3).
 */
import { useState } from 'react'
import { formatDateTime } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { ErrorBanner, Loading, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import {
  acknowledge,
  distribute,
  documentStep,
  isSmsManager,
  type DocumentDetail,
  type DocumentStep,
  type DocumentVersion,
  type MeasuredObjective,
  type Raci,
} from '../api/sms'
import { Markdown } from '../../../lib/Markdown'
import { RaciTable } from './RaciTable'
import { ApproveForm, DraftEditor, InForce, SlaTargets } from './ControlledDocumentPanel'
import { CompareVersions } from './CompareVersions'
import { DeliveryPlanContent } from './DeliveryPlanFields'
import { PlanSectionsContent } from './PlanSections'

function Content({ v, id }: { v: DocumentVersion; id: string }) {
  const data = v.data
  return (
    <div>
      {v.content && <Markdown text={v.content} label={`Text of version ${v.version}`} />}
      {data && 'slaId' in data && <SlaTargets data={data} />}
      {data && !('slaId' in data) && controlledData(data) && (
        <pre aria-label="Structured content">{JSON.stringify(data, null, 2)}</pre>
      )}
      {data && 'services' in data && (
        <dl>
          <dt>Services</dt>
          <dd>{data.services.join(', ')}</dd>
          <dt>Organisation units</dt>
          <dd>{data.organisationUnits.join(', ')}</dd>
          <dt>Locations</dt>
          <dd>{data.locations.join(', ')}</dd>
        </dl>
      )}
      {data && <DeliveryPlanContent data={data} />}
      {data && 'sections' in data && <PlanSectionsContent sections={data.sections} />}
      {v.file && (
        <p>
          File:{' '}
          <a href={`/api/sms/documents/${encodeURIComponent(id)}/versions/${v.version}/file`}>
            {v.file.name}
          </a>
        </p>
      )}
    </div>
  )
}

/** Structured content of the controlled kinds other than SLAs, shown as JSON. */
/** A comma-separated field as a list. */
const listOf = (text: string) =>
  text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)

const controlledData = (data: object) =>
  ['catalogue', 'contractId', 'changeClasses', 'release'].some((k) => k in data)

function Objectives({ id }: { id: string }) {
  const o = useApi<{ items: MeasuredObjective[] }>(
    `/sms/documents/${encodeURIComponent(id)}/objectives`,
  )
  if (!o.data) return <ErrorBanner error={o.error} />
  return (
    <table className="data" aria-label="Objectives">
      <thead>
        <tr>
          <th>Objective</th>
          <th>Measured as</th>
          <th>Target</th>
          <th>Owner</th>
          <th>Last 30 days</th>
        </tr>
      </thead>
      <tbody>
        {o.data.items.map((x) => (
          <tr key={x.title}>
            <td>{x.title}</td>
            <td>{x.measure}</td>
            <td>
              {x.direction === 'at-least' ? '≥' : '≤'} {x.target} {x.unit}
            </td>
            <td>{x.owner}</td>
            <td>
              {x.measured ? (
                <>
                  {x.measured.value} {x.unit}{' '}
                  <StatusBadge status={x.measured.met ? 'met' : 'breached'} />
                </>
              ) : (
                'measured by hand'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

const stepsFor: Record<string, [DocumentStep, string][]> = {
  draft: [['submit', 'Submit for review']],
  'in-review': [['reject', 'Reject']],
  approved: [['effective', 'Make effective']],
  effective: [
    ['review', 'Record review'],
    ['withdraw', 'Withdraw'],
  ],
}

export default function SmsDocumentPage({ id, user }: { id: string; user: User }) {
  const d = useApi<DocumentDetail>(`/sms/documents/${encodeURIComponent(id)}`)
  const raci = useApi<{ items: Raci[] }>('/sms/raci')
  const [error, setError] = useState<unknown>()
  const [groups, setGroups] = useState('')
  const [people, setPeople] = useState('')
  const [editing, setEditing] = useState(false)
  const manager = isSmsManager(user)
  async function act(run: () => Promise<unknown>) {
    try {
      await run()
      setError(undefined)
      d.reload()
    } catch (err) {
      setError(err)
    }
  }
  if (!d.data) return d.error ? <ErrorBanner error={d.error} /> : <Loading />
  const doc = d.data
  const latest = doc.versions[0]
  if (!latest) {
    return (
      <div>
        <h1>
          {doc.id} {doc.title}
        </h1>
        <p>No version deployed yet.</p>
      </div>
    )
  }
  const decision = doc.kind === 'decision'
  const effective = doc.versions.find((v) => v.version === doc.effectiveVersion)
  const canDraft =
    manager &&
    !decision &&
    (latest.status === 'draft'
      ? latest.author === user.username
      : !['in-review', 'approved'].includes(latest.status))
  const mine = doc.acknowledgements.find(
    (a) => a.username === user.username && a.version === doc.effectiveVersion && !a.acknowledgedAt,
  )
  const docRaci = raci.data?.items.find(
    (r) => r.subjectType === 'document' && r.subjectId === doc.id,
  )
  return (
    <div>
      <p>
        <Link href="/sms/documents">SMS documents</Link>
      </p>
      <h1>
        {doc.id} {doc.title}
      </h1>
      <p className="muted small">
        {doc.kind} · owner {doc.owner} · answers {doc.clauses.join(', ')} · review every{' '}
        {doc.reviewIntervalDays} days
        {doc.nextReviewAt ? `, next ${formatDateTime(doc.nextReviewAt)}` : ''}
        {doc.externalSource ? ` · external, from ${doc.externalSource}` : ''}
      </p>
      <ErrorBanner error={error} />
      <section className="card" aria-labelledby="doc-workflow">
        <h2 id="doc-workflow" style={{ marginTop: 0 }}>
          Version {latest.version} <StatusBadge status={latest.status} />
        </h2>
        <InForce doc={doc} />
        {decision && (
          <p>
            Its versions are the deployments of the decision:{' '}
            <Link href="/decisions">draft and approve it in the decision modeler</Link>.
          </p>
        )}
        {manager && !decision && latest.status === 'in-review' && (
          <ApproveForm id={doc.id} onDone={(run) => void act(run)} />
        )}
        {canDraft && (
          <button onClick={() => setEditing(!editing)}>
            {editing
              ? 'Close the draft editor'
              : latest.status === 'draft'
                ? 'Edit draft'
                : 'Draft next version'}
          </button>
        )}
        {canDraft && editing && (
          <DraftEditor
            doc={doc}
            base={latest.status === 'draft' ? latest : (effective ?? latest)}
            onDone={(run) => void act(async () => (await run(), setEditing(false)))}
          />
        )}
        <div className="row">
          {manager &&
            !decision &&
            (stepsFor[latest.status] ?? []).map(([step, label]) => (
              <button key={step} onClick={() => void act(() => documentStep(doc.id, step))}>
                {label}
              </button>
            ))}
          {mine && <button onClick={() => void act(() => acknowledge(doc.id))}>Acknowledge</button>}
        </div>
        {manager && doc.effectiveVersion !== null && (
          <form
            className="row"
            aria-label="Distribute"
            onSubmit={(e) => {
              e.preventDefault()
              void act(() => distribute(doc.id, listOf(groups), listOf(people)))
            }}
          >
            <div className="field">
              <label htmlFor="dist-groups">Distribute to groups (comma separated)</label>
              <input
                id="dist-groups"
                value={groups}
                onChange={(e) => setGroups(e.target.value)}
                placeholder="service-desk, cab"
              />
            </div>
            <div className="field">
              <label htmlFor="dist-users">and to people (user names, comma separated)</label>
              <input
                id="dist-users"
                value={people}
                onChange={(e) => setPeople(e.target.value)}
                placeholder="desk, smsmgr2"
              />
            </div>
            <button type="submit">Distribute</button>
          </form>
        )}
        <Content
          v={doc.versions.find((v) => v.version === doc.effectiveVersion) ?? latest}
          id={doc.id}
        />
        {doc.kind === 'objectives' && <Objectives id={doc.id} />}
      </section>
      <section className="card" aria-labelledby="doc-versions">
        <h2 id="doc-versions" style={{ marginTop: 0 }}>
          Version history
        </h2>
        <table className="data" aria-label="Version history">
          <thead>
            <tr>
              <th>Version</th>
              <th>Status</th>
              <th>Author</th>
              <th>Approved by</th>
              <th>Effective from</th>
              <th>Change</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {doc.versions.map((v) => (
              <tr key={v.version}>
                <td>v{v.version}</td>
                <td>
                  <StatusBadge status={v.status} />
                </td>
                <td>{v.author}</td>
                <td>{v.approvedBy ?? '—'}</td>
                <td>
                  {v.effectiveFrom || v.effectiveAt
                    ? formatDateTime(v.effectiveFrom ?? v.effectiveAt ?? '')
                    : '—'}
                </td>
                <td>{v.changeSummary || '—'}</td>
                <td className="small">{v.sha256.slice(0, 12)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {!decision && <CompareVersions doc={doc} />}
      <section className="card" aria-labelledby="doc-acks">
        <h2 id="doc-acks" style={{ marginTop: 0 }}>
          Distribution and acknowledgement
        </h2>
        <p className="small">
          Distributed to:{' '}
          {[
            ...doc.distribution.groups.map((g) => `group ${g}`),
            ...doc.distribution.roles.map((r) => `role ${r}`),
            ...(doc.distribution.users ?? []),
          ].join(', ') || 'nobody yet'}
        </p>
        {doc.acknowledgements.length === 0 ? (
          <p className="muted">Not distributed yet.</p>
        ) : (
          <table className="data" aria-label="Acknowledgements">
            <thead>
              <tr>
                <th>Person</th>
                <th>Version</th>
                <th>Notified</th>
                <th>Acknowledged</th>
              </tr>
            </thead>
            <tbody>
              {doc.acknowledgements.map((a) => (
                <tr key={`${a.username}-${a.version}`}>
                  <td>{a.username}</td>
                  <td>v{a.version}</td>
                  <td>{formatDateTime(a.notifiedAt)}</td>
                  <td>{a.acknowledgedAt ? formatDateTime(a.acknowledgedAt) : 'open'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {docRaci && (
        <section className="card" aria-labelledby="doc-raci">
          <h2 id="doc-raci" style={{ marginTop: 0 }}>
            Responsibilities (RACI)
          </h2>
          <RaciTable raci={docRaci} label={`RACI of ${doc.id}`} />
          {manager && (
            <p>
              <Link href={`/sms/raci?type=document&id=${encodeURIComponent(doc.id)}`}>
                Edit responsibilities
              </Link>
            </p>
          )}
        </section>
      )}
      {!docRaci && manager && raci.data && (
        <p>
          <Link href={`/sms/raci?type=document&id=${encodeURIComponent(doc.id)}`}>
            Set the responsibilities (RACI) for this document
          </Link>
        </p>
      )}
    </div>
  )
}
