/**
 * Tasks assigned to the current user, as a compact panel for pages other than the inbox (the
 * customer's "My requests": confirm a resolution, 8.1). Hidden when the server does not
 * offer the task list to the user's role.
 */
import { formatRelative } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { useServerEvents } from '../../../lib/socket'
import { useLiveReload } from '../../../lib/live-reload'
import { useApi } from '../../../lib/use-api'
import { taskListPath, defaultTaskQuery, type TaskPage } from '../api/tasks'

export function MyTasksPanel({ basePath }: { basePath: string }) {
  const list = useApi<TaskPage>(taskListPath({ ...defaultTaskQuery, view: 'mine' }))
  const reloads = useLiveReload(list.reload, { minIntervalMs: 2000 })
  useServerEvents(
    ['task.created', 'task.assigned', 'task.completed', 'task.cancelled'],
    (name, p) => {
      // a task that ends leaves the panel at once; a new one needs the list
      if ((name === 'task.completed' || name === 'task.cancelled') && list.data) {
        const left = list.data.items.filter((t) => t.id !== p.task.taskId)
        if (left.length !== list.data.items.length) {
          list.mutate((d) => d && { ...d, items: left, total: Math.max(0, d.total - 1) })
          return
        }
      }
      reloads.request()
    },
  )
  const items = list.data?.items ?? []
  if (list.error || items.length === 0) return null
  return (
    <section className="card" aria-labelledby="my-tasks-title">
      <h2 id="my-tasks-title">Waiting for you ({items.length})</h2>
      <ul className="list-plain">
        {items.map((t) => (
          <li key={t.id}>
            <Link href={`${basePath}/${encodeURIComponent(t.id)}`}>{t.name}</Link>{' '}
            <span className="muted small">
              {t.caseId ?? ''} {t.caseTitle ?? ''} · {formatRelative(t.createdAt)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
