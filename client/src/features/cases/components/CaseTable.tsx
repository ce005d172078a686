/** A list of cases as a table, columns from the kind table. */
import { formatValue, humanize } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { PriorityBadge, StatusBadge } from '../../../lib/ui'
import { field, type CaseRecord } from '../api/cases'

// Form-shaped fields live in `data`; the server sorts by typed columns only.
const unsortable = new Set([
  'workaround',
  'changeType',
  'plannedStart',
  'plannedEnd',
  'releaseType',
  'plannedDate',
  'findingType',
  'clause',
  'description',
])

export function CaseTable({
  kind,
  items,
  columns,
  label,
  sort,
  onSort,
}: {
  kind: string
  items: CaseRecord[]
  columns: string[]
  label: string
  /** Current sort, `field` or `-field`. */
  sort?: string
  onSort?: (sort: string) => void
}) {
  const key = sort?.replace(/^-/, '')
  const desc = sort?.startsWith('-') ?? false
  return (
    <table className="data" aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th
              key={c}
              scope="col"
              aria-sort={key === c ? (desc ? 'descending' : 'ascending') : undefined}
            >
              {onSort && !unsortable.has(c) ? (
                <button
                  className="link"
                  onClick={() => onSort(key === c && !desc ? `-${c}` : c)}
                  title={`Sort by ${humanize(c).toLowerCase()}`}
                >
                  {humanize(c)}
                  {key === c ? (desc ? ' ▾' : ' ▴') : ''}
                </button>
              ) : (
                humanize(c)
              )}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.map((item, i) => (
          <tr key={String(item.id ?? i)}>
            {columns.map((c) => {
              const v = field(item, c)
              return (
                <td key={c}>
                  {c === 'id' ? (
                    <Link href={`/cases/${kind}/${encodeURIComponent(String(v))}`}>
                      {formatValue(v)}
                    </Link>
                  ) : c === 'status' ? (
                    <StatusBadge status={typeof v === 'string' ? v : null} />
                  ) : c === 'priority' ? (
                    <PriorityBadge priority={v as number} scale="level" />
                  ) : (
                    formatValue(v)
                  )}
                </td>
              )
            })}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
