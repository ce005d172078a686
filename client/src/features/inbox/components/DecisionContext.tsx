/**
 * What the decision needs, read-only above the task's form: the case fields its diagram declares
 * (`context:` extension properties, e.g. the assessment for the CAB, the resolution for the
 * customer who confirms it), and why the user may not complete the task when segregation of
 * duties (`sod:`) keeps it from them.
 */
import { formatDateTime } from '../../../lib/format'
import { Props } from '../../../lib/ui'
import type { TaskDetail } from '../api/tasks'

export function DecisionContext({ detail }: { detail: TaskDetail }) {
  const items = detail.context ?? []
  return (
    <>
      {detail.segregation && (
        <div className="banner warn" role="alert" data-testid="segregation">
          {detail.segregation.reason} Someone else must complete this task (segregation of duties,{' '}
          {detail.segregation.rule}).
        </div>
      )}
      {items.length > 0 && (
        <section className="card" aria-labelledby="decision-context-title">
          <h2 id="decision-context-title">From the record</h2>
          <Props
            entries={items.map((i) => [
              i.label,
              <span key={i.field} data-field={i.field} style={{ whiteSpace: 'pre-wrap' }}>
                {i.display === ''
                  ? '—'
                  : i.type === 'datetime'
                    ? formatDateTime(i.display)
                    : i.display}
              </span>,
            ])}
          />
        </section>
      )}
    </>
  )
}
