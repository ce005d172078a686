/**
 * The audit programme of a year (ISO/IEC 20000-1 4.5.4.2): coverage of every clause by the
 * year's audits with earlier results, the gaps, overdue corrective actions, and the audits.
 * SMS managers plan an audit here; its procedure starts with it.
 */
import { useState, type FormEvent } from 'react'
import { formatDateTime } from '../../../lib/format'
import { Link, navigate } from '../../../lib/router'
import { Empty, ErrorBanner, Loading, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import {
  clauses,
  isSmsManager,
  mayPlanAudits,
  planAudit,
  type AuditProgramme,
} from '../api/sms-audit'

function PlanAudit({ year }: { year: number }) {
  const [title, setTitle] = useState('')
  const [chosen, setChosen] = useState<string[]>([])
  const [basis, setBasis] = useState('')
  const [error, setError] = useState<unknown>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      const audit = await planAudit({ title, data: { year, clauses: chosen, basis } })
      navigate(`/sms/audits/${encodeURIComponent(audit.id)}`)
    } catch (err) {
      setError(err)
    }
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="Plan an audit">
      <h2 style={{ marginTop: 0 }}>Plan an audit</h2>
      <ErrorBanner error={error} />
      <div className="field">
        <label htmlFor="audit-title">Title</label>
        <input id="audit-title" value={title} onChange={(e) => setTitle(e.target.value)} required />
      </div>
      <fieldset>
        <legend>Clauses</legend>
        <div className="row" style={{ flexWrap: 'wrap' }}>
          {clauses.map((c) => (
            <label key={c}>
              <input
                type="checkbox"
                checked={chosen.includes(c)}
                onChange={(e) =>
                  setChosen(e.target.checked ? [...chosen, c] : chosen.filter((x) => x !== c))
                }
              />{' '}
              {c}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor="audit-basis">Why (status, importance, earlier results)</label>
        <textarea id="audit-basis" value={basis} onChange={(e) => setBasis(e.target.value)} />
      </div>
      <button type="submit" className="primary">
        Plan audit
      </button>
    </form>
  )
}

export default function ProgrammePage({ user, year }: { user: User; year: number }) {
  const p = useApi<AuditProgramme>(`/sms/audit-programme?year=${year}`)
  return (
    <div>
      <h1>Audit programme</h1>
      <p className="muted small">
        ISO/IEC 20000-1 4.5.4.2: internal audits at planned intervals covering every clause, planned
        from status, importance and earlier results. Auditors never audit their own area.
      </p>
      <div className="row">
        <Link href={`/sms/programme?year=${year - 1}`}>← {year - 1}</Link>
        <strong>{year}</strong>
        <Link href={`/sms/programme?year=${year + 1}`}>{year + 1} →</Link>
      </div>
      <ErrorBanner error={p.error} />
      {p.loading && !p.data && <Loading />}
      {p.data && (
        <>
          <section className="card" aria-labelledby="coverage-h">
            <h2 id="coverage-h">Coverage by clause</h2>
            {p.data.gaps.length > 0 && (
              <p role="status">
                Not covered in {year}: <strong>{p.data.gaps.join(', ')}</strong>
              </p>
            )}
            <table>
              <thead>
                <tr>
                  <th scope="col">Clause</th>
                  <th scope="col">Title</th>
                  <th scope="col">Covered by</th>
                  <th scope="col">Nonconformities (open)</th>
                  <th scope="col">Last audited</th>
                </tr>
              </thead>
              <tbody>
                {p.data.coverage.map((c) => (
                  <tr key={c.clause}>
                    <td>{c.clause}</td>
                    <td>{c.title}</td>
                    <td>
                      {c.covered ? (
                        c.audits.map((a) => (
                          <Link key={a} href={`/sms/audits/${a}`}>
                            {a}{' '}
                          </Link>
                        ))
                      ) : (
                        <span className="muted">gap</span>
                      )}
                    </td>
                    <td>
                      {c.earlierNonconformities} ({c.openNonconformities})
                    </td>
                    <td>{c.lastAuditedAt ? formatDateTime(c.lastAuditedAt) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="audits-h">
            <h2 id="audits-h">Audits</h2>
            {p.data.audits.length === 0 ? (
              <Empty>No audit planned for {year}.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Audit</th>
                    <th scope="col">Title</th>
                    <th scope="col">Clauses</th>
                    <th scope="col">Auditor</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {p.data.audits.map((a) => (
                    <tr key={a.id}>
                      <td>
                        <Link href={`/sms/audits/${a.id}`}>{a.id}</Link>
                      </td>
                      <td>{a.title}</td>
                      <td>{a.clauses.join(', ')}</td>
                      <td>{a.auditor ?? '—'}</td>
                      <td>
                        <StatusBadge status={a.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          {p.data.overdueActions.length > 0 && (
            <section className="card" aria-labelledby="overdue-h">
              <h2 id="overdue-h">Overdue corrective actions</h2>
              <ul>
                {p.data.overdueActions.map((a) => (
                  <li key={a.findingId}>
                    <Link href={`/cases/audit-findings/${a.findingId}`}>{a.findingId}</Link> (
                    {a.clause ?? '?'}), owner {a.owner ?? '?'}, due {a.due}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
      {(isSmsManager(user) || mayPlanAudits(user)) && <PlanAudit year={year} />}
    </div>
  )
}
