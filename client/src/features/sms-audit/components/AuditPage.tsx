/**
 * One internal audit (ISO/IEC 20000-1 4.5.4.2): its plan (scope, criteria, auditor, dates), the
 * checklist per clause, the findings with their corrective actions and verification, and the
 * report to management. Internal auditors record findings here; the audit's steps (plan,
 * conduct, corrective actions, verification) are worked in the inbox.
 */
import { useState, type FormEvent } from 'react'
import { formatDateTime } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { Empty, ErrorBanner, Loading, Props, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import {
  clauses,
  mayRecordFindings,
  recordFinding,
  type Finding,
  type SmsRecord,
} from '../api/sms-audit'

const text = (v: unknown) => (v === undefined || v === null || v === '' ? '—' : String(v))

function NewFinding({ auditId, onRecorded }: { auditId: string; onRecorded: () => void }) {
  const [title, setTitle] = useState('')
  const [clause, setClause] = useState<string>(clauses[0])
  const [findingType, setType] = useState('nonconformity')
  const [severity, setSeverity] = useState('minor')
  const [description, setDescription] = useState('')
  const [evidence, setEvidence] = useState('')
  const [error, setError] = useState<unknown>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      await recordFinding({
        title,
        data: {
          audit: auditId,
          clause,
          findingType,
          ...(findingType === 'nonconformity' ? { severity } : {}),
          description,
          evidence,
        },
      })
      setTitle('')
      setDescription('')
      setEvidence('')
      setError(undefined)
      onRecorded()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="Record a finding">
      <h2 style={{ marginTop: 0 }}>Record a finding</h2>
      <ErrorBanner error={error} />
      <div className="row" style={{ flexWrap: 'wrap', alignItems: 'end' }}>
        <div className="field">
          <label htmlFor="finding-title">Title</label>
          <input
            id="finding-title"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="finding-clause">Clause</label>
          <select id="finding-clause" value={clause} onChange={(e) => setClause(e.target.value)}>
            {clauses.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="finding-type">Type</label>
          <select id="finding-type" value={findingType} onChange={(e) => setType(e.target.value)}>
            <option value="nonconformity">Nonconformity</option>
            <option value="observation">Observation</option>
            <option value="opportunity">Opportunity for improvement</option>
          </select>
        </div>
        {findingType === 'nonconformity' && (
          <div className="field">
            <label htmlFor="finding-severity">Severity</label>
            <select
              id="finding-severity"
              value={severity}
              onChange={(e) => setSeverity(e.target.value)}
            >
              <option value="major">Major</option>
              <option value="minor">Minor</option>
            </select>
          </div>
        )}
      </div>
      <div className="field">
        <label htmlFor="finding-description">Description</label>
        <textarea
          id="finding-description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="finding-evidence">Evidence (records seen)</label>
        <textarea
          id="finding-evidence"
          value={evidence}
          onChange={(e) => setEvidence(e.target.value)}
        />
      </div>
      <button type="submit" className="primary">
        Record finding
      </button>
    </form>
  )
}

export default function AuditPage({ user, id }: { user: User; id: string }) {
  const audit = useApi<SmsRecord>(`/internal-audits/${encodeURIComponent(id)}`)
  const findings = useApi<{ items: Finding[] }>(`/sms/audits/${encodeURIComponent(id)}/findings`)
  const d = audit.data?.data ?? {}
  const checklist = Array.isArray(d.checklist)
    ? (d.checklist as { clause?: string; result?: string; evidence?: string }[])
    : []
  return (
    <div>
      <h1>Internal audit {id}</h1>
      <p>
        <Link href="/sms/programme">Audit programme</Link> ·{' '}
        <Link href={`/cases/internal-audits/${id}`}>Record and history</Link>
      </p>
      <ErrorBanner error={audit.error ?? findings.error} />
      {audit.loading && !audit.data && <Loading />}
      {audit.data && (
        <>
          <section className="card" aria-labelledby="plan-h">
            <h2 id="plan-h">Audit plan</h2>
            <Props
              entries={[
                ['Title', audit.data.title],
                ['Status', <StatusBadge key="s" status={audit.data.status} />],
                ['Clauses', Array.isArray(d.clauses) ? (d.clauses as string[]).join(', ') : '—'],
                ['Scope', text(d.scope)],
                ['Criteria', text(d.criteria)],
                ['Auditor', text(audit.data.assignee)],
                ['Planned', `${text(d.plannedStart)} – ${text(d.plannedEnd)}`],
                ['Why planned', text(d.basis)],
              ]}
            />
          </section>
          <section className="card" aria-labelledby="checklist-h">
            <h2 id="checklist-h">Checklist per clause</h2>
            {checklist.length === 0 ? (
              <Empty>Not audited yet.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Clause</th>
                    <th scope="col">Result</th>
                    <th scope="col">Evidence seen</th>
                  </tr>
                </thead>
                <tbody>
                  {checklist.map((c, i) => (
                    <tr key={i}>
                      <td>{text(c.clause)}</td>
                      <td>{text(c.result)}</td>
                      <td>{text(c.evidence)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card" aria-labelledby="findings-h">
            <h2 id="findings-h">Findings</h2>
            {(findings.data?.items.length ?? 0) === 0 ? (
              <Empty>No findings recorded.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Finding</th>
                    <th scope="col">Clause</th>
                    <th scope="col">Type</th>
                    <th scope="col">Corrective action</th>
                    <th scope="col">Owner</th>
                    <th scope="col">Due</th>
                    <th scope="col">Verified</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {findings.data?.items.map((f) => (
                    <tr key={f.id}>
                      <td>
                        <Link href={`/cases/audit-findings/${f.id}`}>{f.id}</Link>
                      </td>
                      <td>{text(f.data.clause)}</td>
                      <td>
                        {text(f.data.findingType)}
                        {f.data.severity ? ` (${String(f.data.severity)})` : ''}
                      </td>
                      <td>{text(f.data.correctiveAction)}</td>
                      <td>{text(f.assignee)}</td>
                      <td>{text(f.data.actionDue)}</td>
                      <td>
                        {f.data.verified
                          ? `by ${text(f.data.verifiedBy)} ${formatDateTime(String(f.data.verifiedAt ?? ''))}`
                          : '—'}
                      </td>
                      <td>
                        <StatusBadge status={f.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          {typeof d.report === 'string' && (
            <section className="card" aria-labelledby="report-h">
              <h2 id="report-h">Report to management</h2>
              <pre style={{ whiteSpace: 'pre-wrap' }}>{d.report}</pre>
            </section>
          )}
          {mayRecordFindings(user) && audit.data.status !== 'closed' && (
            <NewFinding auditId={id} onRecorded={findings.reload} />
          )}
        </>
      )}
    </div>
  )
}
