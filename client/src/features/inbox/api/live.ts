/**
 * Live task events applied to a loaded inbox page, so the page changes without a request when
 * it can: a completed or cancelled task leaves, a claimed or assigned one changes in place or
 * leaves the view it no longer belongs to, and the tab counts follow. What cannot be decided
 * here (a new task's place in a sorted, filtered, paged list) asks for a reload, which the
 * caller coalesces.
 */
import type { TaskEvent } from '../../../lib/socket'
import type { Task, TaskCounts, TaskPage, TaskQuery } from './tasks'

export type TaskEventName =
  | 'task.created'
  | 'task.claimed'
  | 'task.unclaimed'
  | 'task.assigned'
  | 'task.completed'
  | 'task.cancelled'

export interface Viewer {
  username: string
  groups: string[]
}

export interface Patched {
  page: TaskPage
  /** False when only a reload can make the page right. */
  settled: boolean
}

type EventTask = TaskEvent['task']

/** The task is one the viewer works on: assigned to them, or offered to them or their groups. */
export function concerns(t: EventTask | Task, viewer: Viewer): boolean {
  return (
    t.assignee === viewer.username ||
    t.candidateUsers.includes(viewer.username) ||
    t.candidateGroups.some((g) => viewer.groups.includes(g))
  )
}

/** Filters the page cannot check on its own. */
const hasOtherFilters = (q: TaskQuery) =>
  !!(
    q.state ||
    q.group ||
    q.assignee ||
    q.bpmnProcessId ||
    q.processVersion ||
    q.priority ||
    q.dueBefore ||
    q.overdue ||
    q.q
  )

/** Whether a live (open or claimed) task belongs in the view. */
export function inView(t: Task, q: TaskQuery, viewer: Viewer): boolean {
  if (t.state !== 'open' && t.state !== 'claimed') return false
  switch (q.view) {
    case 'mine':
      return t.assignee === viewer.username
    case 'unassigned':
      return !t.assignee && concerns(t, viewer)
    case 'groups':
      return concerns(t, viewer)
    case 'all':
      return true
  }
}

/** The tab counts with `t` taken out (`sign` -1) or put in (+1). */
function count(counts: TaskCounts, t: Task, viewer: Viewer, sign: 1 | -1): TaskCounts {
  if (t.state !== 'open' && t.state !== 'claimed') return counts
  const mine = t.assignee === viewer.username ? sign : 0
  const groups = concerns(t, viewer) ? sign : 0
  const unassigned = !t.assignee && concerns(t, viewer) ? sign : 0
  return {
    ...counts,
    mine: Math.max(0, counts.mine + mine),
    groups: Math.max(0, counts.groups + groups),
    unassigned: Math.max(0, counts.unassigned + unassigned),
  }
}

export function patchTaskPage(
  page: TaskPage,
  name: TaskEventName,
  event: TaskEvent,
  query: TaskQuery,
  viewer: Viewer,
): Patched {
  // the server sends the row as GET /api/tasks lists it
  const now = event.task.view as Task | undefined
  const at = page.items.findIndex((t) => t.id === event.task.taskId)
  const before = at >= 0 ? page.items[at] : undefined
  // an event without the row (an older server) or a page with filters it cannot check
  if (!now || hasOtherFilters(query) || name === 'task.created') {
    return { page, settled: !concerns(event.task, viewer) && query.view !== 'all' && !before }
  }
  if (!before) {
    // not on this page: the counts, or the page itself, may change only if it concerns the viewer
    return {
      page,
      settled: query.view !== 'all' && !concerns(now, viewer) && !concerns(event.task, viewer),
    }
  }
  let counts = count(page.counts, before, viewer, -1)
  counts = count(counts, now, viewer, 1)
  const morePages = page.total > page.items.length
  if (inView(now, query, viewer)) {
    const items = page.items.map((t) => (t.id === now.id ? now : t))
    return { page: { ...page, items, counts }, settled: true }
  }
  const items = page.items.filter((t) => t.id !== now.id)
  // the next page's first task would move up: only a reload knows which it is
  return { page: { items, total: Math.max(0, page.total - 1), counts }, settled: !morePages }
}
