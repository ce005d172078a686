import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../../test/support/databases'
import { CaseService, CatalogueService, CmdbService, systemActor } from '../cases'
import { AuditTrail } from '../evidence/audit-trail'
import { createLogger } from '../log'
import { NotificationService } from '../notifications/notification.service'
import { seedDemoUsers } from '../seed/demo'
import { backOffMs, defineWorker, ErrorCode, type JobData } from './define-worker'
import { defaultWorkerSettings, type WorkerDeps } from './deps'
import { notifyCustomer } from './notify-customer.worker'
import { prioritiseCase } from './prioritise-case.worker'

let jobKey = 1000
const job = (
  type: string,
  variables: Record<string, unknown>,
  over: Partial<JobData> = {},
): JobData => ({
  key: String(++jobKey),
  type,
  processInstanceKey: '1',
  bpmnProcessId: 'test',
  elementId: 'Task_Test',
  retries: 3,
  variables,
  customHeaders: {},
  ...over,
})

describe.each(testDatabaseTargets())('worker framework on $kind', (target) => {
  let testDb: TestDatabase
  let deps: WorkerDeps

  beforeAll(async () => {
    testDb = await target.open()
    const db = testDb.database.db
    await seedDemoUsers(db)
    const audit = new AuditTrail(db)
    const log = createLogger('silent')
    deps = {
      db,
      cases: new CaseService({ db, audit, log }),
      cmdb: new CmdbService({ db, audit }),
      catalogue: new CatalogueService({ db, audit }),
      notifications: new NotificationService({ db }),
      messages: {
        publish: () => Promise.reject(new Error('no engine in this test')),
      },
      settings: defaultWorkerSettings,
      log,
      now: () => new Date(),
    }
  })
  afterAll(async () => {
    await testDb?.drop()
  })

  const incident = async (title: string) =>
    (await deps.cases.create('incident', { title, requester: 'customer' }, systemActor('test'))).id

  it('fails a job with invalid input with a clear message, one retry less and a back-off', async () => {
    // when
    const result = await prioritiseCase.run(
      job('prioritise-case', { caseKind: 'incident', caseId: 'INC-1', impact: 7 }),
      deps,
    )
    // then
    expect(result).toEqual({
      outcome: 'fail',
      errorMessage:
        'Invalid input for prioritise-case at Task_Test: /urgency is missing; /impact must be <= 3',
      retries: 2,
      retryBackOff: 60_000,
    })
  })

  it('throws the BPMN error CASE_NOT_FOUND for a case that does not exist', async () => {
    const result = await prioritiseCase.run(
      job('prioritise-case', { caseKind: 'incident', caseId: 'INC-999999', impact: 1, urgency: 1 }),
      deps,
    )
    expect(result).toMatchObject({ outcome: 'error', errorCode: ErrorCode.CASE_NOT_FOUND })
  })

  it('fails a technical failure with growing back-off and no stored outcome', async () => {
    // given
    let calls = 0
    const flaky = defineWorker<Record<string, never>, Record<string, never>>({
      type: 'flaky',
      inputSchema: { type: 'object', properties: {} },
      handler() {
        calls++
        return Promise.reject(new Error('database unavailable'))
      },
    })
    // when
    const first = await flaky.run(job('flaky', {}, { key: 'f1', retries: 3 }), deps)
    const second = await flaky.run(job('flaky', {}, { key: 'f1', retries: 2 }), deps)
    // then
    expect(first).toEqual({
      outcome: 'fail',
      errorMessage: 'flaky failed: database unavailable',
      retries: 2,
      retryBackOff: backOffMs(3),
    })
    expect(second).toMatchObject({ outcome: 'fail', retries: 1, retryBackOff: backOffMs(2) })
    expect(backOffMs(2)).toBeGreaterThan(backOffMs(3))
    expect(calls).toBe(2)
  })

  it('repeats the outcome of a re-delivered job without repeating its effects (8.1: the customer is told once)', async () => {
    // given
    const id = await incident('Printer offline')
    const delivery = job('notify-customer', {
      caseKind: 'incident',
      caseId: id,
      template: 'incident-recorded',
    })
    // when
    const first = await notifyCustomer.run(delivery, deps)
    const again = await notifyCustomer.run({ ...delivery, retries: 2 }, deps)
    // then
    expect(first).toEqual({ outcome: 'complete', variables: { customerNotified: true } })
    expect(again).toEqual(first)
    const told = await deps.notifications.listForCase('incident', id)
    expect(told).toHaveLength(1)
    expect(told[0]).toMatchObject({ recipient: 'customer', template: 'incident-recorded' })
  })

  it('8.1 b, 4.3.3: records the priority the decision allocated and the decision version bound to the process version', async () => {
    // given: a deployment recorded priority-matrix version 3 with process version pd-prio
    const id = await incident('Slow VPN')
    await deps.db
      .insertInto('deployed_decisions')
      .values({
        decision_key: '9001',
        decision_id: 'priority-matrix',
        name: 'Priority',
        version: 3,
        decision_requirements_key: '9000',
        decision_requirements_id: 'priority-matrix-drg',
        deployment_key: '8999',
      })
      .execute()
    await deps.db
      .insertInto('process_version_decisions')
      .values({
        process_definition_key: 'pd-prio',
        decision_id: 'priority-matrix',
        decision_key: '9001',
      })
      .execute()
    const input = { caseKind: 'incident', caseId: id, impact: 3, urgency: 3 }
    // when
    const result = await prioritiseCase.run(
      job(
        'prioritise-case',
        { ...input, allocatedPriority: 4 },
        { processDefinitionKey: 'pd-prio' },
      ),
      deps,
    )
    const unbound = await prioritiseCase.run(
      job(
        'prioritise-case',
        { ...input, allocatedPriority: 4 },
        { processDefinitionKey: 'pd-other' },
      ),
      deps,
    )
    const noRule = await prioritiseCase.run(
      job(
        'prioritise-case',
        { ...input, allocatedPriority: null },
        { processDefinitionKey: 'pd-prio' },
      ),
      deps,
    )
    // then
    const priorityDecision = { decisionId: 'priority-matrix', version: 3, decisionKey: '9001' }
    expect(result).toEqual({
      outcome: 'complete',
      variables: { priority: 4, priorityDecision, isMajorIncident: false, majorStepsHere: false },
    })
    const record = await deps.cases.findCase('incident', id)
    expect(record?.priority).toBe(4)
    expect(record?.data).toMatchObject({ priorityDecisionVersion: 3, priorityDecisionKey: '9001' })
    // no evidence of the deciding version, or no priority: the job fails and is retried
    expect(unbound).toMatchObject({ outcome: 'fail', retries: 2 })
    expect(unbound).toMatchObject({
      errorMessage: expect.stringContaining('decision priority-matrix'),
    })
    expect(noRule).toMatchObject({
      outcome: 'fail',
      errorMessage: expect.stringContaining('allocated no priority 1–4 for impact 3 and urgency 3'),
    })
  })
})
