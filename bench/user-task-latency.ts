/**
 * How soon a Camunda user task is in the inbox (issue 14, load target "completion → next task
 * visible" p95 < 500 ms): the product on the embedded engine (PGlite in memory) runs a two-step
 * review (test/inbox/camunda-user-task.bpmn) over and over as a person would — start, claim and
 * complete the first task over HTTP — and times from the start to the first task stored in the
 * inbox, and from the completion's answer to the next task stored (`task.created` on the bus,
 * the moment the inbox lists it). Once with the intake's nudges (fast polling after a start, a
 * job or a completion) and once without (polling every second only). Prints figures; not a test.
 *
 *   npm run bench:user-task-latency            # 30 instances per mode
 *   npm run bench:user-task-latency -- 60
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../server/src/config'
import { createLogger } from '../server/src/log'
import type { ServerEvent } from '../server/src/realtime/bus'
import { repoRoot, startServer } from '../server/src/server'
import { buildClient } from '../test/support/global-setup'
import { loginAt } from '../test/support/harness'
import { percentile } from './stats'

const RUNS = Number(process.argv[2] ?? 30)
const TARGET_MS = 500
const fixture = (...p: string[]) => readFileSync(join(repoRoot, 'test', ...p))

async function measure(nudge: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sms-latency-'))
  const server = await startServer({
    config: loadConfig({
      PORT: '0',
      ENGINE_PORT: '0',
      ENGINE_REST_PORT: '0',
      DATA_DIR: dataDir,
      DEPLOY_PROCESSES: 'false',
      LOG_LEVEL: 'error',
    }),
    log: createLogger('error'),
    pgliteDir: 'memory://',
    ...(nudge ? {} : { camundaIntakeFastForMs: 0 }),
  })
  try {
    await server.services.processes.deploy(
      [
        { name: 'inbox-triage-form.form', content: fixture('fixtures', 'inbox-triage-form.form') },
        { name: 'camunda-user-task.bpmn', content: fixture('inbox', 'camunda-user-task.bpmn') },
      ],
      { actor: 'admin' },
    )
    const password = server.seededUsers.find((u) => u.username === 'desk')?.password ?? ''
    const desk = await loginAt(server.url, 'desk', password)
    /** Resolves with the id of the task of `elementId` of `caseId` when the inbox stores it. */
    const stored = (caseId: string, elementId: string) =>
      new Promise<{ id: string; at: number }>((resolve) => {
        const off = server.services.bus.subscribe((e: ServerEvent) => {
          if (e.type !== 'task.created') return
          const v = e.task.view
          if (v?.caseId === caseId && v.elementId === elementId) {
            off()
            resolve({ id: e.task.taskId, at: performance.now() })
          }
        })
      })
    const first: number[] = []
    const next: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const caseId = `INC-L${i}`
      const review = stored(caseId, 'Task_ReviewTicket')
      const startedAt = performance.now()
      await server.services.instances.start(
        'camunda-user-task',
        { caseKind: 'incident', caseId, title: 'Latency', owner: 'desk' },
        { caseKind: 'incident', caseId, actor: 'desk' },
      )
      const task = await review
      first.push(task.at - startedAt)
      if ((await desk.post(`/tasks/${task.id}/claim`)).status !== 200) throw new Error('claim')
      const confirm = stored(caseId, 'Task_ConfirmReview')
      const done = await desk.post(`/tasks/${task.id}/complete`, {
        data: { summary: 'ok', impact: 'low', hours: 1 },
      })
      if (done.status !== 200) throw new Error(`complete: ${done.status}`)
      const completedAt = performance.now()
      next.push((await confirm).at - completedAt)
    }
    return { first, next }
  } finally {
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const line = (label: string, ms: number[]) =>
  `  ${label}: p50 ${percentile(ms, 50).toFixed(0)} ms, p95 ${percentile(ms, 95).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms`

async function main(): Promise<void> {
  buildClient()
  for (const nudge of [false, true]) {
    const { first, next } = await measure(nudge)
    console.log(
      `${nudge ? 'with nudges' : 'polling every second only'}, ${RUNS} instances (load average ${loadavg()[0]!.toFixed(1)}):`,
    )
    console.log(line('start → first task in the inbox', first))
    console.log(line(`completion → next task in the inbox (target p95 < ${TARGET_MS} ms)`, next))
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
