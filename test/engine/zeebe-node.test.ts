/**
 * The older official client `zeebe-node` 8.3 drives the engine over real gRPC: the deprecated
 * DeployProcess RPC, workers, failures, BPMN errors, messages, cancel, results, bad input, and
 * a restart under a connected worker.
 */
import { ZBClient } from 'zeebe-node'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../support/databases'
import {
  fixture,
  instanceRecords,
  startTestEngine,
  waitForCompletion,
  waitForRecord,
  type TestEngine,
} from './support'
import { readFileSync } from 'node:fs'
import { fieldsOf } from '../../engine/state/records'

async function rejection(promise: Promise<unknown>): Promise<{ code?: number; message: string }> {
  try {
    await promise
  } catch (err) {
    const code =
      err && typeof err === 'object' && 'code' in err && typeof err.code === 'number'
        ? err.code
        : undefined
    return { code, message: err instanceof Error ? err.message : String(err) }
  }
  throw new Error('expected the call to be rejected')
}

describe.each(testDatabaseTargets())('zeebe-node against the engine ($kind)', (target) => {
  let t: TestEngine
  let zbc: ZBClient

  beforeAll(async () => {
    t = await startTestEngine(target)
    zbc = new ZBClient(`127.0.0.1:${t.port}`, { useTLS: false, loglevel: 'NONE', retry: false })
  })

  afterAll(async () => {
    await zbc?.close()
    await t?.stop()
  })

  test('reports the topology and deploys with the deprecated DeployProcess RPC', async () => {
    // when
    const topology = await zbc.topology()
    const deployed = await zbc.deployProcess(fixture('gw-order.bpmn'))
    const resource = await zbc.deployResource({ processFilename: fixture('gw-error.bpmn') })
    await zbc.deployResource({ processFilename: fixture('gw-message.bpmn') })
    // then
    expect(topology.brokers).toHaveLength(1)
    expect(deployed.processes[0]!.bpmnProcessId).toBe('gw-order')
    expect(deployed.processes[0]!.version).toBe(1)
    expect(resource.deployments[0]!.process.bpmnProcessId).toBe('gw-error')
  })

  test('workers complete jobs, fail them into an incident, and throw BPMN errors', async () => {
    // given
    const check = zbc.createWorker({
      taskType: 'gw-check-order',
      taskHandler: (job) =>
        job.variables.amount === 13
          ? job.fail({ errorMessage: 'unlucky amount', retries: 0 })
          : job.complete({ checked: true }),
    })
    const approve = zbc.createWorker({
      taskType: 'gw-approve-order',
      taskHandler: (job) => job.complete({ approved: true }),
    })
    const charge = zbc.createWorker({
      taskType: 'gw-charge',
      taskHandler: (job) => job.error('REJECTED', 'card declined'),
    })
    const notify = zbc.createWorker({
      taskType: 'gw-notify-rejected',
      taskHandler: (job) => job.complete(),
    })
    try {
      // when
      const ok = await zbc.createProcessInstance({
        bpmnProcessId: 'gw-order',
        variables: { amount: 500 },
      })
      const unlucky = await zbc.createProcessInstance({
        bpmnProcessId: 'gw-order',
        variables: { amount: 13 },
      })
      const rejected = await zbc.createProcessInstance({ bpmnProcessId: 'gw-error', variables: {} })
      // then
      await waitForCompletion(t.engine, ok.processInstanceKey)
      const okRecords = await instanceRecords(t.engine, ok.processInstanceKey)
      expect(
        okRecords.some((r) => r.valueType === 'JOB' && r.value.elementId === 'Task_ApproveOrder'),
      ).toBe(true)
      const incident = await waitForRecord(
        t.engine,
        unlucky.processInstanceKey,
        'INCIDENT',
        'CREATED',
      )
      expect(String(fieldsOf(incident).errorMessage)).toContain('unlucky amount')
      await waitForCompletion(t.engine, rejected.processInstanceKey)
    } finally {
      await Promise.all([check.close(), approve.close(), charge.close(), notify.close()])
    }
  })

  test('createProcessInstanceWithResult, publishMessage and cancel', async () => {
    // given
    const check = zbc.createWorker({
      taskType: 'gw-check-order',
      taskHandler: (job) => job.complete({ checked: 1 }),
    })
    const ship = zbc.createWorker({ taskType: 'gw-ship', taskHandler: (job) => job.complete() })
    try {
      // when
      const result = await zbc.createProcessInstanceWithResult({
        bpmnProcessId: 'gw-order',
        variables: { amount: 1 },
        requestTimeout: 20_000,
      })
      const waiting = await zbc.createProcessInstance({
        bpmnProcessId: 'gw-message',
        variables: { orderId: 'zbn-1' },
      })
      await waitForRecord(
        t.engine,
        waiting.processInstanceKey,
        'PROCESS_INSTANCE',
        'ELEMENT_ACTIVATED',
        'Event_WaitForPayment',
      )
      await zbc.publishMessage({
        name: 'gw-order-paid',
        correlationKey: 'zbn-1',
        variables: {},
        timeToLive: 10_000,
      })
      const doomed = await zbc.createProcessInstance({
        bpmnProcessId: 'gw-message',
        variables: { orderId: 'zbn-2' },
      })
      await zbc.cancelProcessInstance(doomed.processInstanceKey)
      // then
      expect(result.variables).toMatchObject({ amount: 1, checked: 1 })
      await waitForCompletion(t.engine, waiting.processInstanceKey)
      const doomedRecords = await instanceRecords(t.engine, doomed.processInstanceKey)
      expect(
        doomedRecords.some(
          (r) => r.key === doomed.processInstanceKey && r.intent === 'ELEMENT_TERMINATED',
        ),
      ).toBe(true)
    } finally {
      await Promise.all([check.close(), ship.close()])
    }
  })

  test('bad input is refused with clear gRPC errors and the engine keeps serving', async () => {
    const malformed = await rejection(
      zbc.deployProcess({
        name: 'malformed.bpmn',
        definition: readFileSync(fixture('malformed.bpmn')),
      }),
    )
    expect(malformed.code).toBe(3)
    expect(malformed.message).toContain('malformed.bpmn')
    const unknown = await rejection(
      zbc.createProcessInstance({ bpmnProcessId: 'gw-no-such-process', variables: {} }),
    )
    expect(unknown.code).toBe(5)
    await zbc.createProcessInstance({ bpmnProcessId: 'gw-order', variables: { amount: 1 } })
    const [job] = await zbc.activateJobs({
      type: 'gw-check-order',
      worker: 'zbn-test',
      maxJobsToActivate: 1,
      timeout: 60_000,
      requestTimeout: 5_000,
    })
    await zbc.completeJob({ jobKey: job!.key, variables: {} })
    const twice = await rejection(zbc.completeJob({ jobKey: job!.key, variables: {} }))
    expect(twice.code).toBe(5)
    expect((await zbc.topology()).brokers).toHaveLength(1)
  })

  test('a connected worker resumes after the engine restarts', async () => {
    // given
    const retrying = new ZBClient(`127.0.0.1:${t.port}`, { useTLS: false, loglevel: 'NONE' })
    const worker = retrying.createWorker({
      taskType: 'gw-check-order',
      pollInterval: 100,
      taskHandler: (job) => job.complete(),
    })
    try {
      // when
      await t.restart()
      const after = await retrying.createProcessInstance({
        bpmnProcessId: 'gw-order',
        variables: { amount: 3 },
      })
      // then
      await waitForCompletion(t.engine, after.processInstanceKey, 30_000)
    } finally {
      await worker.close()
      await retrying.close()
    }
  })
})
