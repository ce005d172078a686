/** CI baselines (9.1): named snapshots of a set of CIs; take one, open one to see its CIs. */
import { useState, type FormEvent } from 'react'
import { api } from '../../../lib/api'
import { formatDateTime, formatValue } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { field, normalizeList, type CaseRecord } from '../api/cases'

function Baseline({ id }: { id: string }) {
  const { data, error } = useApi<CaseRecord>(`/baselines/${encodeURIComponent(id)}`)
  if (error) return <ErrorBanner error={error} />
  if (!data) return <Loading />
  const items = normalizeList(data.items).items
  return (
    <table className="data" aria-label={`CIs in baseline ${formatValue(data.name)}`}>
      <thead>
        <tr>
          <th>CI</th>
          <th>Name</th>
          <th>Type</th>
          <th>Version</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item, i) => {
          const snap = (item.snapshot ?? item) as CaseRecord
          const ciId = String(field(item, 'ciId') ?? snap.id)
          return (
            <tr key={i}>
              <td>
                <Link href={`/cases/cis/${encodeURIComponent(ciId)}`}>{ciId}</Link>
              </td>
              <td>{formatValue(field(snap, 'name'))}</td>
              <td>{formatValue(field(snap, 'ciType'))}</td>
              <td>{formatValue(field(snap, 'ciVersion'))}</td>
              <td>{formatValue(field(snap, 'status'))}</td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

function TakeBaseline({ onTaken }: { onTaken: () => void }) {
  const cis = useApi<unknown>('/cis?limit=200')
  const [name, setName] = useState('')
  const [selected, setSelected] = useState<string[]>([])
  const [error, setError] = useState<unknown>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      await api('/baselines', { method: 'POST', body: { name, ciIds: selected } })
      setName('')
      setSelected([])
      setError(undefined)
      onTaken()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-label="Take a baseline">
      <h2>Take a baseline</h2>
      <div className="row" style={{ alignItems: 'start' }}>
        <div className="field">
          <label htmlFor="baseline-name">Name</label>
          <input
            id="baseline-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="baseline-cis">Configuration items</label>
          <select
            id="baseline-cis"
            multiple
            size={6}
            value={selected}
            onChange={(e) => setSelected([...e.target.selectedOptions].map((o) => o.value))}
            required
          >
            {normalizeList(cis.data).items.map((c) => (
              <option key={String(c.id)} value={String(c.id)}>
                {String(c.id)} {formatValue(field(c, 'name'))}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" style={{ alignSelf: 'end' }}>
          Take baseline
        </button>
      </div>
      <ErrorBanner error={error ?? cis.error} />
    </form>
  )
}

export default function BaselinesPage() {
  const list = useApi<unknown>('/baselines')
  const [open, setOpen] = useState<string | null>(null)
  const items = normalizeList(list.data).items
  return (
    <div>
      <h1>Baselines</h1>
      <TakeBaseline onTaken={list.reload} />
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data !== undefined && items.length === 0 && <Empty>No baselines yet.</Empty>}
      <ul className="list-plain" style={{ marginTop: '0.75rem' }}>
        {items.map((b) => {
          const id = String(b.id)
          return (
            <li key={id}>
              <button
                className="link"
                aria-expanded={open === id}
                onClick={() => setOpen(open === id ? null : id)}
              >
                {id} {formatValue(field(b, 'name'))}
              </button>{' '}
              <span className="muted small">
                {formatDateTime(field(b, 'createdAt') as string)} ·{' '}
                {formatValue(field(b, 'createdBy'))}
                {field(b, 'releaseId') ? ` · release ${formatValue(field(b, 'releaseId'))}` : ''}
              </span>
              {open === id && <Baseline id={id} />}
            </li>
          )
        })}
      </ul>
    </div>
  )
}
