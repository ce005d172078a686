/**
 * Compensation and an ad-hoc sub-process over real gRPC with the official @camunda8/sdk 8.8
 * client: deploy, create an instance, job workers for the task, the ad-hoc step and the
 * compensation handler, and the path and records the engine wrote.
 */
import { Camunda8 } from '@camunda8/sdk'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../support/databases'
import {
  fixture,
  instanceRecords,
  startTestEngine,
  waitForCompletion,
  type TestEngine,
} from './support'
import { fieldsOf } from '../../engine/state/records'

type Zeebe = ReturnType<Camunda8['getZeebeGrpcApiClient']>

describe.each(testDatabaseTargets())(
  'compensation over gRPC with @camunda8/sdk ($kind)',
  (target) => {
    let t: TestEngine
    let zeebe: Zeebe

    beforeAll(async () => {
      t = await startTestEngine(target)
      zeebe = new Camunda8({
        ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${t.port}`,
        CAMUNDA_AUTH_STRATEGY: 'NONE',
        zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
        CAMUNDA_LOG_LEVEL: 'none',
      }).getZeebeGrpcApiClient()
      await zeebe.deployResource({ processFilename: fixture('gw-compensation.bpmn') })
    })

    afterAll(async () => {
      await zeebe?.close()
      await t?.stop()
    })

    test('the refund handler runs for the completed charge after the ad-hoc step', async () => {
      // given
      const refunds: unknown[] = []
      const workers = [
        zeebe.createWorker({
          taskType: 'gw-charge',
          taskHandler: (job) => job.complete({ charged: 25 }),
        }),
        zeebe.createWorker({
          taskType: 'gw-ship',
          taskHandler: (job) => job.complete({ shipped: true }),
        }),
        zeebe.createWorker({
          taskType: 'gw-refund',
          taskHandler: (job) => {
            refunds.push({ charged: job.variables.charged, shipped: job.variables.shipped })
            return job.complete({ refunded: true })
          },
        }),
      ]
      try {
        // when
        const created = await zeebe.createProcessInstance({
          bpmnProcessId: 'gw-compensation',
          variables: { steps: ['Task_Ship'] },
        })
        // then
        await waitForCompletion(t.engine, created.processInstanceKey)
        expect(refunds).toEqual([{ charged: 25, shipped: true }])
        const records = await instanceRecords(t.engine, created.processInstanceKey)
        const path = records
          .filter((r) => r.valueType === 'PROCESS_INSTANCE' && r.intent === 'ELEMENT_COMPLETED')
          .map((r) => String(fieldsOf(r).elementId))
        expect(path).toEqual([
          'Start',
          'Task_Charge',
          'Task_Ship',
          'Fulfil#innerInstance',
          'Fulfil',
          'Compensate_Charge',
          'Task_Refund',
          'End_Undo',
          'gw-compensation',
        ])
        const subscriptions = records
          .filter((r) => r.valueType === 'COMPENSATION_SUBSCRIPTION')
          .map((r) => `${r.intent} ${String(r.value.compensableActivityId)}`)
        expect(subscriptions).toEqual([
          'CREATED Task_Charge',
          'TRIGGERED Task_Charge',
          'COMPLETED Task_Charge',
        ])
      } finally {
        for (const w of workers) await w.close()
      }
    })
  },
)
