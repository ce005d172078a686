import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import type { ActivatedJob } from '../api'
import { createEngine, type Engine } from '../engine'
import { JobDispatcher, type JobStream } from './job-dispatcher'

const orderBpmn = readFileSync(
  join(import.meta.dirname, '..', '..', 'test', 'engine', 'fixtures', 'gw-order.bpmn'),
)

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 5_000,
): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

function stream(pushed: ActivatedJob[], alive: () => boolean = () => true): JobStream {
  return {
    command: { type: 'gw-check-order', worker: 'stream', timeoutMs: 60_000 },
    push: (job) => {
      if (!alive()) return false
      pushed.push(job)
      return true
    },
    end: () => {},
  }
}

describe.each(testDatabaseTargets())('job dispatcher on the real engine ($kind)', (target) => {
  let db: TestDatabase
  let engine: Engine
  let dispatcher: JobDispatcher
  const create = () =>
    engine.createProcessInstance({ bpmnProcessId: 'gw-order', variables: { amount: 1 } })

  beforeAll(async () => {
    db = await target.open()
    engine = await createEngine({ sql: db.database.sql })
    await engine.deployResources([{ name: 'gw-order.bpmn', content: orderBpmn }])
    dispatcher = new JobDispatcher(engine)
  })

  afterAll(async () => {
    dispatcher?.close()
    await engine?.close()
    await db?.drop()
  })

  test('a job pushed to a stream that is gone is yielded back and can be activated at once', async () => {
    // given a stream whose connection died without the gateway noticing yet
    const close = dispatcher.openStream(stream([], () => false))
    // when
    const created = await create()
    // then
    await until('the stream to be dropped', () => dispatcher.waiting.streams === 0)
    let activated: ActivatedJob[] = []
    await until('the job to be activatable again', async () => {
      activated = await engine.activateJobs({
        type: 'gw-check-order',
        worker: 'after-yield',
        timeoutMs: 60_000,
        maxJobsToActivate: 10,
      })
      return activated.length > 0
    })
    expect(activated.map((j) => j.processInstanceKey)).toEqual([created.processInstanceKey])
    expect(activated[0]!.retries).toBe(3)
    close()
    await engine.completeJob(activated[0]!.key, {})
  })

  test('jobs alternate between open streams', async () => {
    // given
    const a: ActivatedJob[] = []
    const b: ActivatedJob[] = []
    const closeA = dispatcher.openStream(stream(a))
    const closeB = dispatcher.openStream(stream(b))
    // when
    for (let i = 0; i < 6; i++) {
      await create()
      await until('the job to be pushed', () => a.length + b.length === i + 1)
    }
    // then
    expect(a.length).toBeGreaterThanOrEqual(2)
    expect(b.length).toBeGreaterThanOrEqual(2)
    closeA()
    closeB()
    for (const job of [...a, ...b]) await engine.completeJob(job.key, {})
    expect(dispatcher.waiting).toEqual({ polls: 0, streams: 0, listeners: 0 })
  })

  test('cancelled and timed-out polls leave no poll and no engine listener behind', async () => {
    // given
    let finished = 0
    const cancels = Array.from({ length: 20 }, (_, i) =>
      dispatcher.poll(
        {
          command: {
            type: `gw-idle-${i % 3}`,
            worker: 'w',
            timeoutMs: 1_000,
            maxJobsToActivate: 1,
          },
          noWait: false,
          deliver: () => true,
          finish: () => finished++,
        },
        i < 10 ? 60_000 : 50,
      ),
    )
    // when: ten time out by themselves, ten are cancelled by their clients
    await until('the short polls to time out', () => finished === 10)
    for (const cancel of cancels.slice(0, 10)) cancel()
    // then
    expect(dispatcher.waiting).toEqual({ polls: 0, streams: 0, listeners: 0 })
  })
})
