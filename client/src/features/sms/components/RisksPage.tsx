/**
 * The risk register (ISO/IEC 20000-1 4.5.2 j, 4.5.3 d, 6.6.1): a heat map of open risks by
 * likelihood and impact, the register highest score first, and for SMS managers a form to record
 * a risk. Periodic reviews run as the sms-risk-review procedure (tasks in the owners' inbox).
 */
import { useState, type FormEvent } from 'react'
import { formatDateTime } from '../../../lib/format'
import { Empty, ErrorBanner, Loading, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import type { User } from '../../../lib/user'
import { createRisk, isSmsManager, type HeatCell, type Risk } from '../api/sms'

const levels = [5, 4, 3, 2, 1]
const heat = (score: number) => (score >= 15 ? '#f4b4b4' : score >= 8 ? '#f7dca0' : '#cfe8cf')

function HeatMap({ cells }: { cells: HeatCell[] }) {
  const at = (l: number, i: number) => cells.find((c) => c.likelihood === l && c.impact === i)
  return (
    <table
      className="data"
      aria-label="Risk heat map: open risks by likelihood and impact"
      style={{ width: 'auto' }}
    >
      <caption className="muted small">
        Likelihood (rows) × impact (columns); open risks per cell
      </caption>
      <thead>
        <tr>
          <th scope="col">Likelihood \ Impact</th>
          {[1, 2, 3, 4, 5].map((i) => (
            <th key={i} scope="col">
              {i}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {levels.map((l) => (
          <tr key={l}>
            <th scope="row">{l}</th>
            {[1, 2, 3, 4, 5].map((i) => {
              const c = at(l, i)
              return (
                <td
                  key={i}
                  style={{
                    background: heat(l * i),
                    color: '#1a1a1a',
                    textAlign: 'center',
                    minWidth: 48,
                  }}
                  title={c?.ids.join(', ')}
                >
                  {c?.count ? c.count : ''}
                </td>
              )
            })}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function NewRisk({ owner, onCreated }: { owner: string; onCreated: () => void }) {
  const [form, setForm] = useState({
    title: '',
    category: 'service',
    likelihood: 3,
    impact: 3,
    owner,
    treatmentOption: 'reduce',
    treatment: '',
  })
  const [error, setError] = useState<unknown>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      await createRisk(form)
      setError(undefined)
      setForm((f) => ({ ...f, title: '', treatment: '' }))
      onCreated()
    } catch (err) {
      setError(err)
    }
  }
  const set = (k: keyof typeof form, v: string | number) => setForm((f) => ({ ...f, [k]: v }))
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="Record a risk">
      <h2 style={{ marginTop: 0 }}>Record a risk</h2>
      <div className="row" style={{ flexWrap: 'wrap', alignItems: 'end' }}>
        <div className="field">
          <label htmlFor="risk-title">Risk</label>
          <input
            id="risk-title"
            value={form.title}
            onChange={(e) => set('title', e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="risk-category">Category</label>
          <select
            id="risk-category"
            value={form.category}
            onChange={(e) => set('category', e.target.value)}
          >
            {['service', 'sms', 'security', 'continuity'].map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="risk-likelihood">Likelihood (1-5)</label>
          <input
            id="risk-likelihood"
            type="number"
            min={1}
            max={5}
            value={form.likelihood}
            onChange={(e) => set('likelihood', Number(e.target.value))}
          />
        </div>
        <div className="field">
          <label htmlFor="risk-impact">Impact (1-5)</label>
          <input
            id="risk-impact"
            type="number"
            min={1}
            max={5}
            value={form.impact}
            onChange={(e) => set('impact', Number(e.target.value))}
          />
        </div>
        <div className="field">
          <label htmlFor="risk-owner">Owner</label>
          <input
            id="risk-owner"
            value={form.owner}
            onChange={(e) => set('owner', e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="risk-option">Treatment</label>
          <select
            id="risk-option"
            value={form.treatmentOption}
            onChange={(e) => set('treatmentOption', e.target.value)}
          >
            {['reduce', 'avoid', 'transfer', 'accept'].map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="risk-treatment">Treatment plan</label>
          <input
            id="risk-treatment"
            value={form.treatment}
            onChange={(e) => set('treatment', e.target.value)}
          />
        </div>
        <button type="submit">Record risk</button>
      </div>
      <ErrorBanner error={error} />
    </form>
  )
}

export default function RisksPage({ user }: { user: User }) {
  const list = useApi<{ items: Risk[] }>('/sms/risks')
  const map = useApi<{ cells: HeatCell[] }>('/sms/risks/heat-map')
  const items = list.data?.items ?? []
  return (
    <div>
      <h1>Risk register</h1>
      <p className="muted small">
        Risks to the services and the SMS (4.5.2 j, 6.6.1), reviewed at planned intervals by the
        periodic risk review procedure (4.5.3 d).
      </p>
      {isSmsManager(user) && (
        <NewRisk
          owner={user.username}
          onCreated={() => {
            list.reload()
            map.reload()
          }}
        />
      )}
      <ErrorBanner error={list.error ?? map.error} />
      {map.data && <HeatMap cells={map.data.cells} />}
      {list.loading && !list.data && <Loading />}
      {list.data && items.length === 0 && <Empty>No risk recorded yet.</Empty>}
      {items.length > 0 && (
        <table className="data" aria-label="Risks">
          <thead>
            <tr>
              <th>Risk</th>
              <th>Title</th>
              <th>Category</th>
              <th>L × I = score</th>
              <th>Owner</th>
              <th>Treatment</th>
              <th>Status</th>
              <th>Next review</th>
              <th>Linked</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <td>{r.id}</td>
                <td>{r.title}</td>
                <td>{r.category}</td>
                <td>
                  {r.likelihood} × {r.impact} = <strong>{r.score}</strong>
                </td>
                <td>{r.owner}</td>
                <td>
                  {r.treatmentOption}
                  {r.treatment ? `: ${r.treatment}` : ''}
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{formatDateTime(r.nextReviewAt)}</td>
                <td className="small">
                  {[
                    ...r.links.services,
                    ...r.links.cis,
                    ...r.links.changes,
                    ...r.links.improvements,
                  ].join(', ') || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
