/**
 * Inbox query benchmark (issue: p95 < 50 ms with 100,000 open tasks). Fills a fresh database
 * with open tasks spread over groups, processes, priorities and due dates, then times the
 * queries a task list makes (one page plus counts) for a staff member, among them variable
 * filters on a common value (1 task in 20), on one task's value, and with a view and a sort.
 * Prints figures; it is not a test.
 *
 *   npm run bench:inbox                       # PGlite in memory
 *   BENCH_DATABASE_URL=postgres://… npm run bench:inbox   # a PostgreSQL server
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { SessionUser } from '../server/src/auth/sessions'
import { openDatabase } from '../server/src/db/database'
import { TasksService, type TaskQuery } from '../server/src/inbox/tasks.service'
import { EventBus } from '../server/src/realtime/bus'
import { percentile } from './stats'

const TOTAL = Number(process.argv[2] ?? 100_000)
const RUNS = 40
const url = process.env.BENCH_DATABASE_URL ?? ''

const groups = [
  'service-desk',
  'network',
  'problem-managers',
  'change-managers',
  'cab',
  'release-managers',
]
const processes = ['incident', 'service-request', 'problem', 'change', 'release']
const words = [
  'printer',
  'mail',
  'vpn',
  'laptop',
  'database',
  'network',
  'erp',
  'badge',
  'phone',
  'wifi',
]

function pick<T>(xs: readonly T[], i: number): T {
  return xs[i % xs.length]!
}

async function main() {
  const database = await openDatabase({ databaseUrl: url, pgliteDir: 'memory://' })
  const { db } = database
  if (database.kind === 'postgres') await sql`truncate tasks cascade`.execute(db)
  console.log(`database: ${database.kind}; filling ${TOTAL} open tasks…`)
  const t0 = performance.now()
  const now = Date.now()
  for (let start = 0; start < TOTAL; start += 2000) {
    const rows = []
    for (let i = start; i < Math.min(TOTAL, start + 2000); i++) {
      const title = `${pick(words, i * 7)} ${pick(words, i * 13)} issue ${i}`
      rows.push({
        id: randomUUID(),
        job_key: String(2251799813685249 + i),
        name: `Step ${i % 12}`,
        element_id: `Task_${i % 12}`,
        element_instance_key: String(4503599627370496 + i),
        process_instance_key: String(4503599627370496 + i),
        process_definition_key: String(2251799813685249 + (i % 10)),
        bpmn_process_id: pick(processes, i),
        process_name: pick(processes, i),
        process_version: 1 + (i % 3),
        state: i % 5 === 0 ? 'claimed' : 'open',
        assignee: i % 5 === 0 ? `user${i % 50}` : null,
        candidate_groups: [pick(groups, i), ...(i % 4 === 0 ? [pick(groups, i + 1)] : [])],
        candidate_users: [],
        priority: (i * 37) % 101,
        due_date: new Date(now + ((i % 200) - 50) * 3600_000),
        follow_up_date: null,
        form_id: 'form',
        form_key: null,
        case_kind: 'incident',
        case_id: `INC-${i}`,
        case_title: title,
        search: `step ${i % 12} ${pick(processes, i)} inc-${i} ${title}`,
        variables: JSON.stringify({ caseId: `INC-${i}`, serviceId: `svc-${i % 20}` }),
        custom_headers: '{}',
        job_deadline: null,
        claimed_at: null,
        completed_at: null,
        completed_by: null,
        cancel_reason: null,
        submitted_data: null,
      })
    }
    await db.insertInto('tasks').values(rows).execute()
  }
  await sql`analyze tasks`.execute(db)
  console.log(`filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

  const bus = new EventBus()
  const tasks = new TasksService({
    db,
    bus,
    jobs: { completeJob: () => Promise.reject(new Error('not used')) },
  })
  const staff: SessionUser = {
    id: 1,
    username: 'user7',
    displayName: 'Bench',
    email: null,
    roles: ['staff'],
    groups: [
      { id: 'service-desk', isLead: false },
      { id: 'network', isLead: false },
    ],
  }
  const queries: [string, TaskQuery][] = [
    ['my groups, newest first', { view: 'groups' }],
    ['unassigned, by priority', { view: 'unassigned', sort: 'priority' }],
    ['overdue, by due date', { overdue: true, sort: 'due' }],
    ['mine', { view: 'mine' }],
    ['by process version', { bpmnProcessId: 'incident', processVersion: 2 }],
    ['text search', { q: 'printer vpn' }],
    ['variable filter', { variables: { serviceId: 'svc-7' } }],
    ['variable filter, rare value', { variables: { caseId: 'INC-4242' } }],
    [
      'variable + groups, priority',
      { view: 'groups', sort: 'priority', variables: { serviceId: 'svc-7' } },
    ],
    ['page 40', { view: 'groups', page: 40 }],
  ]
  // PGlite runs in this process: its CPU time per query is printed too, since it hardly grows
  // when other processes compete for the cores (wall time does). A server's CPU is not ours.
  const inProcess = database.kind === 'pglite'
  console.log(
    `\nquery (page of 25 + total up to 1,000 + sidebar counts recomputed), ${RUNS} runs each:`,
  )
  const all: number[] = []
  const allCpu: number[] = []
  const ms = (xs: number[]) =>
    `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms`
  for (const [name, q] of queries) {
    const times: number[] = []
    const cpu: number[] = []
    let total = 0
    for (let i = 0; i < RUNS; i++) {
      // a task event before every run: the sidebar counts are recomputed (no warm cache)
      bus.publish({
        type: 'task.created',
        task: { taskId: 'x', candidateGroups: [], candidateUsers: [], assignee: null },
      })
      const c = process.cpuUsage()
      const s = performance.now()
      const page = await tasks.list(staff, q)
      times.push(performance.now() - s)
      const used = process.cpuUsage(c)
      cpu.push((used.user + used.system) / 1000)
      total = page.total
    }
    all.push(...times)
    allCpu.push(...cpu)
    console.log(
      `  ${name.padEnd(28)} total ${String(total).padStart(6)}  ${ms(times)}` +
        (inProcess ? `  (cpu ${ms(cpu)})` : ''),
    )
  }
  console.log(`\nall queries: ${ms(all)} (target p95 < 50 ms)`)
  if (inProcess) console.log(`all queries, cpu time: ${ms(allCpu)}`)
  await database.close()
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
