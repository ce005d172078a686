/**
 * Continuity and availability for service owners (ISO/IEC 20000-1 6.3): the requirements of each
 * service with the risks they come from, the continuity and availability plans (controlled
 * documents) with their test schedule and last result, a button to test a plan now (its tasks go
 * to the owners' inbox), the tests with their recovery time against the plan's recovery time
 * objective, and availability per service over a chosen period.
 */
import { useState } from 'react'
import { formatDateTime } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { Empty, ErrorBanner, Loading, StatusBadge } from '../../../lib/ui'
import { useApi, withQuery } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import {
  startContinuityTest,
  type ContinuityPlan,
  type ContinuityRequirement,
  type ContinuityTest,
  type ServiceAvailability,
} from '../api/continuity'

const DAY = 86_400_000

function Availability() {
  const [days, setDays] = useState(30)
  const [to] = useState(() => new Date().toISOString())
  const from = new Date(Date.parse(to) - days * DAY).toISOString()
  const { data, error, loading } = useApi<{ items: ServiceAvailability[] }>(
    withQuery('/availability', { from, to }),
  )
  return (
    <section className="card" aria-label="Availability per service">
      <h2 style={{ marginTop: 0 }}>Availability</h2>
      <div className="field">
        <label htmlFor="availability-days">Period (days up to now)</label>
        <select
          id="availability-days"
          value={days}
          onChange={(e) => setDays(Number(e.target.value))}
        >
          {[7, 30, 90, 365].map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </div>
      <ErrorBanner error={error} />
      {loading && !data ? <Loading /> : null}
      {data && !data.items.length ? <Empty>No service has availability targets yet.</Empty> : null}
      {data?.items.length ? (
        <table className="data">
          <thead>
            <tr>
              <th>Service</th>
              <th>Target %</th>
              <th>Measured %</th>
              <th>Unplanned downtime (min)</th>
              <th>Planned (min)</th>
              <th>Met</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((a) => (
              <tr key={a.serviceId}>
                <td>
                  <a href={`/cases/services/${a.serviceId}`}>{a.serviceName}</a>
                </td>
                <td>{a.target ?? '—'}</td>
                <td>{a.availability.toFixed(3)}</td>
                <td>{Math.round(a.downtimeMinutes)}</td>
                <td>{Math.round(a.plannedDowntimeMinutes)}</td>
                <td>{a.met === null ? '—' : a.met ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  )
}

export default function ContinuityPage({ user }: { user: User }) {
  const reqs = useApi<{ items: ContinuityRequirement[] }>('/continuity/requirements')
  const plans = useApi<{ items: ContinuityPlan[] }>('/continuity/plans')
  const tests = useApi<{ items: ContinuityTest[] }>('/continuity/tests')
  const [error, setError] = useState<unknown>()
  const [started, setStarted] = useState<string>()
  const canTest = (p: ContinuityPlan) =>
    user.roles.includes('admin') ||
    (user.roles.includes('staff') &&
      user.groups.some((g) => g.id === p.ownerGroup || g.id === 'sms-managers'))
  async function test(p: ContinuityPlan) {
    try {
      const t = await startContinuityTest(p.documentId)
      setStarted(t.id)
      setError(undefined)
      tests.reload()
      plans.reload()
    } catch (err) {
      setError(err)
    }
  }
  const planOf = (id: string) => plans.data?.items.find((p) => p.documentId === id)
  // the plan's recovery time objective: the strictest of its services' (6.3.1)
  const rtoOf = (planId: string) => {
    const services = planOf(planId)?.services ?? []
    const rtos = (reqs.data?.items ?? [])
      .filter((r) => services.includes(r.serviceId))
      .map((r) => r.rtoMinutes)
    return rtos.length ? Math.min(...rtos) : undefined
  }
  const recovery = (t: ContinuityTest) => {
    const minutes = t.run?.recoveryMinutes
    if (minutes === undefined) return '—'
    const rto = rtoOf(t.planId)
    const met = t.results?.rtoMet
    return `${minutes} of ${rto ?? '—'}${met === undefined ? '' : met ? ' (met)' : ' (missed)'}`
  }
  return (
    <div>
      <h1>Continuity and availability</h1>
      <p className="muted">
        ISO/IEC 20000-1 6.3: requirements from risk assessment, plans under document control, tests
        at planned intervals and after major changes, availability against targets.
      </p>
      <ErrorBanner error={error ?? reqs.error ?? plans.error ?? tests.error} />
      {started ? (
        <p role="status">
          Continuity test {started} started: its tasks are in your group&apos;s{' '}
          <Link href="/inbox">inbox</Link>.
        </p>
      ) : null}
      <section className="card" aria-label="Continuity plans">
        <h2 style={{ marginTop: 0 }}>Plans</h2>
        {plans.data && !plans.data.items.length ? <Empty>No continuity plans yet.</Empty> : null}
        {plans.data?.items.length ? (
          <table className="data">
            <thead>
              <tr>
                <th>Plan</th>
                <th>Services</th>
                <th>Owner group</th>
                <th>Next test</th>
                <th>Last test</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {plans.data.items.map((p) => (
                <tr key={p.documentId}>
                  <td>
                    <a href={`/sms/documents/${p.documentId}`}>{p.title}</a>{' '}
                    <span className="muted small">
                      {p.effectiveVersion ? `v${p.effectiveVersion}` : 'not effective'}
                    </span>
                  </td>
                  <td>{p.services.join(', ')}</td>
                  <td>{p.ownerGroup}</td>
                  <td>{formatDateTime(p.nextTestAt)}</td>
                  <td>
                    {p.lastTest ? (
                      <>
                        {p.lastTest.id} <StatusBadge status={p.lastTest.result ?? 'open'} />
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    {canTest(p) ? (
                      <button type="button" onClick={() => void test(p)}>
                        Test {p.title} now
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <section className="card" aria-label="Continuity tests">
        <h2 style={{ marginTop: 0 }}>Tests</h2>
        {tests.loading && !tests.data ? <Loading /> : null}
        {tests.data && !tests.data.items.length ? <Empty>No tests yet.</Empty> : null}
        {tests.data?.items.length ? (
          <table className="data">
            <thead>
              <tr>
                <th>Test</th>
                <th>Plan</th>
                <th>Why</th>
                <th>Status</th>
                <th>Result</th>
                <th>Recovery vs RTO (min)</th>
                <th>Completed</th>
              </tr>
            </thead>
            <tbody>
              {tests.data.items.map((t) => (
                <tr key={t.id}>
                  <td>{t.id}</td>
                  <td>{planOf(t.planId)?.title ?? t.planId}</td>
                  <td>
                    {t.reason}
                    {t.changeId ? ` (${t.changeId})` : ''}
                  </td>
                  <td>
                    <StatusBadge status={t.status} />
                  </td>
                  <td>{t.result ? <StatusBadge status={t.result} /> : '—'}</td>
                  <td>{recovery(t)}</td>
                  <td>{t.completedAt ? formatDateTime(t.completedAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <section className="card" aria-label="Continuity requirements">
        <h2 style={{ marginTop: 0 }}>Requirements per service</h2>
        {reqs.data && !reqs.data.items.length ? <Empty>No requirements yet.</Empty> : null}
        {reqs.data?.items.length ? (
          <table className="data">
            <thead>
              <tr>
                <th>Service</th>
                <th>Availability target %</th>
                <th>RTO (min)</th>
                <th>RPO (min)</th>
                <th>From risks</th>
              </tr>
            </thead>
            <tbody>
              {reqs.data.items.map((r) => (
                <tr key={r.serviceId}>
                  <td>{r.serviceName}</td>
                  <td>{r.availabilityTarget}</td>
                  <td>{r.rtoMinutes}</td>
                  <td>{r.rpoMinutes}</td>
                  <td>{r.risks.map((k) => `${k.id} ${k.title} (${k.score})`).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <Availability />
    </div>
  )
}
