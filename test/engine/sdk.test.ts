/**
 * The official @camunda8/sdk 8.8 client drives the engine over real gRPC: deploy, create
 * instances, long-polling workers and job streams, failures, BPMN errors, messages, cancel,
 * results, bad input, and a restart of the engine under a connected client.
 */
import { readFileSync } from 'node:fs'
import { Camunda8 } from '@camunda8/sdk'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../support/databases'
import {
  fixture,
  instanceRecords,
  startTestEngine,
  waitFor,
  waitForCompletion,
  waitForRecord,
  type TestEngine,
} from './support'
import { fieldsOf } from '../../engine/state/records'

type Zeebe = ReturnType<Camunda8['getZeebeGrpcApiClient']>

/** gRPC status code of a rejected client call (the SDK keeps grpc-js's `code`). */
function codeOf(err: unknown): number | undefined {
  return err && typeof err === 'object' && 'code' in err && typeof err.code === 'number'
    ? err.code
    : undefined
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: number; message: string }> {
  try {
    await promise
  } catch (err) {
    return { code: codeOf(err), message: err instanceof Error ? err.message : String(err) }
  }
  throw new Error('expected the call to be rejected')
}

describe.each(testDatabaseTargets())('@camunda8/sdk against the engine ($kind)', (target) => {
  let t: TestEngine
  let zeebe: Zeebe

  beforeAll(async () => {
    t = await startTestEngine(target)
    const c8 = new Camunda8({
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${t.port}`,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
      CAMUNDA_LOG_LEVEL: 'none',
    })
    zeebe = c8.getZeebeGrpcApiClient()
    for (const file of ['gw-order.bpmn', 'gw-error.bpmn', 'gw-message.bpmn']) {
      await zeebe.deployResource({ processFilename: fixture(file) })
    }
  })

  afterAll(async () => {
    await zeebe?.close()
    await t?.stop()
  })

  test('reports a single healthy broker in the topology', async () => {
    // when
    const topology = await zeebe.topology()
    // then
    expect(topology.clusterSize).toBe(1)
    expect(topology.brokers).toHaveLength(1)
    expect(topology.brokers[0]!.partitions).toHaveLength(t.engine.info.partitionsCount)
    expect(topology.gatewayVersion).toBe(t.engine.info.version)
  })

  test('deploying an identical resource again returns the same process definition', async () => {
    // given
    const first = await zeebe.deployResource({ processFilename: fixture('gw-order.bpmn') })
    // when
    // the SDK names a file resource by its path; Zeebe compares resource name and checksum
    const again = await zeebe.deployResource({
      name: fixture('gw-order.bpmn'),
      process: readFileSync(fixture('gw-order.bpmn')),
    })
    // then
    const p1 = first.deployments[0]!.process
    const p2 = again.deployments[0]!.process
    expect(p1.bpmnProcessId).toBe('gw-order')
    expect(p2.processDefinitionKey).toBe(p1.processDefinitionKey)
    expect(p2.version).toBe(p1.version)
    expect(p1.processDefinitionKey).toMatch(/^\d+$/)
  })

  test('long-polling workers complete jobs and the instance takes the conditional path', async () => {
    // given
    const seen: { type: string; headers: Record<string, unknown>; amount: unknown }[] = []
    const check = zeebe.createWorker({
      taskType: 'gw-check-order',
      taskHandler: (job) => {
        seen.push({ type: job.type, headers: job.customHeaders, amount: job.variables.amount })
        return job.complete({ checked: true })
      },
    })
    const approve = zeebe.createWorker({
      taskType: 'gw-approve-order',
      taskHandler: (job) => job.complete({ approvedBy: 'sdk', checkedSeen: job.variables.checked }),
    })
    try {
      // when
      const created = await zeebe.createProcessInstance({
        bpmnProcessId: 'gw-order',
        variables: { amount: 150 },
      })
      // then
      await waitForCompletion(t.engine, created.processInstanceKey)
      const records = await instanceRecords(t.engine, created.processInstanceKey)
      const approvals = records.filter(
        (r) =>
          r.valueType === 'JOB' &&
          r.intent === 'COMPLETED' &&
          r.value.elementId === 'Task_ApproveOrder',
      )
      expect(approvals).toHaveLength(1)
      expect(seen).toEqual([{ type: 'gw-check-order', headers: { channel: 'grpc' }, amount: 150 }])
    } finally {
      await check.close()
      await approve.close()
    }
  })

  test('createProcessInstanceWithResult answers with the variables of the completed instance', async () => {
    // given
    const check = zeebe.createWorker({
      taskType: 'gw-check-order',
      taskHandler: (job) => job.complete({ checked: true }),
    })
    try {
      // when
      const result = await zeebe.createProcessInstanceWithResult({
        bpmnProcessId: 'gw-order',
        variables: { amount: 20 },
        requestTimeout: 20_000,
      })
      // then
      expect(result.bpmnProcessId).toBe('gw-order')
      expect(result.variables).toMatchObject({ amount: 20, checked: true })
    } finally {
      await check.close()
    }
  })

  test('streamJobs workers receive jobs pushed over StreamActivatedJobs', async () => {
    // given
    const streamed: string[] = []
    const stream = await zeebe.streamJobs({
      type: 'gw-check-order',
      worker: 'stream-worker',
      tenantIds: [],
      timeout: 30_000,
      pollInterval: -1,
      taskHandler: (job) => {
        streamed.push(job.processInstanceKey)
        return job.complete({ streamed: true })
      },
    })
    try {
      await waitFor(
        'the stream to open',
        () => t.running.gateway.service.dispatcher.waiting.streams > 0,
      )
      // when
      const instances = await Promise.all(
        [1, 2, 3].map(() =>
          zeebe.createProcessInstance({ bpmnProcessId: 'gw-order', variables: { amount: 1 } }),
        ),
      )
      // then
      for (const i of instances) await waitForCompletion(t.engine, i.processInstanceKey)
      expect([...streamed].sort()).toEqual(instances.map((i) => i.processInstanceKey).sort())
    } finally {
      stream.close()
    }
    await waitFor(
      'the stream to close',
      () => t.running.gateway.service.dispatcher.waiting.streams === 0,
    )
  })

  test('a job failed with no retries left raises an incident that resolves after retries are raised', async () => {
    // given
    const created = await zeebe.createProcessInstance({
      bpmnProcessId: 'gw-order',
      variables: { amount: 5 },
    })
    const [job] = await zeebe.activateJobs({
      type: 'gw-check-order',
      worker: 'sdk-test',
      maxJobsToActivate: 1,
      timeout: 60_000,
      requestTimeout: 5_000,
    })
    expect(job!.processInstanceKey).toBe(created.processInstanceKey)
    // when
    await zeebe.failJob({
      jobKey: job!.key,
      retries: 0,
      errorMessage: 'printer on fire',
      retryBackOff: 0,
    })
    // then
    const incident = await waitForRecord(
      t.engine,
      created.processInstanceKey,
      'INCIDENT',
      'CREATED',
    )
    expect(String(fieldsOf(incident).errorMessage)).toContain('printer on fire')
    // Zeebe rejects resolving while the job has no retries left (INVALID_STATE → 9)
    const early = await rejection(zeebe.resolveIncident({ incidentKey: incident.key }))
    expect(early.code).toBe(9)
    expect(early.message).toContain(
      `Expected to resolve incident with key '${incident.key}', but job with key '${job!.key}' has no retries left. Please update the job retries and retry resolving the incident`,
    )
    // when
    await zeebe.updateJobRetries({ jobKey: job!.key, retries: 1 })
    await zeebe.resolveIncident({ incidentKey: incident.key })
    const [again] = await zeebe.activateJobs({
      type: 'gw-check-order',
      worker: 'sdk-test',
      maxJobsToActivate: 1,
      timeout: 60_000,
      requestTimeout: 5_000,
    })
    await zeebe.completeJob({ jobKey: again!.key, variables: {} })
    // then
    await waitForCompletion(t.engine, created.processInstanceKey)
  })

  test('a BPMN error thrown by a worker is caught by the error boundary event', async () => {
    // given
    const charge = zeebe.createWorker({
      taskType: 'gw-charge',
      taskHandler: (job) =>
        job.error({ errorCode: 'REJECTED', errorMessage: 'card declined', variables: {} }),
    })
    const notify = zeebe.createWorker({
      taskType: 'gw-notify-rejected',
      taskHandler: (job) => job.complete(),
    })
    try {
      // when
      const created = await zeebe.createProcessInstance({
        bpmnProcessId: 'gw-error',
        variables: {},
      })
      // then
      await waitForCompletion(t.engine, created.processInstanceKey)
      const records = await instanceRecords(t.engine, created.processInstanceKey)
      expect(
        records.some(
          (r) =>
            r.valueType === 'PROCESS_INSTANCE' &&
            r.intent === 'ELEMENT_COMPLETED' &&
            r.value.elementId === 'EndEvent_Rejected',
        ),
      ).toBe(true)
    } finally {
      await charge.close()
      await notify.close()
    }
  })

  test('a published message is correlated to the waiting instance', async () => {
    // given
    const ship = zeebe.createWorker({
      taskType: 'gw-ship',
      taskHandler: (job) => job.complete({ shippedPaid: job.variables.paid }),
    })
    try {
      const created = await zeebe.createProcessInstance({
        bpmnProcessId: 'gw-message',
        variables: { orderId: 'sdk-order-1' },
      })
      await waitForRecord(
        t.engine,
        created.processInstanceKey,
        'PROCESS_INSTANCE',
        'ELEMENT_ACTIVATED',
        'Event_WaitForPayment',
      )
      // when
      const published = await zeebe.publishMessage({
        name: 'gw-order-paid',
        correlationKey: 'sdk-order-1',
        variables: { paid: true },
        timeToLive: 10_000,
      })
      // then
      expect(published.key).toMatch(/^\d+$/)
      await waitForCompletion(t.engine, created.processInstanceKey)
    } finally {
      await ship.close()
    }
  })

  test('cancelling an instance terminates it', async () => {
    // given
    const created = await zeebe.createProcessInstance({
      bpmnProcessId: 'gw-order',
      variables: { amount: 1 },
    })
    // when
    await zeebe.cancelProcessInstance(created.processInstanceKey)
    // then
    const records = await instanceRecords(t.engine, created.processInstanceKey)
    expect(
      records.some(
        (r) => r.key === created.processInstanceKey && r.intent === 'ELEMENT_TERMINATED',
      ),
    ).toBe(true)
  })

  test('bad input is refused with clear gRPC errors and the engine keeps serving', async () => {
    // malformed BPMN
    const malformed = await rejection(
      zeebe.deployResource({
        name: 'malformed.bpmn',
        process: readFileSync(fixture('malformed.bpmn')),
      }),
    )
    expect(malformed.code).toBe(3) // INVALID_ARGUMENT
    expect(malformed.message).toContain('malformed.bpmn')
    // unknown process id
    const unknown = await rejection(
      zeebe.createProcessInstance({ bpmnProcessId: 'gw-no-such-process', variables: {} }),
    )
    expect(unknown.code).toBe(5) // NOT_FOUND
    expect(unknown.message).toContain('gw-no-such-process')
    // completing a job twice
    await zeebe.createProcessInstance({ bpmnProcessId: 'gw-order', variables: { amount: 1 } })
    const [job] = await zeebe.activateJobs({
      type: 'gw-check-order',
      worker: 'sdk-test',
      maxJobsToActivate: 1,
      timeout: 60_000,
      requestTimeout: 5_000,
    })
    await zeebe.completeJob({ jobKey: job!.key, variables: {} })
    const twice = await rejection(zeebe.completeJob({ jobKey: job!.key, variables: {} }))
    expect(twice.code).toBe(5) // NOT_FOUND
    expect(twice.message).toContain(job!.key)
    // still serving
    expect((await zeebe.topology()).clusterSize).toBe(1)
  })

  test('a connected worker resumes after the engine restarts on the same database and port', async () => {
    // given
    const done: string[] = []
    const worker = zeebe.createWorker({
      taskType: 'gw-check-order',
      pollInterval: 100,
      taskHandler: (job) => {
        done.push(job.processInstanceKey)
        return job.complete()
      },
    })
    try {
      const before = await zeebe.createProcessInstance({
        bpmnProcessId: 'gw-order',
        variables: { amount: 2 },
      })
      await waitForCompletion(t.engine, before.processInstanceKey)
      // when
      await t.restart()
      const after = await zeebe.createProcessInstance({
        bpmnProcessId: 'gw-order',
        variables: { amount: 3 },
      })
      // then
      await waitForCompletion(t.engine, after.processInstanceKey, 30_000)
      expect(done).toContain(after.processInstanceKey)
    } finally {
      await worker.close()
    }
  })
})
