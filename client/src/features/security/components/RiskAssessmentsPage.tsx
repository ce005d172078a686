/**
 * Information security risk assessments (ISO/IEC 20000-1 6.6.1): the assessments done at planned
 * intervals by security-risk-assessment.bpmn — when, their state, how many risks were assessed and
 * whether treatment was needed — and one assessment: each security risk with its score, owner,
 * treatment and the controls treating it, the findings and the planned actions. Read-only: the
 * assessment's steps are done through the inbox.
 */
import { Link } from '../../../lib/router'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import {
  assessmentStateLabel,
  treatmentNeededLabel,
  type SecurityRiskAssessment,
} from '../api/risk-assessments'

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—')

function AssessmentList() {
  const list = useApi<{ items: SecurityRiskAssessment[] }>('/security/risk-assessments')
  return (
    <div>
      <h1>Security risk assessments</h1>
      <p className="muted">
        ISO/IEC 20000-1 6.6.1: the information security risks are assessed at planned intervals;
        where treatment is needed it is planned with actions, an owner and a due date.
      </p>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && !list.data.items.length ? <Empty>No assessments yet.</Empty> : null}
      {list.data?.items.length ? (
        <table className="data" aria-label="Security risk assessments">
          <thead>
            <tr>
              <th>Reference</th>
              <th>Date</th>
              <th>State</th>
              <th>Risks assessed</th>
              <th>Treatment needed</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link href={`/security/risk-assessments/${a.id}`}>{a.id}</Link>
                </td>
                <td>{day(a.completedAt ?? a.createdAt)}</td>
                <td>{assessmentStateLabel(a)}</td>
                <td>{a.risks.length}</td>
                <td>{treatmentNeededLabel(a)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  )
}

function AssessmentDetail({ id }: { id: string }) {
  const one = useApi<SecurityRiskAssessment>(`/security/risk-assessments/${id}`)
  const a = one.data
  return (
    <div>
      <p>
        <Link href="/security/risk-assessments">All security risk assessments</Link>
      </p>
      <h1>Security risk assessment {id}</h1>
      <ErrorBanner error={one.error} />
      {one.loading && !a ? <Loading /> : null}
      {a ? (
        <>
          <dl>
            <dt>State</dt>
            <dd>{assessmentStateLabel(a)}</dd>
            <dt>Period</dt>
            <dd>
              {day(a.periodStart)} to {day(a.periodEnd)}
            </dd>
            <dt>Assessed by</dt>
            <dd>{a.assessedBy ?? '—'}</dd>
            <dt>Completed</dt>
            <dd>{day(a.completedAt)}</dd>
          </dl>
          <h2>Risks assessed</h2>
          {a.risks.length ? (
            <table className="data" aria-label="Risks assessed">
              <thead>
                <tr>
                  <th>Risk</th>
                  <th>Score (likelihood × impact)</th>
                  <th>Owner</th>
                  <th>Treatment</th>
                  <th>Controls</th>
                </tr>
              </thead>
              <tbody>
                {a.risks.map((r) => (
                  <tr key={r.riskId}>
                    <td>
                      {r.title}
                      <div className="muted small">
                        {r.riskId} · {r.status}
                        {r.reviewOverdue ? ' · review overdue' : ''}
                      </div>
                    </td>
                    <td>
                      {r.score} ({r.likelihood} × {r.impact})
                    </td>
                    <td>{r.owner}</td>
                    <td>{r.treatment || '—'}</td>
                    <td>
                      {r.controls.length
                        ? r.controls.map((c) => `${c.reference} (${c.status})`).join(', ')
                        : 'None'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <Empty>No security risks were in the register.</Empty>
          )}
          <section aria-label="Results">
            <h2>Results</h2>
            {a.assessment ? (
              <dl>
                <dt>Findings</dt>
                <dd>{a.assessment.findings ?? '—'}</dd>
                <dt>Changes to the risks</dt>
                <dd>{a.assessment.riskChanges ?? '—'}</dd>
                <dt>Treatment needed</dt>
                <dd>{treatmentNeededLabel(a)}</dd>
              </dl>
            ) : (
              <p className="muted">Not yet assessed.</p>
            )}
          </section>
          <section aria-label="Planned actions">
            <h2>Planned actions</h2>
            {a.treatment ? (
              <dl>
                <dt>Plan</dt>
                <dd>{a.treatment.plan ?? '—'}</dd>
                <dt>Actions</dt>
                <dd>{a.treatment.actions ?? '—'}</dd>
                <dt>Owner</dt>
                <dd>{a.treatment.actionOwner ?? '—'}</dd>
                <dt>Due</dt>
                <dd>{a.treatment.actionDue ?? '—'}</dd>
              </dl>
            ) : (
              <p className="muted">No treatment planned.</p>
            )}
          </section>
        </>
      ) : null}
    </div>
  )
}

export default function RiskAssessmentsPage({ id }: { id: string | null }) {
  return id ? <AssessmentDetail id={id} /> : <AssessmentList />
}
