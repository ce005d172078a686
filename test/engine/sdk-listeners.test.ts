/**
 * Execution listeners and call activity binding types through the official @camunda8/sdk 8.8
 * client over real gRPC: listener jobs are ordinary jobs for SDK workers (job kind and event type
 * on the records), and a call activity bound by `versionTag` calls the tagged version. The
 * DeployResource answer has no version tag: Zeebe 8.8's gRPC ProcessMetadata (and the SDK's
 * zeebe.proto) has no such field; the PROCESS record carries it.
 */
import { Camunda8 } from '@camunda8/sdk'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bpmn, chain, serviceTask } from '../../engine/test-support'
import { testDatabaseTargets } from '../support/databases'
import { instanceRecords, startTestEngine, waitForCompletion, type TestEngine } from './support'
import { fieldsOf } from '../../engine/state/records'

type Zeebe = ReturnType<Camunda8['getZeebeGrpcApiClient']>

function child(jobType: string, versionTag: string): Buffer {
  return Buffer.from(
    bpmn(
      'sdkChild',
      `<bpmn:startEvent id="cStart" />${serviceTask('cTask', jobType)}<bpmn:endEvent id="cEnd" />${chain('cStart', 'cTask', 'cEnd')}`,
    )
      .toString()
      .replace(
        '<bpmn:process id="sdkChild" isExecutable="true">',
        `<bpmn:process id="sdkChild" isExecutable="true"><bpmn:extensionElements><zeebe:versionTag value="${versionTag}" /></bpmn:extensionElements>`,
      ),
  )
}

const parent = bpmn(
  'sdkParent',
  `<bpmn:startEvent id="start" />
   <bpmn:callActivity id="call"><bpmn:extensionElements>
     <zeebe:calledElement processId="sdkChild" bindingType="versionTag" versionTag="stable" />
     <zeebe:executionListeners>
       <zeebe:executionListener eventType="start" type="sdk-el-start" />
       <zeebe:executionListener eventType="end" type="sdk-el-end" />
     </zeebe:executionListeners>
   </bpmn:extensionElements></bpmn:callActivity>
   <bpmn:endEvent id="end" />${chain('start', 'call', 'end')}`,
)

describe.each(testDatabaseTargets())('listeners and binding types over gRPC ($kind)', (target) => {
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
  })

  afterAll(async () => {
    await zeebe?.close()
    await t?.stop()
  })

  test('SDK workers complete listener jobs; the versionTag binding calls the tagged version', async () => {
    const deployed = await zeebe.deployResources([
      { name: 'sdk-child.bpmn', process: child('sdk-stable-work', 'stable') },
      { name: 'sdk-parent.bpmn', process: parent },
    ])
    const childMeta = (deployed.deployments as { process?: Record<string, unknown> }[]).find(
      (d) => d.process?.bpmnProcessId === 'sdkChild',
    )
    expect(childMeta?.process).toEqual({
      bpmnProcessId: 'sdkChild',
      version: 1,
      processDefinitionKey: expect.any(String) as string,
      resourceName: 'sdk-child.bpmn',
      tenantId: '<default>',
    })
    // A newer, untagged version: the binding still calls the tagged one.
    await zeebe.deployResources([
      { name: 'sdk-child.bpmn', process: child('sdk-new-work', 'next') },
    ])

    const seen: string[] = []
    const workers = ['sdk-el-start', 'sdk-stable-work', 'sdk-el-end'].map((taskType) =>
      zeebe.createWorker({
        taskType,
        pollInterval: 50,
        taskHandler: (job) => {
          seen.push(`${taskType}:${job.elementId}`)
          return job.complete(taskType === 'sdk-el-start' ? { startedBy: 'listener' } : {})
        },
      }),
    )
    try {
      const pi = await zeebe.createProcessInstance({ bpmnProcessId: 'sdkParent', variables: {} })
      await waitForCompletion(t.engine, pi.processInstanceKey, 20_000)
      expect(seen).toEqual(['sdk-el-start:call', 'sdk-stable-work:cTask', 'sdk-el-end:call'])
      const records = await instanceRecords(t.engine, pi.processInstanceKey)
      const listenerJobs = records
        .filter((r) => r.valueType === 'JOB' && r.intent === 'COMPLETED')
        .map((r) => `${String(fieldsOf(r).jobKind)}/${String(fieldsOf(r).listenerEventType)}`)
      expect(listenerJobs).toEqual(['EXECUTION_LISTENER/START', 'EXECUTION_LISTENER/END'])
      const started = records.find(
        (r) => r.valueType === 'VARIABLE' && r.value.name === 'startedBy',
      )
      const call = records.find(
        (r) => r.valueType === 'PROCESS_INSTANCE' && r.value.elementId === 'call',
      )
      // A start listener's variables are local to the element.
      expect(started && fieldsOf(started).scopeKey).toBe(Number(call?.key))
    } finally {
      for (const w of workers) await w.close()
    }
    const processes = await t.engine.readRecords({ valueTypes: ['PROCESS'] })
    expect(
      processes
        .filter((r) => fieldsOf(r).bpmnProcessId === 'sdkChild')
        .map((r) => fieldsOf(r).versionTag),
    ).toEqual(['stable', 'next'])
  })
})
