/**
 * One task: header with claim/unclaim, the form, the activity stream of its case (reply to the
 * customer or add a work note from here, the task's comments among its work notes), the case
 * context, and the task's own comments when it has no case.
 */
import { lazy, Suspense, useState, type FormEvent } from 'react'
import { ApiError, type FieldError } from '../../../lib/api'
import { formatDateTime, formatRelative } from '../../../lib/format'
import { navigate } from '../../../lib/router'
import { useServerEvents } from '../../../lib/socket'
import { ErrorBanner, Loading, PriorityBadge, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { hasRole, type User } from '../../../lib/user'
import { activityOf } from '../../cases/api/cases'
import { ActivityStream } from '../../cases/components/ActivityStream'
import {
  addComment,
  addTaskActivity,
  assignTask,
  claimTask,
  completeTask,
  unclaimTask,
  type TaskDetail,
} from '../api/tasks'
import { CaseContext } from './CaseContext'
import { DecisionContext } from './DecisionContext'

// form-js is loaded with the first task opened, not with the inbox list.
const TaskForm = lazy(() => import('./TaskForm').then((m) => ({ default: m.TaskForm })))

function Comments({
  taskId,
  detail,
  onAdded,
}: {
  taskId: string
  detail: TaskDetail
  onAdded: () => void
}) {
  const comments = detail.comments ?? []
  const [body, setBody] = useState('')
  const [error, setError] = useState<unknown>()
  async function submit(e: FormEvent) {
    e.preventDefault()
    try {
      await addComment(taskId, body)
      setBody('')
      onAdded()
    } catch (err) {
      setError(err)
    }
  }
  return (
    <section className="card" aria-labelledby="comments-title">
      <h2 id="comments-title">Comments ({comments.length})</h2>
      <ul className="list-plain">
        {comments.map((c) => (
          <li key={c.id}>
            <strong>{c.author}</strong>{' '}
            <span className="muted small">{formatDateTime(c.createdAt)}</span>
            <div>{c.body}</div>
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void submit(e)} className="field" style={{ marginTop: '0.5rem' }}>
        <label htmlFor="comment-body">Add a comment</label>
        <textarea
          id="comment-body"
          value={body}
          onChange={(e) => setBody(e.target.value)}
          required
        />
        <ErrorBanner error={error} />
        <div>
          <button type="submit" disabled={!body.trim()}>
            Comment
          </button>
        </div>
      </form>
    </section>
  )
}

/** Plain data entry when the task has no form: a JSON object. */
function JsonCompletion({
  disabled,
  onSubmit,
}: {
  disabled: boolean
  onSubmit: (d: Record<string, unknown>) => void
}) {
  const [text, setText] = useState('{}')
  const [error, setError] = useState('')
  return (
    <div className="field">
      <label htmlFor="task-json">Variables (JSON)</label>
      <textarea
        id="task-json"
        value={text}
        onChange={(e) => setText(e.target.value)}
        disabled={disabled}
      />
      {error && <span className="field-error">{error}</span>}
      <div>
        <button
          className="primary"
          disabled={disabled}
          onClick={() => {
            try {
              const v: unknown = JSON.parse(text)
              if (typeof v !== 'object' || v === null || Array.isArray(v))
                throw new Error('an object is needed')
              setError('')
              onSubmit(v as Record<string, unknown>)
            } catch (e) {
              setError(`Invalid JSON: ${e instanceof Error ? e.message : String(e)}`)
            }
          }}
        >
          Complete task
        </button>
      </div>
    </div>
  )
}

export function TaskView({
  taskId,
  user,
  onChanged,
  backTo = '/inbox',
}: {
  taskId: string
  user: User
  onChanged: () => void
  /** Where completing the task returns to. */
  backTo?: string
}) {
  const { data, error, loading, reload } = useApi<TaskDetail>(
    `/tasks/${encodeURIComponent(taskId)}`,
  )
  const [actionError, setActionError] = useState<unknown>()
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([])
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)
  const [assignee, setAssignee] = useState('')

  useServerEvents(
    ['task.claimed', 'task.unclaimed', 'task.assigned', 'task.completed', 'task.cancelled'],
    (name, { task }) => {
      if (task.taskId !== taskId) return
      const who = task.actor ?? task.assignee ?? 'someone'
      if (task.actor === user.username) return
      if (name === 'task.completed') setNotice(`${who} completed this task.`)
      else if (name === 'task.cancelled') setNotice('This task was cancelled by the process.')
      else if (name === 'task.claimed') setNotice(`${who} claimed this task.`)
      else if (name === 'task.assigned')
        setNotice(`This task was assigned to ${task.assignee ?? 'nobody'}.`)
      else setNotice(`${who} released this task.`)
      reload()
    },
  )
  useServerEvents(['case.activity'], (_n, p) => {
    if (data?.task.caseId && p.case.caseId === data.task.caseId) reload()
  })

  async function run(action: () => Promise<unknown>, after?: () => void) {
    setBusy(true)
    setActionError(undefined)
    try {
      await action()
      after?.()
      reload()
      onChanged()
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) setFieldErrors(err.errors)
      setActionError(err)
    } finally {
      setBusy(false)
    }
  }

  if (loading && !data) return <Loading />
  if (error && !data) return <ErrorBanner error={error} />
  if (!data) return null
  const { task } = data
  const mine = task.assignee === user.username
  // group leads (and administrators) hand tasks to members of the candidate groups
  const canAssign =
    user.roles.includes('admin') ||
    user.groups.some((g) => g.isLead && task.candidateGroups.includes(g.id))
  const open = task.state === 'open' || task.state === 'claimed'
  // customers only complete the steps assigned to them; claiming is staff work
  const staffWork = user.roles.includes('staff') || user.roles.includes('admin')
  return (
    <article aria-labelledby="task-title">
      <header className="row" style={{ marginBottom: '0.75rem' }}>
        <div>
          <h1 id="task-title" style={{ marginBottom: 0 }}>
            {task.name}
          </h1>
          <div className="muted small">
            {task.processName ?? task.bpmnProcessId} v{task.processVersion}
            {task.caseId && ` · ${task.caseId}`} · created {formatRelative(task.createdAt)}
            {task.dueDate && ` · due ${formatDateTime(task.dueDate)}`}
          </div>
        </div>
        <span className="spacer" />
        <StatusBadge status={task.state} />
        <PriorityBadge priority={task.priority} />
        <span className="small" data-testid="assignee">
          {task.assignee ? `Assigned to ${task.assignee}` : 'Unassigned'}
        </span>
        {open && staffWork && !task.assignee && !data.segregation && (
          <button
            className="primary"
            disabled={busy}
            onClick={() => void run(() => claimTask(task.id))}
          >
            Claim
          </button>
        )}
        {open && staffWork && mine && (
          <button disabled={busy} onClick={() => void run(() => unclaimTask(task.id))}>
            Unclaim
          </button>
        )}
      </header>
      {open && canAssign && (
        <form
          className="row small"
          aria-label="Assign task"
          style={{ marginBottom: '0.5rem' }}
          onSubmit={(e) => {
            e.preventDefault()
            void run(
              () => assignTask(task.id, assignee.trim()),
              () => setAssignee(''),
            )
          }}
        >
          <label htmlFor="assign-to">Assign to</label>
          <input
            id="assign-to"
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
            placeholder="username"
            required
          />
          <button type="submit" disabled={busy}>
            Assign
          </button>
        </form>
      )}
      {notice && (
        <div className="banner info" role="status">
          {notice}
        </div>
      )}
      <ErrorBanner error={actionError} />
      <div className="grid-2">
        <div>
          <DecisionContext detail={data} />
          <section className="card" aria-label="Task form">
            {!open ? (
              <p className="muted">This task is {task.state}.</p>
            ) : (
              <>
                {!mine && <p className="muted small">Claim the task to work on it.</p>}
                {data.form ? (
                  <Suspense fallback={<Loading label="Loading form…" />}>
                    <TaskForm
                      schema={data.form}
                      data={data.variables}
                      disabled={!mine || busy}
                      serverErrors={fieldErrors}
                      onSubmit={(d) =>
                        void run(
                          () => completeTask(task.id, d),
                          () => {
                            setFieldErrors([])
                            navigate(backTo)
                          },
                        )
                      }
                    />
                  </Suspense>
                ) : (
                  <JsonCompletion
                    disabled={!mine || busy}
                    onSubmit={(d) =>
                      void run(
                        () => completeTask(task.id, d),
                        () => navigate(backTo),
                      )
                    }
                  />
                )}
              </>
            )}
          </section>
          {data.case && (
            <ActivityStream
              entries={activityOf(data.case)}
              user={user}
              status={typeof data.case.status === 'string' ? data.case.status : null}
              post={(type, body) => addTaskActivity(task.id, type, body)}
              onAdded={reload}
            />
          )}
          {/* the task's own comments where it has no case; with a case they are work notes in
              its activity stream above (server/src/cases/activity.ts) */}
          {!data.case && <Comments taskId={task.id} detail={data} onAdded={reload} />}
        </div>
        <CaseContext
          detail={data}
          canAttach={hasRole(user, 'admin', 'staff', 'customer')}
          onChanged={reload}
        />
      </div>
    </article>
  )
}
