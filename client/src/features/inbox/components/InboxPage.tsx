/**
 * The inbox (like Camunda Tasklist): views with counts, filters, sort, paging, saved filters
 * and live updates; `/inbox/:taskId` opens a task while the list keeps its filters.
 */
import { useEffect, useRef, useState } from 'react'
import { formatDateTime, formatRelative } from '../../../lib/format'
import { Link } from '../../../lib/router'
import { useServerEvents } from '../../../lib/socket'
import { Empty, ErrorBanner, Loading, Pager, PriorityBadge, StatusBadge } from '../../../lib/ui'
import { useLiveReload } from '../../../lib/live-reload'
import { useApi } from '../../../lib/use-api'
import { PHONE_QUERY, useMediaQuery } from '../../../lib/use-media-query'
import { patchTaskPage } from '../api/live'
import type { User } from '../../../lib/user'
import {
  defaultTaskQuery,
  taskListPath,
  type Task,
  type TaskPage,
  type TaskQuery,
} from '../api/tasks'
import { useSavedFilters } from '../hooks/use-saved-filters'
import { TaskView } from './TaskView'

interface ProcessSummary {
  bpmnProcessId: string
  name: string | null
  versions: { version: number }[]
}

const views = [
  ['mine', 'My tasks'],
  ['groups', 'My groups'],
  ['unassigned', 'Unassigned'],
  ['all', 'All'],
] as const

