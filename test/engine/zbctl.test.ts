/**
 * The `zbctl` Go binary (npm package `zbctl`, Zeebe 8.4's CLI) drives the engine over real
 * gRPC: status, deploy (DeployProcess and DeployResource), create instance, activate, complete
 * and fail jobs, publish message, cancel, and bad input.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../support/databases'
import {
  fixture,
  instanceRecords,
  startTestEngine,
  waitForCompletion,
  waitForRecord,
  zbctlPath,
  type TestEngine,
} from './support'
import { fieldsOf } from '../../engine/state/records'

const run = promisify(execFile)

interface ZbctlResult {
  code: number
  stdout: string
  stderr: string
}

describe.each(testDatabaseTargets())('zbctl against the engine ($kind)', (target) => {
  let t: TestEngine

  async function zbctl(...args: string[]): Promise<ZbctlResult> {
    try {
      const { stdout, stderr } = await run(
        zbctlPath,
        [...args, '--insecure', '--address', `127.0.0.1:${t.port}`],
        { timeout: 30_000 },
      )
      return { code: 0, stdout, stderr }
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string }
      return {
        code: typeof e.code === 'number' ? e.code : 1,
        stdout: e.stdout ?? '',
        stderr: e.stderr ?? '',
      }
    }
  }

  async function json(...args: string[]): Promise<Record<string, unknown>> {
    const r = await zbctl(...args)
    if (r.code !== 0) throw new Error(`zbctl ${args.join(' ')} failed: ${r.stderr}`)
    return JSON.parse(r.stdout) as Record<string, unknown>
  }

  async function activateOne(
    type: string,
  ): Promise<{ key: string; processInstanceKey: string; variables: string }> {
    const activated = await json(
      'activate',
      'jobs',
      type,
      '--maxJobsToActivate',
      '1',
      '--timeout',
      '1m',
    )
    const jobs = activated.jobs as { key: string; processInstanceKey: string; variables: string }[]
    expect(jobs).toHaveLength(1)
    return jobs[0]!
  }

  beforeAll(async () => {
    t = await startTestEngine(target)
  })

  afterAll(async () => {
    await t?.stop()
  })

  test('status shows the single broker with its leader partition', async () => {
    const r = await zbctl('status')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Cluster size: 1')
    expect(r.stdout).toContain('Leader, Healthy')
  })

  test('deploys with `deploy FILE` and `deploy resource FILE`', async () => {
    const legacy = await json('deploy', fixture('gw-order.bpmn'))
    const resource = await json(
      'deploy',
      'resource',
      fixture('gw-message.bpmn'),
      fixture('gw-error.bpmn'),
    )
    expect(JSON.stringify(legacy)).toContain('gw-order')
    const deployed = JSON.stringify(resource)
    expect(deployed).toContain('gw-message')
    expect(deployed).toContain('gw-error')
  })

  test('creates an instance, activates and completes its jobs until it completes', async () => {
    // given
    const created = await json('create', 'instance', 'gw-order', '--variables', '{"amount": 150}')
    const pi = String(created.processInstanceKey)
    // when
    const check = await activateOne('gw-check-order')
    expect(check.processInstanceKey).toBe(pi)
    expect(JSON.parse(check.variables)).toEqual({ amount: 150 })
    expect(
      (await zbctl('complete', 'job', check.key, '--variables', '{"checked": true}')).code,
    ).toBe(0)
    const approve = await activateOne('gw-approve-order')
    expect((await zbctl('complete', 'job', approve.key)).code).toBe(0)
    // then
    await waitForCompletion(t.engine, pi)
  })

  test('fails a job into an incident and publishes a message that continues an instance', async () => {
    // given
    const failing = await json('create', 'instance', 'gw-order', '--variables', '{"amount": 1}')
    const job = await activateOne('gw-check-order')
    // when
    const failed = await zbctl(
      'fail',
      'job',
      job.key,
      '--retries',
      '0',
      '--errorMessage',
      'zbctl says no',
    )
    // then
    expect(failed.code).toBe(0)
    const incident = await waitForRecord(
      t.engine,
      String(failing.processInstanceKey),
      'INCIDENT',
      'CREATED',
    )
    expect(String(fieldsOf(incident).errorMessage)).toContain('zbctl says no')

    // given
    const waiting = await json(
      'create',
      'instance',
      'gw-message',
      '--variables',
      '{"orderId": "zbctl-1"}',
    )
    const pi = String(waiting.processInstanceKey)
    await waitForRecord(
      t.engine,
      pi,
      'PROCESS_INSTANCE',
      'ELEMENT_ACTIVATED',
      'Event_WaitForPayment',
    )
    // when
    const published = await zbctl(
      'publish',
      'message',
      'gw-order-paid',
      '--correlationKey',
      'zbctl-1',
      '--variables',
      '{"paid": true}',
    )
    // then
    expect(published.code).toBe(0)
    const ship = await activateOne('gw-ship')
    expect(JSON.parse(ship.variables)).toMatchObject({ paid: true, orderId: 'zbctl-1' })
    await zbctl('complete', 'job', ship.key)
    await waitForCompletion(t.engine, pi)
  })

  test('throws a BPMN error from a job and awaits an instance result with --withResult', async () => {
    // given
    const created = await json('create', 'instance', 'gw-error')
    const pi = String(created.processInstanceKey)
    const charge = await activateOne('gw-charge')
    // when
    const thrown = await zbctl(
      'throwError',
      'job',
      charge.key,
      '--errorCode',
      'REJECTED',
      '--errorMessage',
      'declined',
    )
    // then
    expect(thrown.code).toBe(0)
    const notify = await activateOne('gw-notify-rejected')
    expect(notify.processInstanceKey).toBe(pi)
    await zbctl('complete', 'job', notify.key)
    await waitForCompletion(t.engine, pi)

    // when
    const withResult = json(
      'create',
      'instance',
      'gw-order',
      '--variables',
      '{"amount": 2}',
      '--withResult',
    )
    const check = await activateOne('gw-check-order')
    await zbctl('complete', 'job', check.key, '--variables', '{"checked": "zbctl"}')
    // then
    const result = await withResult
    expect(JSON.parse(String(result.variables))).toMatchObject({ amount: 2, checked: 'zbctl' })
  })

  test('cancels an instance', async () => {
    const created = await json(
      'create',
      'instance',
      'gw-message',
      '--variables',
      '{"orderId": "zbctl-2"}',
    )
    const pi = String(created.processInstanceKey)
    expect((await zbctl('cancel', 'instance', pi)).code).toBe(0)
    const records = await instanceRecords(t.engine, pi)
    expect(records.some((r) => r.key === pi && r.intent === 'ELEMENT_TERMINATED')).toBe(true)
  })

  test('bad input is refused with clear gRPC errors and the engine keeps serving', async () => {
    const malformed = await zbctl('deploy', 'resource', fixture('malformed.bpmn'))
    expect(malformed.code).not.toBe(0)
    expect(malformed.stderr).toContain('InvalidArgument')
    const unknown = await zbctl('create', 'instance', 'gw-no-such-process')
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr).toContain('NotFound')
    const badVariables = await zbctl('create', 'instance', 'gw-order', '--variables', '{"amount": ')
    expect(badVariables.code).not.toBe(0)
    expect(badVariables.stderr).toMatch(/InvalidArgument|invalid|JSON/i)
    await json('create', 'instance', 'gw-order', '--variables', '{"amount": 1}')
    const job = await activateOne('gw-check-order')
    expect((await zbctl('complete', 'job', job.key)).code).toBe(0)
    const twice = await zbctl('complete', 'job', job.key)
    expect(twice.code).not.toBe(0)
    expect(twice.stderr).toContain('NotFound')
    expect((await zbctl('status')).code).toBe(0)
  })
})
