/**
 * Gateway behaviour seen through a plain gRPC client built from the same zeebe.proto: long
 * polling, many concurrent polls and cancellation without leaked listeners, job streams,
 * UNIMPLEMENTED RPCs, variables and tenant validation, gzip-compressed requests, the
 * authorization metadata the official clients send, and the HTTP record log endpoint.
 */
import { readFileSync } from 'node:fs'
import * as grpc from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startEngine, type RunningEngine } from '../../engine/index'
import { testDatabaseTargets, type TestDatabase } from '../support/databases'
import {
  activate,
  authorization,
  call,
  callError,
  gatewayClient,
  type GatewayClient,
  type Reply,
  type StreamMethod,
} from './grpc-client'
import { fixture, waitFor, waitForCompletion } from './support'
import { fieldsOf } from '../../engine/state/records'

describe.each(testDatabaseTargets())('the gateway over plain gRPC ($kind)', (target) => {
  let db: TestDatabase
  let running: RunningEngine
  let client: GatewayClient

  const createOrder = async (amount: number) =>
    String(
      (
        await call(client, 'CreateProcessInstance', {
          bpmnProcessId: 'gw-order',
          version: -1,
          variables: JSON.stringify({ amount }),
          tenantId: '<default>',
        })
      ).processInstanceKey,
    )

  beforeAll(async () => {
    db = await target.open()
    running = await startEngine({
      sql: db.database.sql,
      port: 0,
      httpPort: 0,
      defaultLongPollMs: 1_500,
    })
    client = gatewayClient(running.address, true)
    await call(client, 'DeployResource', {
      resources: [{ name: 'gw-order.bpmn', content: readFileSync(fixture('gw-order.bpmn')) }],
      tenantId: '',
    })
  })

  afterAll(async () => {
    client?.close()
    await running?.stop()
    await db?.drop()
  })

  test('a long poll waits for a job created after the request, then answers with it', async () => {
    // given
    const poll = activate(client, {
      type: 'gw-check-order',
      worker: 'poller',
      timeout: 60_000,
      maxJobsToActivate: 5,
      requestTimeout: 10_000,
      tenantIds: [],
    })
    await waitFor('the poll to wait', () => running.gateway.service.dispatcher.waiting.polls === 1)
    // when
    const pi = await createOrder(1)
    // then
    const { jobs } = await poll.done
    expect(jobs).toHaveLength(1)
    expect(jobs[0]!.processInstanceKey).toBe(pi)
    expect(JSON.parse(String(jobs[0]!.customHeaders))).toEqual({ channel: 'grpc' })
    expect(JSON.parse(String(jobs[0]!.variables))).toEqual({ amount: 1 })
    await call(client, 'CompleteJob', { jobKey: jobs[0]!.key, variables: '' })
    await waitForCompletion(running.engine, pi)
  })

  test('requestTimeout -1 answers at once and 0 waits the gateway default', async () => {
    const immediate = await activate(client, {
      type: 'gw-nothing',
      worker: 'w',
      timeout: 1000,
      maxJobsToActivate: 1,
      requestTimeout: -1,
    }).done
    expect(immediate.jobs).toEqual([])
    expect(immediate.ms).toBeLessThan(1_000)
    const defaulted = await activate(client, {
      type: 'gw-nothing',
      worker: 'w',
      timeout: 1000,
      maxJobsToActivate: 1,
      requestTimeout: 0,
    }).done
    expect(defaulted.jobs).toEqual([])
    expect(defaulted.ms).toBeGreaterThanOrEqual(1_400)
  })

  test('many concurrent polls share the jobs and cancelled polls leave no listener behind', async () => {
    // given
    const polls = Array.from({ length: 40 }, (_, i) =>
      activate(client, {
        type: 'gw-check-order',
        worker: `p${i}`,
        timeout: 60_000,
        maxJobsToActivate: 1,
        requestTimeout: 20_000,
      }),
    )
    await waitFor(
      'all polls to wait',
      () => running.gateway.service.dispatcher.waiting.polls === 40,
    )
    // when
    const created = await Promise.all([1, 2, 3, 4, 5].map((a) => createOrder(a)))
    const answered = await waitFor('five polls to be answered', async () => {
      const settled = await Promise.all(
        polls.map((p) => Promise.race([p.done, Promise.resolve(undefined)])),
      )
      const withJobs = settled.filter((s) => s && s.jobs.length === 1)
      return withJobs.length === 5 ? withJobs : undefined
    })
    for (const p of polls) p.cancel()
    // then
    expect(answered.map((a) => String(a!.jobs[0]!.processInstanceKey)).sort()).toEqual(
      [...created].sort(),
    )
    await waitFor('the dispatcher to drop every poll and listener', () => {
      const w = running.gateway.service.dispatcher.waiting
      return w.polls === 0 && w.listeners === 0
    })
    for (const a of answered)
      await call(client, 'CompleteJob', { jobKey: a!.jobs[0]!.key, variables: '{}' })
  })

  test('jobs are pushed to an open stream, and a job created after it closed stays activatable', async () => {
    // given
    const stream = (client.StreamActivatedJobs as StreamMethod).call(
      client,
      {
        type: 'gw-check-order',
        worker: 'streamer',
        timeout: 60_000,
        fetchVariable: ['amount'],
        tenantIds: ['<default>'],
      },
      authorization(),
    )
    const pushed: Reply[] = []
    stream.on('data', (job: Reply) => pushed.push(job))
    stream.on('error', () => {
      // cancelled below
    })
    await waitFor(
      'the stream to open',
      () => running.gateway.service.dispatcher.waiting.streams === 1,
    )
    // when
    const pi = await createOrder(7)
    // then
    await waitFor('the job to be pushed', () => pushed.length === 1)
    expect(pushed[0]!.processInstanceKey).toBe(pi)
    expect(JSON.parse(String(pushed[0]!.variables))).toEqual({ amount: 7 })
    await call(client, 'CompleteJob', { jobKey: pushed[0]!.key, variables: '{}' })
    // when
    stream.cancel()
    await waitFor(
      'the stream to close',
      () => running.gateway.service.dispatcher.waiting.streams === 0,
    )
    const later = await createOrder(8)
    // then
    const { jobs } = await activate(client, {
      type: 'gw-check-order',
      worker: 'w',
      timeout: 60_000,
      maxJobsToActivate: 1,
      requestTimeout: 5_000,
    }).done
    expect(jobs.map((j) => j.processInstanceKey)).toEqual([later])
    await call(client, 'CompleteJob', { jobKey: jobs[0]!.key, variables: '{}' })
  })

  test('job commands: set variables, fail with back-off, update the timeout', async () => {
    // given
    const pi = await createOrder(11)
    const set = await call(client, 'SetVariables', {
      elementInstanceKey: pi,
      variables: '{"note":"from SetVariables"}',
      local: false,
    })
    expect(String(set.key)).toMatch(/^\d+$/)
    const first = await activate(client, {
      type: 'gw-check-order',
      worker: 'w',
      timeout: 60_000,
      maxJobsToActivate: 1,
      requestTimeout: 5_000,
    }).done
    const job = first.jobs[0]!
    expect(JSON.parse(String(job.variables))).toEqual({ amount: 11, note: 'from SetVariables' })
    // when failed with a back-off, the job is not activatable before it ends
    await call(client, 'FailJob', {
      jobKey: job.key,
      retries: 2,
      errorMessage: 'later',
      retryBackOff: 60_000,
    })
    const during = await activate(client, {
      type: 'gw-check-order',
      worker: 'w',
      timeout: 60_000,
      maxJobsToActivate: 1,
      requestTimeout: -1,
    }).done
    expect(during.jobs).toEqual([])
    // when a second instance's job gets a short timeout, it is activatable again after it
    const pi2 = await createOrder(12)
    const second = (
      await activate(client, {
        type: 'gw-check-order',
        worker: 'w',
        timeout: 60_000,
        maxJobsToActivate: 1,
        requestTimeout: 5_000,
      }).done
    ).jobs[0]!
    expect(second.processInstanceKey).toBe(pi2)
    await call(client, 'UpdateJobTimeout', { jobKey: second.key, timeout: 100 })
    const again = await activate(client, {
      type: 'gw-check-order',
      worker: 'w2',
      timeout: 60_000,
      maxJobsToActivate: 1,
      requestTimeout: 5_000,
    }).done
    // then
    expect(again.jobs.map((j) => j.key)).toEqual([second.key])
    expect(again.jobs[0]!.worker).toBe('w2')
    await call(client, 'CancelProcessInstance', { processInstanceKey: pi })
    await call(client, 'CancelProcessInstance', { processInstanceKey: pi2 })
  })

  test('CreateProcessInstanceWithResult ends with DEADLINE_EXCEEDED when the instance does not finish in time', async () => {
    const err = await callError(client, 'CreateProcessInstanceWithResult', {
      request: { bpmnProcessId: 'gw-order', version: -1, variables: '{"amount":1}' },
      requestTimeout: 300,
    })
    expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED)
    expect(err.details).toContain('300 ms')
  })

  test('BroadcastSignal answers with the signal key and the default tenant', async () => {
    const signal = await call(client, 'BroadcastSignal', {
      signalName: 'gw-nobody-listens',
      variables: '',
    })
    expect(String(signal.key)).toMatch(/^\d+$/)
    expect(signal.tenantId).toBe('<default>')
  })

  test.each([
    ['not JSON', '{"amount": ', 'not valid JSON'],
    ['an array', '[1, 2]', 'an array'],
    ['a number', '42', 'number'],
  ])(
    'variables that are %s are refused with INVALID_ARGUMENT',
    async (_what, variables, reason) => {
      const err = await callError(client, 'CreateProcessInstance', {
        bpmnProcessId: 'gw-order',
        version: -1,
        variables,
      })
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT)
      expect(err.details).toContain('CreateProcessInstance')
      expect(err.details).toContain(reason)
    },
  )

  test('the default tenant is accepted however it is spelled; another tenant is refused', async () => {
    for (const tenantId of ['', '<default>']) {
      const created = await call(client, 'CreateProcessInstance', {
        bpmnProcessId: 'gw-order',
        version: -1,
        variables: '{"amount":1}',
        tenantId,
      })
      expect(created.tenantId).toBe('<default>')
      await call(client, 'CancelProcessInstance', {
        processInstanceKey: created.processInstanceKey,
      })
    }
    const err = await callError(client, 'CreateProcessInstance', {
      bpmnProcessId: 'gw-order',
      variables: '{}',
      tenantId: 'acme',
    })
    expect(err.code).toBe(grpc.status.INVALID_ARGUMENT)
    expect(err.details).toContain('multi-tenancy')
  })

  test.each([
    ['an empty type', { type: '', maxJobsToActivate: 1, timeout: 1000 }, 'type'],
    [
      'no jobs to activate',
      { type: 'x', maxJobsToActivate: 0, timeout: 1000 },
      'maxJobsToActivate',
    ],
    ['no job timeout', { type: 'x', maxJobsToActivate: 1, timeout: 0 }, 'timeout'],
  ])('ActivateJobs with %s is refused with INVALID_ARGUMENT', async (_what, request, field) => {
    const err = await activate(client, { worker: 'w', requestTimeout: -1, ...request }).done.then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    )
    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT)
    expect(err?.details).toContain(field)
  })

  test('RPCs added since the first gateway are served, not UNIMPLEMENTED', async () => {
    for (const rpc of [
      'EvaluateDecision',
      'ModifyProcessInstance',
      'MigrateProcessInstance',
      'DeleteResource',
    ]) {
      // an empty request is refused on its content, so the RPC is implemented
      const err = await callError(client, rpc, {})
      expect(err.code, rpc).toBe(grpc.status.INVALID_ARGUMENT)
    }
  })

  test('ModifyProcessInstance, MigrateProcessInstance and DeleteResource require their keys', async () => {
    for (const [rpc, field] of [
      ['ModifyProcessInstance', 'processInstanceKey'],
      ['MigrateProcessInstance', 'processInstanceKey'],
      ['DeleteResource', 'resourceKey'],
    ] as const) {
      const err = await callError(client, rpc, {})
      expect(err.code).toBe(grpc.status.INVALID_ARGUMENT)
      expect(err.details).toContain(`Expected ${rpc} to have a positive ${field}`)
    }
  })

  test('engine rejections map to the gRPC status of the same name', async () => {
    const unknownJob = await callError(client, 'CompleteJob', {
      jobKey: '2251799813999999',
      variables: '{}',
    })
    expect(unknownJob.code).toBe(grpc.status.NOT_FOUND)
    const unknownProcess = await callError(client, 'CreateProcessInstance', {
      bpmnProcessId: 'gw-nope',
      version: -1,
    })
    expect(unknownProcess.code).toBe(grpc.status.NOT_FOUND)
    const noResources = await callError(client, 'DeployResource', { resources: [] })
    expect(noResources.code).toBe(grpc.status.INVALID_ARGUMENT)
  })

  test('uncompressed requests work as well as gzip-compressed ones', async () => {
    const plain = gatewayClient(running.address, false)
    try {
      const topology = await call(plain, 'Topology', {})
      expect(topology.clusterSize).toBe(1)
    } finally {
      plain.close()
    }
  })

  test('the HTTP endpoint serves the record log and the deployed XML', async () => {
    // given
    const pi = await createOrder(3)
    // when
    const res = await fetch(
      `${running.httpUrl}/records?processInstanceKey=${pi}&valueType=PROCESS_INSTANCE&limit=5`,
    )
    const page = (await res.json()) as {
      records: { position: number; valueType: string; processInstanceKey?: string }[]
      lastPosition: number
    }
    // then
    expect(res.status).toBe(200)
    expect(page.records.length).toBeGreaterThan(0)
    expect(page.records.length).toBeLessThanOrEqual(5)
    expect(page.records.every((r) => r.valueType === 'PROCESS_INSTANCE')).toBe(true)
    expect(page.lastPosition).toBe(page.records[page.records.length - 1]!.position)
    const next = (await (
      await fetch(`${running.httpUrl}/records?afterPosition=${page.lastPosition}&limit=1`)
    ).json()) as { records: { position: number }[] }
    expect(next.records[0]!.position).toBeGreaterThan(page.lastPosition)
    const bad = await fetch(`${running.httpUrl}/records?valueType=NOPE`)
    expect(bad.status).toBe(400)
    // a request target that is no URL path, a malformed escape or a position past 2^53: 400
    for (const target of ['//', '//[', '/process-definitions/%E0%A4%A/xml']) {
      expect((await fetch(`${running.httpUrl}${target}`)).status, target).toBe(400)
    }
    const huge = await fetch(`${running.httpUrl}/records?afterPosition=${'9'.repeat(30)}`)
    expect(huge.status).toBe(400)
    // and the XML
    const deployed = (await running.engine.readRecords({ valueTypes: ['PROCESS'], limit: 1 }))[0]!
    const key = String(fieldsOf(deployed).processDefinitionKey ?? deployed.key)
    const xml = await fetch(`${running.httpUrl}/process-definitions/${key}/xml`)
    expect(xml.status).toBe(200)
    expect(await xml.text()).toBe(readFileSync(fixture('gw-order.bpmn'), 'utf8'))
    expect((await fetch(`${running.httpUrl}/process-definitions/1/xml`)).status).toBe(404)
  })
})
