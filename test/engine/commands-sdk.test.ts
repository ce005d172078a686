/**
 * ModifyProcessInstance, MigrateProcessInstance and DeleteResource over real gRPC with the
 * official @camunda8/sdk 8.8 client: the instance's path afterwards, the records, a restart of
 * the engine in between, and Zeebe's status codes and messages for rejections.
 */
import { Camunda8 } from '@camunda8/sdk'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Engine } from '../../engine/engine'
import { bpmn, chain, completedPath, serviceTask } from '../../engine/test-support'
import { testDatabaseTargets } from '../support/databases'
import { startTestEngine, type TestEngine } from './support'

type Zeebe = ReturnType<Camunda8['getZeebeGrpcApiClient']>

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

const linear = (id: string, first: string, second: string) =>
  bpmn(
    id,
    `<bpmn:startEvent id="start" />${serviceTask(first, `${id}-${first}`)}${serviceTask(second, `${id}-${second}`)}<bpmn:endEvent id="end" />${chain('start', first, second, 'end')}`,
  )

describe.each(testDatabaseTargets())('instance commands over the SDK ($kind)', (target) => {
  let t: TestEngine
  let zeebe: Zeebe
  const engine = () => t.engine as unknown as Engine

  beforeAll(async () => {
    t = await startTestEngine(target)
    const c8 = new Camunda8({
      ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${t.port}`,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
      CAMUNDA_LOG_LEVEL: 'none',
    })
    zeebe = c8.getZeebeGrpcApiClient()
  })

  afterAll(async () => {
    await zeebe?.close()
    await t?.stop()
  })

  const completeJob = async (type: string) => {
    const [job] = await zeebe.activateJobs({
      type,
      worker: 'sdk',
      maxJobsToActivate: 1,
      timeout: 60_000,
      requestTimeout: 2_000,
    })
    if (!job) throw new Error(`no job of type ${type}`)
    await zeebe.completeJob({ jobKey: job.key, variables: {} })
    return job
  }

  test('ModifyProcessInstance activates and terminates; the instance continues after a restart', async () => {
    await zeebe.deployResource({ name: 'mod.bpmn', process: linear('mod', 'A', 'B') })
    const { processInstanceKey: pi } = await zeebe.createProcessInstance({
      bpmnProcessId: 'mod',
      variables: {},
    })
    const a = Object.values(engine().state.elementInstances).find(
      (ei) => String(ei.piKey) === pi && ei.elementId === 'A',
    )!

    await zeebe.modifyProcessInstance({
      processInstanceKey: pi,
      activateInstructions: [
        {
          elementId: 'B',
          ancestorElementInstanceKey: '-1',
          variableInstructions: [{ scopeId: '', variables: { moved: true } }],
        },
      ],
      terminateInstructions: [{ elementInstanceKey: String(a.key) }],
    })
    const bad = await rejection(
      zeebe.modifyProcessInstance({
        processInstanceKey: pi,
        activateInstructions: [
          { elementId: 'nope', ancestorElementInstanceKey: '-1', variableInstructions: [] },
        ],
      }),
    )
    expect(bad.code).toBe(3)
    expect(bad.message).toContain(
      "Expected to modify instance of process 'mod' but it contains one or more activate instructions with an element that could not be found: 'nope'",
    )

    await t.restart()
    const job = await completeJob('mod-B')
    expect(job.variables).toMatchObject({ moved: true })
    expect(await completedPath(engine(), pi)).toEqual(['start', 'B', 'end', 'mod'])
    const modified = await engine().readRecords({
      processInstanceKey: pi,
      valueTypes: ['PROCESS_INSTANCE_MODIFICATION'],
    })
    expect(modified.map((r) => r.intent)).toEqual(['MODIFIED'])
  })

  test('MigrateProcessInstance moves the job; unmapped elements are rejected', async () => {
    const v1 = await zeebe.deployResource({ name: 'mig.bpmn', process: linear('mig', 'A', 'B') })
    const v2 = await zeebe.deployResource({ name: 'mig.bpmn', process: linear('mig', 'A2', 'C') })
    const target = v2.deployments[0]!.process!.processDefinitionKey
    expect(v1.deployments[0]!.process!.version).toBe(1)
    const { processInstanceKey: pi } = await zeebe.createProcessInstance({
      bpmnProcessId: 'mig',
      version: 1,
      variables: {},
    })

    const unmapped = await rejection(
      zeebe.migrateProcessInstance({
        processInstanceKey: pi,
        migrationPlan: { targetProcessDefinitionKey: target, mappingInstructions: [] },
      }),
    )
    expect(unmapped.code).toBe(9)
    expect(unmapped.message).toContain(
      `Expected to migrate process instance '${pi}' but no mapping instruction defined for active element with id 'A'. Elements cannot be migrated without a mapping.`,
    )

    await zeebe.migrateProcessInstance({
      processInstanceKey: pi,
      migrationPlan: {
        targetProcessDefinitionKey: target,
        mappingInstructions: [{ sourceElementId: 'A', targetElementId: 'A2' }],
      },
    })
    const job = await completeJob('mig-A')
    expect(job.elementId).toBe('A2')
    expect(job.processDefinitionVersion).toBe(2)
    await completeJob('mig-C')
    expect(await completedPath(engine(), pi)).toEqual(['start', 'A2', 'C', 'end', 'mig'])
  })

  test('DeleteResource deletes a definition without instances; others are rejected', async () => {
    const d = await zeebe.deployResource({ name: 'del.bpmn', process: linear('del', 'A', 'B') })
    const key = d.deployments[0]!.process!.processDefinitionKey
    const { processInstanceKey: pi } = await zeebe.createProcessInstance({
      bpmnProcessId: 'del',
      variables: {},
    })
    const busy = await rejection(zeebe.deleteResource({ resourceKey: key }))
    expect(busy.code).toBe(9)
    expect(busy.message).toContain(
      `Expected to delete resource with key \`${key}\` but there are still running instances`,
    )
    await zeebe.cancelProcessInstance(pi)
    await zeebe.deleteResource({ resourceKey: key })
    const gone = await rejection(
      zeebe.createProcessInstance({ bpmnProcessId: 'del', variables: {} }),
    )
    expect(gone.code).toBe(5)
    const unknown = await rejection(zeebe.deleteResource({ resourceKey: key }))
    expect(unknown.code).toBe(5)
    expect(unknown.message).toContain(
      `Expected to delete resource but no resource found with key \`${key}\``,
    )
    const records = await engine().readRecords({ valueTypes: ['RESOURCE_DELETION', 'PROCESS'] })
    expect(
      records.filter((r) => r.intent !== 'CREATED').map((r) => `${r.valueType}:${r.intent}`),
    ).toEqual([
      'RESOURCE_DELETION:DELETING',
      'PROCESS:DELETING',
      'PROCESS:DELETED',
      'RESOURCE_DELETION:DELETED',
    ])
  })
})
