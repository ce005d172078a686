/** A list of cases as a table, columns from the kind table. */
import { formatValue, humanize } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { PriorityBadge, StatusBadge } from '../../../lib/ui'
import { field, type CaseRecord } from '../api/cases'

export function CaseTable({
  kind,
  items,
  columns,
  label,
}: {
  kind: string
  items: CaseRecord[]
  columns: string[]
  label: string
}) {
  return (
    <table className="data" aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {humanize(c)}
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
                    <PriorityBadge priority={v as number} />
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
