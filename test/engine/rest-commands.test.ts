/**
 * The command side of the engine's Orchestration Cluster REST API (v2), driven by the official
 * Camunda 8.8 client `@camunda8/orchestration-cluster-api` against the engine's REST port: every
 * route once, the path each instance took, and the problem answers of 8.8 (404 unknown key,
 * 400 bad body, 409 invalid state). Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
 */
import createCamundaClient from '@camunda8/orchestration-cluster-api'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { dmnResource, priorityMatrix, ruleProcess } from '../../engine/dmn/test-support'
import type { Engine } from '../../engine/engine'
import { startEngine, type RunningEngine } from '../../engine/index'
import { bpmn, chain, completedPath, message, serviceTask } from '../../engine/test-support'
import { camundaUserTask, taskProcess } from '../../engine/user-task/test-support'
import { testDatabaseTargets, type TestDatabase } from '../support/databases'

type Client = ReturnType<typeof createCamundaClient>

/** The error the client threw (status, title, detail as the server sent them). */
async function problem(
  call: Promise<unknown>,
): Promise<{ status: number; title: string; detail: string }> {
  try {
    await call
  } catch (err) {
    return err as { status: number; title: string; detail: string }
  }
  throw new Error('expected the call to fail')
}

const file = (name: string, content: Buffer | string) =>
  new File([typeof content === 'string' ? content : new Uint8Array(content)], name)
// The client brands keys; the engine's keys are the same decimal strings.
const key = (k: string) => k as never

const linear = (id: string) =>
  bpmn(
    id,
    `<bpmn:startEvent id="start" />${serviceTask('A', `${id}-a`)}${serviceTask('B', `${id}-b`)}<bpmn:endEvent id="end" />${chain('start', 'A', 'B', 'end')}`,
  )

