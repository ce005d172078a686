/** CI baselines (8.2.6): named snapshots of a set of CIs; open one to see its CIs. */
import { useState } from 'react'
import { formatDateTime, formatValue } from '../../../lib/format'
import { Empty, ErrorBanner, Loading } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { field, normalizeList } from '../api/cases'

function Baseline({ id }: { id: string }) {
  const { data, error } = useApi<Record<string, unknown>>(`/baselines/${encodeURIComponent(id)}`)
  if (error) return <ErrorBanner error={error} />
  if (!data) return <Loading />
  const items = normalizeList(data.items ?? data.cis ?? data.snapshot).items
  return (
    <table className="data" aria-label="CIs in the baseline">
      <thead>
        <tr>
          <th>CI</th>
          <th>Name</th>
          <th>Version</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {items.map((c, i) => (
          <tr key={i}>
            <td>{formatValue(field(c, 'ciId') ?? c.id)}</td>
            <td>{formatValue(field(c, 'name'))}</td>
            <td>{formatValue(field(c, 'version'))}</td>
            <td>{formatValue(field(c, 'status'))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export default function BaselinesPage() {
  const list = useApi<unknown>('/baselines')
  const [open, setOpen] = useState<string | null>(null)
  const items = normalizeList(list.data).items
  return (
    <div>
      <h1>Baselines</h1>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data !== undefined && items.length === 0 && <Empty>No baselines yet.</Empty>}
      <ul className="list-plain">
        {items.map((b) => {
          const id = String(b.id)
          return (
            <li key={id}>
              <button
                className="link"
                aria-expanded={open === id}
                onClick={() => setOpen(open === id ? null : id)}
              >
                {formatValue(field(b, 'name'))}
              </button>{' '}
              <span className="muted small">{formatDateTime(field(b, 'createdAt') as string)}</span>
              {open === id && <Baseline id={id} />}
            </li>
          )
        })}
      </ul>
    </div>
  )
}