function Filters({
  query,
  set,
  processes,
}: {
  query: TaskQuery
  set: (patch: Partial<TaskQuery>) => void
  processes: ProcessSummary[]
}) {
  const [text, setText] = useState(query.q ?? '')
  useEffect(() => {
    const t = setTimeout(() => {
      if ((query.q ?? '') !== text) set({ q: text || undefined })
    }, 300)
    return () => clearTimeout(t)
  }, [text, query.q, set])
  const versions = processes.find((p) => p.bpmnProcessId === query.bpmnProcessId)?.versions ?? []
  return (
    <div className="toolbar" role="search" aria-label="Filter tasks">
      <div className="field">
        <label htmlFor="f-inbox-search">Search</label>
        <input
          id="f-inbox-search"
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Task, case, title…"
        />
      </div>
      <div className="field">
        <label htmlFor="f-inbox-state">State</label>
        <select
          id="f-inbox-state"
          value={query.state ?? ''}
          onChange={(e) => set({ state: e.target.value || undefined })}
        >
          <option value="">Active</option>
          <option value="open">Open</option>
          <option value="claimed">Claimed</option>
          <option value="completed">Completed</option>
          <option value="cancelled">Cancelled</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-inbox-process">Process</label>
        <select
          id="f-inbox-process"
          value={query.bpmnProcessId ?? ''}
          onChange={(e) =>
            set({ bpmnProcessId: e.target.value || undefined, processVersion: undefined })
          }
        >
          <option value="">Any</option>
          {processes.map((p) => (
            <option key={p.bpmnProcessId} value={p.bpmnProcessId}>
              {p.name ?? p.bpmnProcessId}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-inbox-version">Version</label>
        <select
          id="f-inbox-version"
          value={query.processVersion ?? ''}
          disabled={!versions.length}
          onChange={(e) => set({ processVersion: e.target.value || undefined })}
        >
          <option value="">Any</option>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              v{v.version}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-inbox-min-priority">Min. priority</label>
        <select
          id="f-inbox-min-priority"
          value={query.priority ?? ''}
          onChange={(e) => set({ priority: e.target.value || undefined })}
        >
          <option value="">Any</option>
          <option value="75">High (75+)</option>
          <option value="50">Medium (50+)</option>
          <option value="25">Low (25+)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-inbox-due-before">Due before</label>
        <input
          id="f-inbox-due-before"
          type="date"
          value={query.dueBefore ?? ''}
          onChange={(e) => set({ dueBefore: e.target.value || undefined })}
        />
      </div>
      <label className="row small" style={{ alignSelf: 'center' }}>
        <input
          type="checkbox"
          checked={!!query.overdue}
          onChange={(e) => set({ overdue: e.target.checked || undefined })}
        />
        Overdue only
      </label>
      <div className="field">
        <label htmlFor="f-inbox-sort">Sort</label>
        <select
          id="f-inbox-sort"
          value={`${query.sort}:${query.order}`}
          onChange={(e) => {
            const [sort, order] = e.target.value.split(':') as [
              TaskQuery['sort'],
              TaskQuery['order'],
            ]
            set({ sort, order })
          }}
        >
          <option value="created:desc">Newest first</option>
          <option value="created:asc">Oldest first</option>
          <option value="due:asc">Due soonest</option>
          <option value="priority:desc">Highest priority</option>
          <option value="name:asc">Name A–Z</option>
        </select>
      </div>
    </div>
  )
}

function SavedFilters({
  user,
  query,
  apply,
}: {
  user: User
  query: TaskQuery
  apply: (q: Partial<TaskQuery>) => void
}) {
  const { filters, save, remove } = useSavedFilters(user.username)
  return (
    <div className="row small" aria-label="Saved filters" style={{ marginBottom: '0.5rem' }}>
      <span className="muted">Saved filters:</span>
      {filters.length === 0 && <span className="muted">none</span>}
      {filters.map((f) => (
        <span key={f.name} className="row" style={{ gap: '0.15rem' }}>
          <button onClick={() => apply(f.query)}>{f.name}</button>
          <button aria-label={`Delete saved filter ${f.name}`} onClick={() => remove(f.name)}>
            ×
          </button>
        </span>
      ))}
      <button
        className="link"
        onClick={() => {
          const name = window.prompt('Name of this filter')
          if (name) save(name, { ...query, page: 1 })
        }}
      >
        Save current filter
      </button>
    </div>
  )
}

const isOverdue = (t: Task) => !!t.dueDate && new Date(t.dueDate).getTime() < Date.now()

/** The page of tasks: a table, or cards on phones (a 7-column table does not fit 390 px). */
function TaskList({
  items,
  notes,
  busy,
}: {
  items: Task[]
  notes: Record<string, string>
  busy: boolean
}) {
  const phone = useMediaQuery(PHONE_QUERY)
  if (phone)
    return (
      <ul className="task-cards" aria-label="Tasks" aria-busy={busy}>
        {items.map((t) => (
          <li key={t.id} data-task-id={t.id}>
            <div className="task-card-title">
              <Link href={`/inbox/${encodeURIComponent(t.id)}`}>{t.name}</Link>
              {t.state !== 'open' && <StatusBadge status={t.state} />}
              <PriorityBadge priority={t.priority} scale="task" />
            </div>
            {t.caseId && (
              <div className="small">
                {t.caseId} {t.caseTitle && <span className="muted">{t.caseTitle}</span>}
              </div>
            )}
            <div className="small muted">
              {t.processName ?? t.bpmnProcessId} v{t.processVersion} ·{' '}
              {t.assignee ?? (t.candidateGroups.join(', ') || 'unassigned')}
            </div>
            <div className="small">
              {t.dueDate && (
                <span className={isOverdue(t) ? 'error' : ''}>
                  Due {formatDateTime(t.dueDate)} ·{' '}
                </span>
              )}
              <span className="muted">created {formatRelative(t.createdAt)}</span>
            </div>
            {notes[t.id] && (
              <div className="small muted" role="status">
                {notes[t.id]}
              </div>
            )}
          </li>
        ))}
      </ul>
    )
  return (
    <table className="data" aria-label="Tasks" aria-busy={busy}>
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col">Case</th>
          <th scope="col">Process</th>
          <th scope="col">Assignee</th>
          <th scope="col">Priority</th>
          <th scope="col">Due</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {items.map((t) => (
          <tr key={t.id} data-task-id={t.id}>
            <td>
              <Link href={`/inbox/${encodeURIComponent(t.id)}`}>{t.name}</Link>{' '}
              {t.state !== 'open' && <StatusBadge status={t.state} />}
              {notes[t.id] && (
                <div className="small muted" role="status">
                  {notes[t.id]}
                </div>
              )}
            </td>
            <td>
              {t.caseId ?? '—'}
              <div className="small muted">{t.caseTitle}</div>
            </td>
            <td>
              {t.processName ?? t.bpmnProcessId}{' '}
              <span className="muted small">v{t.processVersion}</span>
            </td>
            <td>
              {t.assignee ?? <span className="muted">{t.candidateGroups.join(', ') || '—'}</span>}
            </td>
            <td>
              <PriorityBadge priority={t.priority} scale="task" />
            </td>
            <td className={isOverdue(t) ? 'error' : ''}>
              {t.dueDate ? formatDateTime(t.dueDate) : '—'}
            </td>
            <td title={formatDateTime(t.createdAt)}>{formatRelative(t.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** The inbox page; `taskId` opens one task. */
export function InboxPage({ user, taskId }: { user: User; taskId?: string }) {
  const [query, setQuery] = useState<TaskQuery>(defaultTaskQuery)
  const set = useRef((patch: Partial<TaskQuery>) =>
    setQuery((q) => ({ ...q, page: 1, ...patch })),
  ).current
  const list = useApi<TaskPage>(taskListPath(query))
  const processes = useApi<ProcessSummary[]>('/processes')
  const [notes, setNotes] = useState<Record<string, string>>({})
  // events change the page in place; a reload only when the page cannot tell (a new task's
  // place, a filter it cannot check), at most one every 2 s and none while the tab is hidden
  const reloads = useLiveReload(list.reload, { minIntervalMs: 2000 })
  const viewer = { username: user.username, groups: user.groups.map((g) => g.id) }
  const phone = useMediaQuery(PHONE_QUERY)

  useServerEvents(
    [
      'task.created',
      'task.claimed',
      'task.unclaimed',
      'task.assigned',
      'task.completed',
      'task.cancelled',
    ],
    (name, event) => {
      const { task } = event
      if (task.actor && task.actor !== user.username) {
        const verb = name.slice(5)
        setNotes((n) => ({ ...n, [task.taskId]: `${verb} by ${task.actor}` }))
      }
      const page = list.data
      if (!page) return reloads.request()
      const patched = patchTaskPage(page, name, event, query, viewer)
      if (patched.page !== page) list.mutate(() => patched.page)
      if (!patched.settled) reloads.request()
    },
  )

  if (taskId) {
    return (
      <div>
        <p>
          <Link href="/inbox">← Back to inbox</Link>
        </p>
        <TaskView key={taskId} taskId={taskId} user={user} onChanged={list.reload} />
      </div>
    )
  }

  const counts = list.data?.counts
  return (
    <div>
      <h1>Inbox</h1>
      <div className="tabs" role="group" aria-label="Task views">
        {views.map(([v, label]) => (
          <button
            key={v}
            aria-pressed={query.view === v && !query.overdue}
            onClick={() => set({ view: v, overdue: undefined })}
          >
            {label}
            {counts && v !== 'all' && <span className="badge count">{counts[v]}</span>}
          </button>
        ))}
        <button aria-pressed={!!query.overdue} onClick={() => set({ view: 'all', overdue: true })}>
          Overdue
          {counts && <span className="badge danger count">{counts.overdue}</span>}
        </button>
      </div>
      {phone ? (
        // on a phone the filters would fill the first screen: they fold away
        <details className="filters">
          <summary>Filters and sort</summary>
          <Filters query={query} set={set} processes={processes.data ?? []} />
        </details>
      ) : (
        <Filters query={query} set={set} processes={processes.data ?? []} />
      )}
      <SavedFilters
        user={user}
        query={query}
        apply={(q) => setQuery({ ...defaultTaskQuery, ...q })}
      />
      <ErrorBanner error={list.error} />
      {!list.data && list.loading && <Loading label="Loading tasks…" />}
      {list.data && list.data.items.length === 0 && <Empty>No tasks match these filters.</Empty>}
      {list.data && list.data.items.length > 0 && (
        <TaskList items={list.data.items} notes={notes} busy={list.loading} />
      )}
      {list.data && (
        <Pager
          page={query.page}
          pageSize={query.pageSize}
          total={list.data.total}
          onPage={(page) => setQuery((q) => ({ ...q, page }))}
        />
      )}
    </div>
  )
}