describe.each(testDatabaseTargets())('v2 REST commands with the 8.8 client ($kind)', (target) => {
  let db: TestDatabase
  let running: RunningEngine
  let camunda: Client
  let base: string
  const engine = () => running.engine as Engine

  beforeAll(async () => {
    db = await target.open()
    running = await startEngine({ sql: db.database.sql, port: 0, restPort: 0 })
    base = running.restUrl!
    camunda = createCamundaClient({
      config: {
        CAMUNDA_REST_ADDRESS: base,
        CAMUNDA_AUTH_STRATEGY: 'NONE',
        CAMUNDA_SDK_LOG_LEVEL: 'silent',
      } as never,
    })
  })
  afterAll(async () => {
    await running?.stop()
    await db?.drop()
  })

  const activateOne = async (type: string) => {
    const { jobs } = await camunda.activateJobs({
      type,
      worker: 'rest',
      timeout: 60_000,
      maxJobsToActivate: 1,
      requestTimeout: 2_000,
    })
    expect(jobs).toHaveLength(1)
    return jobs[0]!
  }

  test('an ad-hoc sub-process job completes with a result that activates elements, then one that completes it', async () => {
    const agent = bpmn(
      'rest-agent',
      `<bpmn:startEvent id="start" /><bpmn:adHocSubProcess id="agent"><bpmn:extensionElements><zeebe:adHoc outputCollection="results" outputElement="=out" /><zeebe:taskDefinition type="rest-agent" /></bpmn:extensionElements>${serviceTask('tool', 'rest-tool')}</bpmn:adHocSubProcess><bpmn:endEvent id="end" />${chain('start', 'agent', 'end')}`,
    )
    await camunda.createDeployment({ resources: [file('rest-agent.bpmn', agent)] })
    const { processInstanceKey } = await camunda.createProcessInstance({
      processDefinitionId: 'rest-agent' as never,
    })
    const first = await activateOne('rest-agent')
    expect(first.kind).toBe('AD_HOC_SUB_PROCESS')
    await camunda.completeJob({
      jobKey: first.jobKey,
      result: {
        type: 'adHocSubProcess',
        activateElements: [{ elementId: 'tool' as never, variables: { toolCall: { id: 1 } } }],
        isCompletionConditionFulfilled: false,
        isCancelRemainingInstances: false,
      },
    })
    const tool = await activateOne('rest-tool')
    expect(tool.variables).toMatchObject({ toolCall: { id: 1 } })
    await camunda.completeJob({ jobKey: tool.jobKey, variables: { out: 'done' } })
    const second = await activateOne('rest-agent')
    expect(second.variables).toMatchObject({ results: ['done'] })
    const both = await problem(
      camunda.completeJob({
        jobKey: second.jobKey,
        result: {
          type: 'adHocSubProcess',
          activateElements: [{ elementId: 'tool' as never }],
          isCompletionConditionFulfilled: true,
        },
      }),
    )
    expect(both.status).toBe(400)
    await camunda.completeJob({
      jobKey: second.jobKey,
      result: { type: 'adHocSubProcess', isCompletionConditionFulfilled: true },
    })
    expect(await completedPath(engine(), String(processInstanceKey))).toEqual([
      'start',
      'tool',
      'agent#innerInstance',
      'agent',
      'end',
      'rest-agent',
    ])
  })

  test('license and status answer as an unlicensed 8.8 that is up', async () => {
    expect(await camunda.getLicense()).toEqual({
      validLicense: false,
      licenseType: 'unknown',
      isCommercial: false,
      expiresAt: null,
    })
    const status = await fetch(`${base}/v2/status`)
    expect(status.status).toBe(204)
  })

  test('deploys BPMN, DMN and a form in one multipart request; evaluates the decision; deletes a definition', async () => {
    // when
    const deployed = await camunda.createDeployment({
      resources: [
        file(
          'rest-rule.bpmn',
          ruleProcess(
            'rest-rule',
            'decisionId="Decision_PriorityMatrix" resultVariable="priority"',
          ),
        ),
        file(
          'priority.dmn',
          dmnResource('priority.dmn', priorityMatrix, 'PriorityMatrix_DRG').content,
        ),
        file('triage.form', JSON.stringify({ id: 'triage', type: 'default', components: [] })),
      ],
    })

    // then
    expect(deployed.deploymentKey).toMatch(/^\d+$/)
    expect(deployed.deployments).toEqual([
      {
        processDefinition: {
          processDefinitionId: 'rest-rule',
          processDefinitionVersion: 1,
          resourceName: 'rest-rule.bpmn',
          tenantId: '<default>',
          processDefinitionKey: expect.stringMatching(/^\d+$/),
        },
      },
      {
        decisionDefinition: expect.objectContaining({
          decisionDefinitionId: 'Decision_PriorityMatrix',
          version: 1,
          decisionRequirementsId: 'PriorityMatrix_DRG',
        }),
      },
      {
        decisionRequirements: expect.objectContaining({
          decisionRequirementsId: 'PriorityMatrix_DRG',
          resourceName: 'priority.dmn',
        }),
      },
      {
        form: expect.objectContaining({
          formId: 'triage',
          version: 1,
          resourceName: 'triage.form',
        }),
      },
    ])

    // when: ISO/IEC 20000-1 8.1, the priority from impact and urgency
    const evaluation = await camunda.evaluateDecision({
      decisionDefinitionId: 'Decision_PriorityMatrix' as never,
      variables: { impact: 'high', urgency: 'medium' },
    })
    expect(evaluation).toMatchObject({
      decisionDefinitionId: 'Decision_PriorityMatrix',
      output: '"P2"',
      failureMessage: '',
      evaluatedDecisions: [
        expect.objectContaining({ decisionDefinitionType: 'DECISION_TABLE', output: '"P2"' }),
      ],
    })

    // and a creation awaiting completion returns the decided variables
    const result = await camunda.createProcessInstance({
      processDefinitionId: 'rest-rule' as never,
      variables: { impact: 'low', urgency: 'high' },
      awaitCompletion: true,
      fetchVariables: ['priority'],
    })
    expect(result.variables).toEqual({ priority: 'P3' })
    expect(await completedPath(engine(), result.processInstanceKey)).toEqual([
      'start',
      'Task_Decide',
      'end',
      'rest-rule',
    ])

    // and a definition without running instances can be deleted
    const extra = await camunda.createDeployment({ resources: [file('gone.bpmn', linear('gone'))] })
    await camunda.deleteResource({ resourceKey: key(extra.processes[0]!.processDefinitionKey) })
    const missing = await problem(
      camunda.createProcessInstance({ processDefinitionId: 'gone' as never }),
    )
    expect(missing).toMatchObject({ status: 404, title: 'NOT_FOUND' })

    // and the decision requirements (not a decision key: 404, as Zeebe) can be deleted too
    const decisionKey = String(deployed.deployments[1]!.decisionDefinition!.decisionDefinitionKey)
    const drgKey = String(deployed.deployments[2]!.decisionRequirements!.decisionRequirementsKey)
    const notAResource = await problem(camunda.deleteResource({ resourceKey: key(decisionKey) }))
    expect(notAResource).toMatchObject({
      status: 404,
      title: 'NOT_FOUND',
      detail: `Command 'DELETE' rejected with code 'NOT_FOUND': Expected to delete resource but no resource found with key \`${decisionKey}\``,
    })
    await camunda.deleteResource({ resourceKey: key(drgKey) })
    const deleted = await engine().readRecords({
      valueTypes: ['RESOURCE_DELETION', 'DECISION', 'DECISION_REQUIREMENTS'],
    })
    expect(deleted.slice(-4).map((r) => `${r.valueType}:${r.intent}`)).toEqual([
      'RESOURCE_DELETION:DELETING',
      'DECISION:DELETED',
      'DECISION_REQUIREMENTS:DELETED',
      'RESOURCE_DELETION:DELETED',
    ])
    const gone = await problem(
      camunda.evaluateDecision({
        decisionDefinitionId: 'Decision_PriorityMatrix' as never,
        variables: { impact: 'high', urgency: 'medium' },
      }),
    )
    expect(gone).toMatchObject({ status: 404, title: 'NOT_FOUND' })
    // (the v2 search reads secondary storage, which follows the log)
    const searchDecisions = async () => {
      const res = await fetch(`${base}/v2/decision-definitions/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      return ((await res.json()) as { items: unknown[] }).items.length
    }
    await expect.poll(searchDecisions, { timeout: 10_000 }).toBe(0)
  })

  test('jobs: activate, complete, fail to an incident, update retries, resolve, throw a caught error', async () => {
    // given
    const process = bpmn(
      'rest-jobs',
      `<bpmn:startEvent id="start" />${serviceTask('A', 'rest-a')}${serviceTask('B', 'rest-b')}
       <bpmn:boundaryEvent id="Boundary_Rejected" attachedToRef="B"><bpmn:errorEventDefinition errorRef="Err" /></bpmn:boundaryEvent>
       <bpmn:endEvent id="end" /><bpmn:endEvent id="End_Rejected" />
       ${chain('start', 'A', 'B', 'end')}${chain('Boundary_Rejected', 'End_Rejected')}`,
      '<bpmn:error id="Err" errorCode="REJECTED" />',
    )
    await camunda.createDeployment({ resources: [file('rest-jobs.bpmn', process)] })
    const pi = await camunda.createProcessInstance({
      processDefinitionId: 'rest-jobs' as never,
      variables: { n: 1 },
    })

    // when A fails without retries: an incident; PATCH retries, resolve it, complete
    const a = await activateOne('rest-a')
    expect(a).toMatchObject({
      processDefinitionId: 'rest-jobs',
      elementId: 'A',
      variables: { n: 1 },
      kind: 'BPMN_ELEMENT',
      listenerEventType: 'UNSPECIFIED',
      processInstanceKey: pi.processInstanceKey,
    })
    await camunda.failJob({ jobKey: a.jobKey, retries: 0, errorMessage: 'no printer' })
    const [incident] = await engine().readRecords({
      processInstanceKey: pi.processInstanceKey,
      valueTypes: ['INCIDENT'],
    })
    expect(incident!.value).toMatchObject({
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'no printer',
    })
    await camunda.updateJob({ jobKey: a.jobKey, changeset: { retries: 1 } })
    await camunda.resolveIncident({ incidentKey: key(incident!.key) })
    const again = await activateOne('rest-a')
    await camunda.updateJob({ jobKey: again.jobKey, changeset: { timeout: 120_000 } })
    const [timeoutUpdated] = await engine()
      .readRecords({
        processInstanceKey: pi.processInstanceKey,
        valueTypes: ['JOB'],
      })
      .then((rs) => rs.filter((r) => r.intent === 'TIMEOUT_UPDATED'))
    expect(timeoutUpdated!.value).toMatchObject({ timeout: 120_000 })
    await camunda.completeJob({ jobKey: again.jobKey, variables: { printed: true } })

    // and B throws a BPMN error its boundary event catches
    const b = await activateOne('rest-b')
    expect(b.variables).toMatchObject({ n: 1, printed: true })
    await camunda.throwJobError({ jobKey: b.jobKey, errorCode: 'REJECTED', errorMessage: 'no' })

    // then
    expect(await completedPath(engine(), pi.processInstanceKey)).toEqual([
      'start',
      'A',
      'Boundary_Rejected',
      'End_Rejected',
      'rest-jobs',
    ])
    // a completed job is gone: 404 with 8.8's rejection detail
    const gone = await problem(camunda.completeJob({ jobKey: b.jobKey }))
    expect(gone).toMatchObject({
      status: 404,
      title: 'NOT_FOUND',
      detail: `Command 'COMPLETE' rejected with code 'NOT_FOUND': Expected to complete job with key '${b.jobKey}', but no such job was found`,
    })
  })

  test('an activation long-polls until a job is created', async () => {
    // given a poll that waits
    await camunda.createDeployment({ resources: [file('rest-poll.bpmn', linear('rest-poll'))] })
    const polling = camunda.activateJobs({
      type: 'rest-poll-a',
      worker: 'rest',
      timeout: 60_000,
      maxJobsToActivate: 5,
      requestTimeout: 10_000,
    })
    await new Promise((r) => setTimeout(r, 200))

    // when
    const pi = await camunda.createProcessInstance({ processDefinitionId: 'rest-poll' as never })

    // then
    const { jobs } = await polling
    expect(jobs.map((j) => j.processInstanceKey)).toEqual([pi.processInstanceKey])
    const empty = await camunda.activateJobs({
      type: 'rest-poll-none',
      timeout: 1_000,
      maxJobsToActivate: 1,
      requestTimeout: -1,
    })
    expect(empty.jobs).toEqual([])
  })

  test('messages: correlation answers the instance; a published message waits for its subscription; signals broadcast', async () => {
    // given
    const waiting = bpmn(
      'rest-msg',
      `<bpmn:startEvent id="start" /><bpmn:intermediateCatchEvent id="Catch_Paid"><bpmn:messageEventDefinition messageRef="Msg" /></bpmn:intermediateCatchEvent>
       <bpmn:intermediateCatchEvent id="Catch_Shipped"><bpmn:signalEventDefinition signalRef="Sig" /></bpmn:intermediateCatchEvent><bpmn:endEvent id="end" />
       ${chain('start', 'Catch_Paid', 'Catch_Shipped', 'end')}`,
      `${message('Msg', 'paid', '= orderId')}<bpmn:signal id="Sig" name="shipped" />`,
    )
    await camunda.createDeployment({ resources: [file('rest-msg.bpmn', waiting)] })
    const first = await camunda.createProcessInstance({
      processDefinitionId: 'rest-msg' as never,
      variables: { orderId: 'o-1' },
    })

    // when / then: correlation
    const correlated = await camunda.correlateMessage({
      name: 'paid',
      correlationKey: 'o-1',
      variables: { paid: 10 },
    })
    expect(correlated).toMatchObject({
      processInstanceKey: first.processInstanceKey,
      tenantId: '<default>',
      messageKey: expect.stringMatching(/^\d+$/),
    })
    const nobody = await problem(camunda.correlateMessage({ name: 'paid', correlationKey: 'o-9' }))
    expect(nobody).toMatchObject({ status: 404, title: 'NOT_FOUND' })

    // a buffered message correlates when the next instance opens its subscription
    const published = await camunda.publishMessage({
      name: 'paid',
      correlationKey: 'o-2',
      timeToLive: 60_000,
    })
    expect(published.messageKey).toMatch(/^\d+$/)
    const second = await camunda.createProcessInstance({
      processDefinitionId: 'rest-msg' as never,
      variables: { orderId: 'o-2' },
    })

    // a signal moves both on
    const signal = await camunda.broadcastSignal({ signalName: 'shipped' })
    expect(signal).toMatchObject({
      tenantId: '<default>',
      signalKey: expect.stringMatching(/^\d+$/),
    })
    for (const pi of [first, second]) {
      expect(await completedPath(engine(), pi.processInstanceKey)).toEqual([
        'start',
        'Catch_Paid',
        'Catch_Shipped',
        'end',
        'rest-msg',
      ])
    }
  })

  test('user tasks: assign, claim refused (409), update, unassign, complete with variables', async () => {
    // given
    await camunda.createDeployment({
      resources: [file('rest-task.bpmn', taskProcess('rest-task', camundaUserTask('Task')))],
    })
    const pi = await camunda.createProcessInstance({ processDefinitionId: 'rest-task' as never })
    const task = () => engine().listUserTasks({ processInstanceKey: pi.processInstanceKey })[0]!
    const userTaskKey = key(task().userTaskKey)

    // when
    await camunda.assignUserTask({ userTaskKey, assignee: 'ada' })
    const claim = await problem(
      camunda.assignUserTask({ userTaskKey, assignee: 'bob', allowOverride: false }),
    )
    await camunda.updateUserTask({
      userTaskKey,
      changeset: {
        dueDate: '2030-01-31T10:00:00Z',
        candidateGroups: ['service-desk'],
        priority: 80,
      },
    })
    const updated = task()
    await camunda.unassignUserTask({ userTaskKey })
    const unassigned = task()
    await camunda.completeUserTask({
      userTaskKey,
      variables: { resolved: true },
      action: 'resolve',
    })

    // then
    expect(claim).toMatchObject({ status: 409, title: 'INVALID_STATE' })
    expect(updated).toMatchObject({
      assignee: 'ada',
      candidateGroups: ['service-desk'],
      priority: 80,
      dueDate: expect.stringContaining('2030-01-31T10:00'),
    })
    expect(unassigned.assignee ?? '').toBe('')
    expect(await completedPath(engine(), pi.processInstanceKey)).toEqual([
      'start',
      'Task',
      'end',
      'rest-task',
    ])
    const completed = await engine().readRecords({
      processInstanceKey: pi.processInstanceKey,
      valueTypes: ['USER_TASK'],
    })
    expect(completed.at(-1)).toMatchObject({ intent: 'COMPLETED', value: { action: 'resolve' } })
  })

  test('modify, set variables, migrate, cancel a running instance', async () => {
    // given
    await camunda.createDeployment({ resources: [file('rest-mod.bpmn', linear('rest-mod'))] })
    const pi = await camunda.createProcessInstance({ processDefinitionId: 'rest-mod' as never })
    const a = Object.values(engine().state.elementInstances).find(
      (ei) => String(ei.piKey) === pi.processInstanceKey && ei.elementId === 'A',
    )!

    // when: skip A, set a variable, then finish B
    await camunda.modifyProcessInstance({
      processInstanceKey: pi.processInstanceKey,
      activateInstructions: [
        { elementId: 'B' as never, variableInstructions: [{ variables: { skipped: 'A' } }] },
      ],
      terminateInstructions: [{ elementInstanceKey: key(String(a.key)) }],
    })
    await camunda.createElementInstanceVariables({
      elementInstanceKey: key(pi.processInstanceKey),
      variables: { note: 'set over REST' },
    })
    const b = await activateOne('rest-mod-b')
    expect(b.variables).toMatchObject({ skipped: 'A', note: 'set over REST' })
    await camunda.completeJob({ jobKey: b.jobKey })

    // then
    expect(await completedPath(engine(), pi.processInstanceKey)).toEqual([
      'start',
      'B',
      'end',
      'rest-mod',
    ])

    // given a second version where A is called A2
    const other = await camunda.createProcessInstance({ processDefinitionId: 'rest-mod' as never })
    const v2 = await camunda.createDeployment({
      resources: [
        file(
          'rest-mod.bpmn',
          bpmn(
            'rest-mod',
            `<bpmn:startEvent id="start" />${serviceTask('A2', 'rest-mod-a')}${serviceTask('B', 'rest-mod-b')}<bpmn:endEvent id="end" />${chain('start', 'A2', 'B', 'end')}`,
          ),
        ),
      ],
    })

    // when
    await camunda.migrateProcessInstance({
      processInstanceKey: other.processInstanceKey,
      targetProcessDefinitionKey: v2.processes[0]!.processDefinitionKey,
      mappingInstructions: [{ sourceElementId: 'A' as never, targetElementId: 'A2' as never }],
    })
    const migrated = await activateOne('rest-mod-a')
    expect(migrated).toMatchObject({ elementId: 'A2', processDefinitionVersion: 2 })
    await camunda.cancelProcessInstance({ processInstanceKey: other.processInstanceKey })

    // then
    expect(await completedPath(engine(), other.processInstanceKey)).toEqual(['start'])
    const cancelled = await problem(
      camunda.cancelProcessInstance({ processInstanceKey: other.processInstanceKey }),
    )
    expect(cancelled).toMatchObject({ status: 404, title: 'NOT_FOUND' })
  })

  test('bad bodies are 400 problems as 8.8 writes them', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })

    const missing = await post('/v2/jobs/activation', { timeout: 0, maxJobsToActivate: 1 })
    expect(missing.status).toBe(400)
    expect(missing.headers.get('content-type')).toMatch(/application\/problem\+json/)
    expect(await missing.json()).toEqual({
      type: 'about:blank',
      title: 'INVALID_ARGUMENT',
      status: 400,
      detail: 'No type provided.',
      instance: '/v2/jobs/activation',
    })
    const range = await post('/v2/jobs/activation', { type: 'x', timeout: 0, maxJobsToActivate: 0 })
    expect(((await range.json()) as { detail: string }).detail).toBe(
      "The value for timeout is '0' but must be greater than 0. The value for maxJobsToActivate is '0' but must be greater than 0.",
    )
    const wrongType = await post('/v2/messages/publication', { name: 'm', timeToLive: 'soon' })
    expect(await wrongType.json()).toMatchObject({ status: 400, title: 'Bad Request' })
    const neither = await post('/v2/process-instances', { variables: {} })
    expect(await neither.json()).toMatchObject({
      title: 'INVALID_ARGUMENT',
      detail: 'At least one of [processDefinitionId, processDefinitionKey] is required.',
    })
    const badKey = await post('/v2/jobs/not-a-key/completion', {})
    expect(await badKey.json()).toMatchObject({ status: 400, title: 'Bad Request' })
    const badDate = await camunda
      .updateUserTask({ userTaskKey: key('2251799813685249'), changeset: { dueDate: 'tomorrow' } })
      .catch((e: unknown) => e)
    expect(badDate).toMatchObject({
      status: 400,
      detail:
        "The provided dueDate 'tomorrow' cannot be parsed as a date according to RFC 3339, section 5.6.",
    })
  })
})
