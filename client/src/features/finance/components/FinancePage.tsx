/**
 * Budgeting and accounting for services (ISO/IEC 20000-1 6.4): each budget of the year against
 * the actual costs of its period — budget to date, actual (direct and apportioned indirect),
 * variance, forecast and the threshold whose breach raises an improvement or an RFC — the costs
 * without a budget, the apportionment rules, and for finance: recording a budget by cost
 * category, submitting one's own draft for approval (budget-approval.bpmn: the service owners
 * endorse it and another finance member decides, through the inbox), and importing actual costs as CSV (all rows or none: each
 * bad row is named).
 */
import { useState, type FormEvent } from 'react'
import { ApiError } from '../../../lib/api'
import { toast } from '../../../lib/toast'
import type { User } from '../../../lib/user'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import {
  budgetStateLabel,
  categoryLabels,
  costCategories,
  createBudget,
  importCosts,
  submitBudget,
  type ApportionmentRule,
  type Budget,
  type Statements,
} from '../api/finance'

const periodLabel = (year: number, quarter: number | null) =>
  quarter ? `Q${quarter} ${year}` : String(year)
const over = (s: { exceeded: boolean }) => (s.exceeded ? '#f4b4b4' : undefined)

function BudgetForm({ year, onDone }: { year: number; onDone: () => void }) {
  const services = useApi<
    { items?: { id: string; name: string }[] } | { id: string; name: string }[]
  >('/services?limit=200')
  const list = Array.isArray(services.data) ? services.data : (services.data?.items ?? [])
  const [serviceId, setServiceId] = useState('')
  const [quarter, setQuarter] = useState('')
  const [currency, setCurrency] = useState('EUR')
  const [threshold, setThreshold] = useState('10')
  const [action, setAction] = useState<'improvement' | 'change'>('improvement')
  const [amounts, setAmounts] = useState<Record<string, string>>({})
  const [error, setError] = useState<unknown>()
  const [result, setResult] = useState<string>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      const b = await createBudget({
        serviceId,
        fiscalYear: year,
        quarter: quarter ? Number(quarter) : null,
        currency,
        lines: costCategories
          .filter((c) => (amounts[c] ?? '').trim() !== '')
          .map((c) => ({ category: c, amount: amounts[c]!.trim() })),
        varianceThresholdPercent: threshold,
        breachAction: action,
      })
      setResult(`Budget ${b.id} recorded (${b.total} ${b.currency}); submit it for approval.`)
      setError(undefined)
      onDone()
    } catch (err) {
      setResult(undefined)
      setError(err)
    }
  }
  return (
    <form className="card" aria-label="Record a budget" onSubmit={(e) => void submit(e)}>
      <h2 style={{ marginTop: 0 }}>Record a budget for {year}</h2>
      <div className="field">
        <label htmlFor="budget-service">Service</label>
        <select
          id="budget-service"
          required
          value={serviceId}
          onChange={(e) => setServiceId(e.target.value)}
        >
          <option value="">Choose a service</option>
          {list.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="budget-quarter">Period</label>
        <select id="budget-quarter" value={quarter} onChange={(e) => setQuarter(e.target.value)}>
          <option value="">Whole year</option>
          {[1, 2, 3, 4].map((q) => (
            <option key={q} value={q}>
              Q{q}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="budget-currency">Currency</label>
        <input
          id="budget-currency"
          value={currency}
          maxLength={3}
          onChange={(e) => setCurrency(e.target.value.toUpperCase())}
        />
      </div>
      <fieldset>
        <legend>Amount per cost category</legend>
        {costCategories.map((c) => (
          <div className="field" key={c}>
            <label htmlFor={`budget-${c}`}>{categoryLabels[c]}</label>
            <input
              id={`budget-${c}`}
              inputMode="decimal"
              value={amounts[c] ?? ''}
              onChange={(e) => setAmounts({ ...amounts, [c]: e.target.value })}
            />
          </div>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="budget-threshold">Variance threshold (%)</label>
        <input
          id="budget-threshold"
          inputMode="decimal"
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="budget-action">When the forecast exceeds it, raise</label>
        <select
          id="budget-action"
          value={action}
          onChange={(e) => setAction(e.target.value as 'improvement' | 'change')}
        >
          <option value="improvement">an improvement</option>
          <option value="change">a request for change</option>
        </select>
      </div>
      <ErrorBanner error={error} />
      {result ? <p role="status">{result}</p> : null}
      <button type="submit">Record budget</button>
    </form>
  )
}

function Import({ onDone }: { onDone: () => void }) {
  const [csv, setCsv] = useState(
    'incurredOn,category,amount,currency,serviceId,ruleId,description\n',
  )
  const [error, setError] = useState<unknown>()
  const [result, setResult] = useState<string>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      const r = await importCosts(csv)
      const totals = Object.entries(r.total)
        .map(([c, v]) => `${v} ${c}`)
        .join(', ')
      setResult(
        `${r.stored} costs stored (${totals})${r.raised.length ? `; raised ${r.raised.join(', ')}` : ''}.`,
      )
      setError(undefined)
      onDone()
    } catch (err) {
      setResult(undefined)
      setError(err)
    }
  }
  const rows = error instanceof ApiError ? error.errors : []
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="Import costs">
      <h2 style={{ marginTop: 0 }}>Import actual costs (CSV)</h2>
      <div className="field">
        <label htmlFor="finance-csv">
          incurredOn,category,amount,currency,serviceId or ruleId (optional behaviour, expense,
          contractId, caseId, description) — one cost a line
        </label>
        <textarea id="finance-csv" rows={6} value={csv} onChange={(e) => setCsv(e.target.value)} />
      </div>
      <ErrorBanner error={error} />
      {rows.length ? (
        <ul aria-label="Rows refused">
          {rows.map((r) => (
            <li key={r.path}>{r.message}</li>
          ))}
        </ul>
      ) : null}
      {result ? <p role="status">{result}</p> : null}
      <button type="submit">Import</button>
    </form>
  )
}

export default function FinancePage({ user }: { user: User }) {
  const [year, setYear] = useState(new Date().getUTCFullYear())
  const statements = useApi<Statements>(`/finance/budget-vs-actual?year=${year}`)
  const budgets = useApi<{ items: Budget[] }>(`/finance/budgets?year=${year}`)
  const rules = useApi<{ items: ApportionmentRule[] }>('/finance/rules')
  const [error, setError] = useState<unknown>()
  const isFinance =
    user.roles.includes('admin') ||
    (user.roles.includes('staff') && user.groups.some((g) => g.id === 'finance'))
  const reload = () => {
    statements.reload()
    budgets.reload()
  }
  async function submit(b: Budget) {
    try {
      await submitBudget(b.id, b.version)
      setError(undefined)
      toast(`${b.id} submitted for approval; the service owners review it next.`)
      reload()
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 403
          ? new Error(`You may not submit ${b.id}: ${err.message}`)
          : err instanceof ApiError && err.status === 409
            ? new Error(`${b.id} cannot be submitted now: ${err.message}`)
            : err,
      )
    }
  }
  const closed = (budgets.data?.items ?? []).filter(
    (b) => b.status === 'rejected' || b.status === 'superseded',
  )
  const data = statements.data
  return (
    <div>
      <h1>Budgets and costs</h1>
      <p className="muted">
        ISO/IEC 20000-1 6.4: budgets per service and period, actual costs (direct, and indirect
        apportioned by rule), variance and forecast; a forecast over the threshold raises an
        improvement or a request for change.
      </p>
      <div className="field">
        <label htmlFor="finance-year">Year</label>
        <input
          id="finance-year"
          type="number"
          value={year}
          min={2000}
          max={2100}
          onChange={(e) => setYear(Number(e.target.value))}
        />
      </div>
      <ErrorBanner error={statements.error ?? error} />
      {statements.loading && !data ? <Loading /> : null}
      {data && !data.items.length ? <Empty>No budgets for {year}.</Empty> : null}
      {data?.items.length ? (
        <table className="data" aria-label="Budget against actual">
          <caption className="muted small">As of {data.asOf}</caption>
          <thead>
            <tr>
              <th>Service</th>
              <th>Period</th>
              <th>Status</th>
              <th>Budget</th>
              <th>Budget to date</th>
              <th>Actual (direct + indirect)</th>
              <th>Variance</th>
              <th>Forecast</th>
              <th>Forecast variance</th>
              <th>Threshold</th>
              <th>Raised</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((s) => {
              const b = budgets.data?.items.find((x) => x.id === s.budgetId)
              return (
                <tr key={s.budgetId}>
                  <td>
                    {s.serviceName}
                    <div className="muted small">{s.budgetId}</div>
                  </td>
                  <td>{periodLabel(s.fiscalYear, s.quarter)}</td>
                  <td>
                    {budgetStateLabel(b ?? s)}
                    {b &&
                    b.status === 'draft' &&
                    !b.processInstanceKey &&
                    isFinance &&
                    b.createdBy === user.username ? (
                      <div>
                        <button type="button" onClick={() => void submit(b)}>
                          Submit {s.budgetId} for approval
                        </button>
                      </div>
                    ) : null}
                    {b?.status === 'draft' && b.processInstanceKey ? (
                      <div className="muted small">its proposer revises it from the inbox</div>
                    ) : null}
                  </td>
                  <td>
                    {s.budget} {s.currency}
                  </td>
                  <td>{s.budgetToDate}</td>
                  <td>
                    {s.actual} ({s.direct} + {s.indirect})
                  </td>
                  <td>
                    {s.variance}
                    {s.variancePercent !== null ? ` (${s.variancePercent}%)` : ''}
                  </td>
                  <td>{s.forecast}</td>
                  <td style={{ background: over(s), color: '#1a1a1a' }}>
                    {s.forecastVariance}
                    {s.forecastVariancePercent !== null ? ` (${s.forecastVariancePercent}%)` : ''}
                    {s.exceeded ? ' over threshold' : ''}
                  </td>
                  <td>{s.thresholdPercent}%</td>
                  <td>{s.openAction ?? '—'}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      ) : null}
      {closed.length ? (
        <section aria-label="Rejected and superseded budgets">
          <h2>Rejected and superseded budgets</h2>
          <ul>
            {closed.map((b) => (
              <li key={b.id}>
                {b.id} {b.serviceName} {periodLabel(b.fiscalYear, b.quarter)}: {b.total}{' '}
                {b.currency} — {budgetStateLabel(b)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {data?.unbudgeted.length ? (
        <section aria-label="Costs without a budget">
          <h2>Costs without a budget</h2>
          <ul>
            {data.unbudgeted.map((u) => (
              <li key={`${u.serviceId}-${u.currency}`}>
                {u.serviceName}: {u.actual} {u.currency}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {rules.data?.items.length ? (
        <section aria-label="Apportionment rules">
          <h2>Apportionment of indirect costs</h2>
          <ul>
            {rules.data.items.map((r) => (
              <li key={r.id}>
                {r.id} {r.name} ({r.basis}):{' '}
                {r.shares.map((s) => `${s.serviceName} ${s.percent}%`).join(', ')}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {isFinance ? (
        <>
          <BudgetForm year={year} onDone={reload} />
          <Import onDone={reload} />
        </>
      ) : null}
    </div>
  )
}
