import { describe, expect, it } from 'vitest'
import { patchTaskPage, type TaskEventName, type Viewer } from './live'
import { defaultTaskQuery, type Task, type TaskPage, type TaskQuery } from './tasks'

const desk: Viewer = { username: 'desk', groups: ['service-desk'] }

const task = (id: string, over: Partial<Task> = {}): Task => ({
  id,
  kind: 'job',
  jobKey: '1',
  userTaskKey: null,
  name: `Task ${id}`,
  elementId: 'Task_Classify',
  elementInstanceKey: '10',
  bpmnProcessId: 'incident',
  processName: 'Incident',
  processVersion: 1,
  processDefinitionKey: '8',
  processInstanceKey: '9',
  caseKind: 'incident',
  caseId: 'INC-1',
  caseTitle: 'Printer',
  state: 'open',
  assignee: null,
  candidateGroups: ['service-desk'],
  candidateUsers: [],
  priority: 2,
  dueDate: null,
  followUpDate: null,
  createdAt: '2026-12-01T10:00:00Z',
  claimedAt: null,
  completedAt: null,
  completedBy: null,
  formId: null,
  formKey: null,
  overdue: false,
  escalatedAt: null,
  version: 1,
  ...over,
})

const page = (items: Task[], total = items.length): TaskPage => ({
  items,
  total,
  counts: {
    mine: items.filter((t) => t.assignee === 'desk').length,
    groups: total,
    unassigned: items.filter((t) => !t.assignee).length,
    overdue: 0,
  },
})

const event = (t: Task, actor = 'desk2') => ({
  task: {
    taskId: t.id,
    candidateGroups: t.candidateGroups,
    candidateUsers: t.candidateUsers,
    assignee: t.assignee,
    actor,
    view: t,
  },
})

const patch = (p: TaskPage, name: TaskEventName, t: Task, q: Partial<TaskQuery> = {}) =>
  patchTaskPage(p, name, event(t), { ...defaultTaskQuery, ...q }, desk)

describe('live task events on a loaded inbox page', () => {
  it('takes a completed task off the page and out of the counts, with no reload', () => {
    const a = task('a')
    const b = task('b')
    const { page: after, settled } = patch(page([a, b]), 'task.completed', {
      ...a,
      state: 'completed',
    })
    expect(after.items.map((t) => t.id)).toEqual(['b'])
    expect(after.total).toBe(1)
    expect(after.counts).toMatchObject({ groups: 1, unassigned: 1 })
    expect(settled).toBe(true)
  })

  it('asks for a reload when a later page would move up', () => {
    const a = task('a')
    const { page: after, settled } = patch(page([a], 30), 'task.cancelled', {
      ...a,
      state: 'cancelled',
    })
    expect(after.items).toEqual([])
    expect(settled).toBe(false)
  })

  it("changes a colleague's claim in place in the group view", () => {
    const a = task('a')
    const claimed = { ...a, state: 'claimed' as const, assignee: 'desk2' }
    const { page: after, settled } = patch(page([a]), 'task.claimed', claimed)
    expect(after.items).toEqual([claimed])
    expect(after.counts).toMatchObject({ groups: 1, unassigned: 0, mine: 0 })
    expect(settled).toBe(true)
  })

  it('drops a task claimed by someone else from the unassigned view', () => {
    const a = task('a')
    const b = task('b')
    const claimed = { ...a, state: 'claimed' as const, assignee: 'desk2' }
    const { page: after, settled } = patch(page([a, b]), 'task.claimed', claimed, {
      view: 'unassigned',
    })
    expect(after.items.map((t) => t.id)).toEqual(['b'])
    expect(settled).toBe(true)
  })

  it('reloads for a new task of my group: only the server knows its place', () => {
    const { page: after, settled } = patch(page([task('a')]), 'task.created', task('n'))
    expect(after.items.map((t) => t.id)).toEqual(['a'])
    expect(settled).toBe(false)
  })

  it("ignores another group's task that is not on the page", () => {
    const other = task('x', { candidateGroups: ['network'] })
    expect(patch(page([task('a')]), 'task.created', other).settled).toBe(true)
    expect(
      patch(page([task('a')]), 'task.completed', { ...other, state: 'completed' }).settled,
    ).toBe(true)
  })

  it('reloads when the page filters by something it cannot check itself', () => {
    const a = task('a')
    const claimed = { ...a, state: 'claimed' as const, assignee: 'desk2' }
    expect(patch(page([a]), 'task.claimed', claimed, { q: 'printer' }).settled).toBe(false)
    expect(patch(page([a]), 'task.claimed', claimed, { overdue: true }).settled).toBe(false)
  })

  it('reloads when an older server sends no row', () => {
    const a = task('a')
    const bare = { task: { ...event(a).task, view: undefined } }
    const r = patchTaskPage(page([a]), 'task.claimed', bare, defaultTaskQuery, desk)
    expect(r.settled).toBe(false)
  })
})
