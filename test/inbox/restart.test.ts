/**
 * A server killed mid-task loses nothing: after a restart on the same data folder the task is
 * still claimed by the same person, its completion reaches the engine and the instance ends.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { TaskView } from '../../server/src/inbox/task-model'
import { purgeExpiredWorkingData } from '../../server/src/history/retention'
import { eventually, startHarness, type Harness } from '../support/harness'
import { deployTriage, startTriage } from '../support/triage'

const dir = mkdtempSync(join(tmpdir(), 'sms-restart-'))
const harnesses: Harness[] = []

afterAll(async () => {
  for (const h of harnesses) await h.stop().catch(() => undefined)
  rmSync(dir, { recursive: true, force: true })
  rmSync(`${dir}.data`, { recursive: true, force: true }) // the harness's DATA_DIR for `dir`
})

describe('restart mid-task', () => {
  it('keeps the claimed task and completes it after the restart', async () => {
    const first = await startHarness({ pgliteDir: dir, deployProcesses: false })
    harnesses.push(first)
    await deployTriage(first)
    const desk = await first.login('desk')
    const { task, processInstanceKey } = await startTriage(first, desk, 'INC-R1', 'Restart me')
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    await first.stop()
    harnesses.pop()

    const second = await startHarness({
      pgliteDir: dir,
      deployProcesses: false,
      passwords: first.passwords,
    })
    harnesses.push(second)
    expect(second.server.seededUsers).toEqual([])
    const deskAgain = await second.login('desk')
    const after = await deskAgain.get<{ task: TaskView }>(`/tasks/${task.id}`)
    expect(after.body.task).toMatchObject({ state: 'claimed', assignee: 'desk' })
    const done = await deskAgain.post<TaskView>(`/tasks/${task.id}/complete`, {
      data: { summary: 'Done after restart', impact: 'medium' },
    })
    expect(done.status).toBe(200)
    const auditor = await second.login('auditor')
    await eventually(
      async () => {
        const r = await auditor.get<{ instance: { state: string } }>(
          `/process-instances/${processInstanceKey}/history`,
        )
        return r.body.instance?.state === 'completed'
      },
      15_000,
      'the instance to complete after the restart',
    )
  })
})

describe('retention of working data (4.3.3)', () => {
  it('purges tasks of long-ended instances while their history and evidence remain', async () => {
    const h = await startHarness({ deployProcesses: false })
    harnesses.push(h)
    await deployTriage(h)
    const desk = await h.login('desk')
    const { task, processInstanceKey } = await startTriage(h, desk, 'INC-OLD1', 'Long ago')
    await desk.post(`/tasks/${task.id}/claim`)
    const data = { summary: 'Fixed in 2024', impact: 'high' }
    expect((await desk.post(`/tasks/${task.id}/complete`, { data })).status).toBe(200)
    const auditor = await h.login('auditor')
    const url = `/process-instances/${processInstanceKey}/history`
    await eventually(
      async () => {
        const r = await auditor.get<{ instance: { state: string } }>(url)
        return r.body.instance?.state === 'completed'
      },
      15_000,
      'the instance to complete',
    )

    const { db } = h.server.database
    const now = Date.now() + 400 * 86_400_000
    expect(await purgeExpiredWorkingData({ db, audit: h.server.services.audit, days: 365 })).toBe(0)
    expect(
      await purgeExpiredWorkingData({
        db,
        audit: h.server.services.audit,
        days: 365,
        now: () => now,
      }),
    ).toBe(1)
    expect((await desk.get(`/tasks/${task.id}`)).status).toBe(404)

    const history = await auditor.get<{
      steps: { elementId: string; intent: string }[]
      evidence: {
        entries: { action: string; after: { data?: unknown } }[]
        verification: { ok: boolean }
      }
    }>(url)
    expect(history.status).toBe(200)
    expect(history.body.steps.some((s) => s.elementId === 'Task_TriageTicket')).toBe(true)
    const completed = history.body.evidence.entries.find((e) => e.action === 'task.completed')
    expect(completed?.after.data).toEqual(data)
    expect(history.body.evidence.entries.map((e) => e.action)).toContain(
      'retention.working-data-purged',
    )
    expect(history.body.evidence.verification.ok).toBe(true)
  })
})
