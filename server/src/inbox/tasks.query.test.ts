import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../../test/support/databases'
import type { SessionUser } from '../auth/sessions'
import { EventBus } from '../realtime/bus'
import { TaskState } from './task-model'
import { TasksService, type TaskQuery } from './tasks.service'

const HOUR = 3600_000
const now = Date.parse('2026-03-02T09:00:00Z')

const member: SessionUser = {
  id: 1,
  username: 'dana',
  displayName: 'Dana',
  email: null,
  roles: ['staff'],
  groups: [{ id: 'service-desk', isLead: false }],
}

interface Seed {
  state?: string
  assignee?: string | null
  groups?: string[]
  dueInHours?: number | null
  variables?: Record<string, unknown>
}

let seq = 0
function taskRow(seed: Seed) {
  const i = seq++
  return {
    id: randomUUID(),
    job_key: String(2251799813685249 + i),
    name: `Step ${i}`,
    element_id: 'Task_Step',
    element_instance_key: String(4503599627370496 + i),
    process_instance_key: String(4503599627370496 + i),
    process_definition_key: '2251799813685249',
    bpmn_process_id: 'incident',
    process_name: 'Incident',
    process_version: 1,
    state: seed.state ?? (seed.assignee ? TaskState.Claimed : TaskState.Open),
    assignee: seed.assignee ?? null,
    candidate_groups: seed.groups ?? ['service-desk'],
    candidate_users: [],
    priority: 50,
    due_date:
      seed.dueInHours === undefined || seed.dueInHours === null
        ? null
        : new Date(now + seed.dueInHours * HOUR),
    follow_up_date: null,
    form_id: null,
    form_key: null,
    case_kind: null,
    case_id: null,
    case_title: null,
    search: `step ${i}`,
    variables: JSON.stringify(seed.variables ?? {}),
    custom_headers: '{}',
    job_deadline: null,
    claimed_at: null,
    completed_at: null,
    completed_by: null,
    cancel_reason: null,
    submitted_data: null,
  }
}

describe.each(testDatabaseTargets())('task list totals and counts on $kind', (target) => {
  let t: TestDatabase
  let tasks: TasksService

  beforeAll(async () => {
    t = await target.open()
    tasks = new TasksService({
      db: t.database.db,
      bus: new EventBus(),
      jobs: { completeJob: () => Promise.reject(new Error('no job is completed here')) },
      now: () => now,
    })
    // given 1,001 open tasks of the service desk, all overdue: 1,000 on lane "a", all of tier
    // "b", three at level 7 (a JSON number); two tasks of another group; two closed tasks
    const rows = []
    for (let i = 0; i < 1001; i++) {
      rows.push(
        taskRow({
          dueInHours: -1 - (i % 48),
          assignee: i < 4 ? 'dana' : null,
          variables: {
            tier: 'b',
            ...(i < 1000 ? { lane: 'a' } : {}),
            ...(i < 3 ? { level: 7 } : {}),
          },
        }),
      )
    }
    rows.push(taskRow({ groups: ['network'], dueInHours: -2, variables: { tier: 'b' } }))
    rows.push(taskRow({ groups: ['network'], dueInHours: 5, variables: { lane: 'a' } }))
    rows.push(taskRow({ state: TaskState.Completed, dueInHours: -3, variables: { tier: 'b' } }))
    rows.push(taskRow({ state: TaskState.Cancelled, dueInHours: 3, variables: { tier: 'b' } }))
    for (let i = 0; i < rows.length; i += 500) {
      await t.database.db
        .insertInto('tasks')
        .values(rows.slice(i, i + 500))
        .execute()
    }
  })
  afterAll(async () => {
    await t?.drop()
  })

  it.each<[string, TaskQuery, number, boolean]>([
    ['matches exactly 1,000 tasks', { variables: { lane: 'a' } }, 1000, false],
    ['matches more than 1,000 tasks', { variables: { tier: 'b' } }, 1000, true],
    ['matches a JSON number given as text', { variables: { level: '7' } }, 3, false],
    ['matches nothing', { variables: { tier: 'c' } }, 0, false],
    ['is combined with the group view', { view: 'groups', variables: { level: '7' } }, 3, false],
  ])(
    'counts a variable filter that %s exactly up to 1,000',
    async (_, query, total, isLowerBound) => {
      // when
      const page = await tasks.list(member, query)
      // then
      expect(page.total).toBe(total)
      expect(page.totalIsLowerBound).toBe(isLowerBound)
      expect(page.items).toHaveLength(Math.min(total, 25))
    },
  )

  it.each<[string, TaskQuery, number, boolean]>([
    ['overdue tasks', { overdue: true, sort: 'due' }, 1000, true],
    ['tasks due within the last two hours', { dueBefore: iso(-1), dueAfter: iso(-3) }, 42, false],
    ['closed tasks due before a date', { state: TaskState.Completed, dueBefore: iso(0) }, 1, false],
  ])('totals %s up to 1,000', async (_, query, total, isLowerBound) => {
    // when
    const page = await tasks.list(member, query)
    // then
    expect(page.total).toBe(total)
    expect(page.totalIsLowerBound).toBe(isLowerBound)
  })

  it('counts the sidebar for a member in one statement, each count capped at 1,000', async () => {
    // when
    const page = await tasks.list(member, { view: 'mine' })
    // then
    expect(page.total).toBe(4)
    expect(page.counts).toEqual({ mine: 4, groups: 1000, unassigned: 997, overdue: 1000 })
  })

  it('counts nothing in groups for someone without groups', async () => {
    // given a customer offered no task
    const customer: SessionUser = { ...member, username: 'cora', roles: ['customer'], groups: [] }
    // when
    const page = await tasks.list(customer, {})
    // then
    expect(page.total).toBe(0)
    expect(page.counts).toEqual({ mine: 0, groups: 0, unassigned: 0, overdue: 0 })
  })

  it('keeps no GIN pending list on the task indexes', async () => {
    // when
    const { rows } = await sql<{ name: string; options: string[] | null }>`
      select c.relname as name, c.reloptions as options
      from pg_index i
      join pg_class c on c.oid = i.indexrelid
      join pg_am a on a.oid = c.relam
      where i.indrelid = 'tasks'::regclass and a.amname = 'gin'`.execute(t.database.db)
    // then variable filters, group views and text search read the index alone
    expect(rows.map((r) => r.name)).toEqual(
      expect.arrayContaining(['tasks_by_variables', 'tasks_by_groups', 'tasks_by_candidate_users']),
    )
    for (const r of rows) expect(r.options ?? []).toContain('fastupdate=off')
  })
})

function iso(hours: number) {
  return new Date(now + hours * HOUR).toISOString()
}
