/**
 * One task: header with claim/unclaim, the form, the activity stream of its case (reply to the
 * customer or add a work note from here, the task's comments among its work notes), the case
 * context, and the task's own comments when it has no case.
 */
import { lazy, Suspense, useEffect, useRef, useState, type FormEvent } from 'react'
import { api, ApiError, type FieldError } from '../../../lib/api'
import { formatDateTime, formatRelative } from '../../../lib/format'
import { navigate } from '../../../lib/router'
import { useServerEvents } from '../../../lib/socket'
import { toast } from '../../../lib/toast'
import { ErrorBanner, Loading, PriorityBadge, StatusBadge } from '../../../lib/ui'
import { useApi } from '../../../lib/use-api'
import { hasRole, type User } from '../../../lib/user'
import { ActivityStream, activityOf } from '../../cases'
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

interface GroupMember {
  username: string
  displayName: string
}

/**
 * Who a group lead may hand the task to: the active members of its candidate groups and its
 * candidate users (the server accepts no one else), by name.
 */
function AssigneePicker({
  task,
  busy,
  onAssign,
}: {
  task: TaskDetail['task']
  busy: boolean
  onAssign: (username: string, label: string) => void
}) {
  const groupKey = task.candidateGroups.join('\n')
  const [members, setMembers] = useState<{ data?: GroupMember[]; error?: unknown }>({})
  useEffect(() => {
    let live = true
    const groups = groupKey ? groupKey.split('\n') : []
    Promise.all(groups.map((g) => api<GroupMember[]>(`/groups/${encodeURIComponent(g)}/members`)))
      .then((lists) => live && setMembers({ data: lists.flat() }))
      .catch((error: unknown) => live && setMembers({ error }))
    return () => {
      live = false
    }
  }, [groupKey])
  const [choice, setChoice] = useState('')
  const people = new Map<string, string>()
  for (const m of members.data ?? []) people.set(m.username, m.displayName)
  for (const u of task.candidateUsers) if (!people.has(u)) people.set(u, u)
  if (task.assignee) people.delete(task.assignee)
  const options = [...people].sort((a, b) => a[1].localeCompare(b[1]))
  return (
    <form
      className="row small"
      aria-label="Assign task"
      style={{ marginBottom: '0.5rem' }}
      onSubmit={(e) => {
        e.preventDefault()
        if (choice) onAssign(choice, people.get(choice) ?? choice)
        setChoice('')
      }}
    >
      <label htmlFor="assign-to">Assign to</label>
      <select
        id="assign-to"
        value={choice}
        onChange={(e) => setChoice(e.target.value)}
        required
        disabled={!members.data}
      >
        <option value="">{members.data ? 'Choose a person…' : 'Loading people…'}</option>
        {options.map(([username, name]) => (
          <option key={username} value={username}>
            {name} ({username})
          </option>
        ))}
      </select>
      <button type="submit" disabled={busy || !choice}>
        Assign
      </button>
      <ErrorBanner error={members.error} />
    </form>
  )
}

/**
 * The first field of the task's form that can take input now. Not a form-js drop-down: focusing
 * its input opens its list, which a click meant to open it would then close again.
 */
const firstFormField = () =>
  document.querySelector<HTMLElement>(
    '.task-form :is(input, select, textarea):not([disabled]):not([type="hidden"]):not(.fjs-select-hidden-input)',
  )

/**
 * Focuses what `find` returns once it is in the page (forms and records arrive a moment after an
 * action), else `fallback` after `ms`: focus never drops to <body> when the control that had it
 * disappears (a Claim button turning into Unclaim). Focus someone has put elsewhere meanwhile
 * stays where they put it.
 */
function focusWhenReady(find: () => HTMLElement | null, fallback: () => HTMLElement | null) {
  const until = Date.now() + 3000
  // a person who has already moved on (clicked a field, opened a list) keeps their focus
  const had = document.activeElement
  const movedOn = () => {
    const now = document.activeElement
    return !!now && now !== document.body && now !== had
  }
  const attempt = () => {
    if (movedOn()) return
    const el = find()
    if (el) el.focus()
    else if (Date.now() < until) setTimeout(attempt, 50)
    else fallback()?.focus()
  }
  attempt()
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
  const heading = useRef<HTMLHeadingElement>(null)
  const claimButton = useRef<HTMLButtonElement>(null)

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

  /**
   * Runs an action on the task. Its button is disabled meanwhile, which takes focus away from
   * it: `focus` says where focus goes afterwards (the heading when that is not there).
   */
  async function run(
    action: () => Promise<unknown>,
    {
      done,
      after,
      focus = () => null,
    }: { done: string; after?: () => void; focus?: () => HTMLElement | null },
  ) {
    setBusy(true)
    setActionError(undefined)
    try {
      await action()
      toast(done)
      after?.()
      reload()
      onChanged()
      focusWhenReady(focus, () => heading.current)
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) setFieldErrors(err.errors)
      setActionError(err)
      focusWhenReady(
        () => null,
        () => heading.current,
      )
    } finally {
      setBusy(false)
    }
  }

  // focus starts on the task's heading, so its name is read first (not <body>)
  const loaded = !!data
  useEffect(() => {
    if (loaded && document.activeElement === document.body) heading.current?.focus()
  }, [loaded])

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
          <h1 id="task-title" ref={heading} tabIndex={-1} style={{ marginBottom: 0 }}>
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
        <PriorityBadge priority={task.priority} scale="task" />
        <span className="small" data-testid="assignee">
          {task.assignee ? `Assigned to ${task.assignee}` : 'Unassigned'}
        </span>
        {open && staffWork && !task.assignee && !data.segregation && (
          <button
            ref={claimButton}
            className="primary"
            disabled={busy}
            onClick={() =>
              void run(() => claimTask(task.id), {
                done: `You claimed “${task.name}”.`,
                // claimed to work on it: on to the form
                focus: firstFormField,
              })
            }
          >
            Claim
          </button>
        )}
        {open && staffWork && mine && (
          <button
            disabled={busy}
            onClick={() =>
              void run(() => unclaimTask(task.id), {
                done: `You released “${task.name}”.`,
                focus: () => claimButton.current,
              })
            }
          >
            Unclaim
          </button>
        )}
      </header>
      {open && canAssign && (
        <AssigneePicker
          task={task}
          busy={busy}
          onAssign={(username, name) =>
            void run(() => assignTask(task.id, username), {
              done: `“${task.name}” assigned to ${name}.`,
              focus: () => document.getElementById('assign-to'),
            })
          }
        />
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
                        void run(() => completeTask(task.id, d), {
                          done: `“${task.name}” completed.`,
                          after: () => {
                            setFieldErrors([])
                            navigate(backTo)
                          },
                          // the list it returns to takes focus (Routes)
                          focus: () => document.getElementById('main'),
                        })
                      }
                    />
                  </Suspense>
                ) : (
                  <JsonCompletion
                    disabled={!mine || busy}
                    onSubmit={(d) =>
                      void run(() => completeTask(task.id, d), {
                        done: `“${task.name}” completed.`,
                        after: () => navigate(backTo),
                        focus: () => document.getElementById('main'),
                      })
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
