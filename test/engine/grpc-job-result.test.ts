/**
 * gRPC CompleteJob with 8.8's `result` (gateway.proto 8.8 JobResult), which the protocol shipped
 * with @camunda8/sdk predates: a client built from the 8.8 message completes an ad-hoc
 * sub-process's job with elements to activate, then with its completion condition fulfilled.
 */
import { fileURLToPath } from 'node:url'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startEngine, type RunningEngine } from '../../engine/index'
import { bpmn, chain, completedPath, serviceTask } from '../../engine/test-support'
import { testDatabaseTargets, type TestDatabase } from '../support/databases'
import { authorization, call, gatewayClient, type GatewayClient, type Reply } from './grpc-client'

/** A client whose CompleteJob sends 8.8's CompleteJobRequest to the gateway's CompleteJob. */
function completeJob88(address: string): (request: Reply) => Promise<Reply> {
  const proto = fileURLToPath(
    new URL('../../engine/gateway/complete-job-8.8.proto', import.meta.url),
  )
  const pkg = grpc.loadPackageDefinition(
    protoLoader.loadSync(proto, { keepCase: true }),
  ) as unknown as {
    gateway_protocol_8_8: { CompleteJob88: grpc.ServiceClientConstructor }
  }
  const method = pkg.gateway_protocol_8_8.CompleteJob88.service.CompleteJob!
  const Client = grpc.makeGenericClientConstructor(
    { CompleteJob: { ...method, path: '/gateway_protocol.Gateway/CompleteJob' } },
    'Gateway',
  )
  const client = new Client(address, grpc.credentials.createInsecure()) as unknown as Record<
    string,
    (r: Reply, m: grpc.Metadata, cb: (err: grpc.ServiceError | null, reply: Reply) => void) => void
  >
  return (request) =>
    new Promise((resolve, reject) =>
      client.CompleteJob!(request, authorization(), (err, reply) =>
        err ? reject(err) : resolve(reply),
      ),
    )
}

describe.each(testDatabaseTargets())('gRPC CompleteJob with a job result ($kind)', (target) => {
  let db: TestDatabase
  let running: RunningEngine
  let client: GatewayClient

  beforeAll(async () => {
    db = await target.open()
    running = await startEngine({ sql: db.database.sql, port: 0, httpPort: 0 })
    client = gatewayClient(running.address, true)
  })
  afterAll(async () => {
    client?.close()
    await running?.stop()
    await db?.drop()
  })

  const activateOne = async (type: string): Promise<Reply> => {
    const { jobs } = (await new Promise((resolve, reject) => {
      const stream = (
        client.ActivateJobs as (r: Reply, m: grpc.Metadata) => grpc.ClientReadableStream<Reply>
      ).call(
        client,
        { type, worker: 'grpc', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: 2_000 },
        authorization(),
      )
      const all: Reply[] = []
      stream.on('data', (r: Reply) => all.push(...((r.jobs as Reply[]) ?? [])))
      stream.on('end', () => resolve({ jobs: all }))
      stream.on('error', reject)
    })) as { jobs: Reply[] }
    expect(jobs).toHaveLength(1)
    return jobs[0]!
  }

  test('an ad-hoc sub-process job: activate an element with variables, then complete it', async () => {
    const agent = bpmn(
      'grpc-agent',
      `<bpmn:startEvent id="start" /><bpmn:adHocSubProcess id="agent"><bpmn:extensionElements><zeebe:taskDefinition type="grpc-agent" /></bpmn:extensionElements>${serviceTask('tool', 'grpc-tool')}</bpmn:adHocSubProcess><bpmn:endEvent id="end" />${chain('start', 'agent', 'end')}`,
    )
    await call(client, 'DeployResource', {
      resources: [{ name: 'grpc-agent.bpmn', content: agent }],
      tenantId: '',
    })
    const created = await call(client, 'CreateProcessInstance', {
      bpmnProcessId: 'grpc-agent',
      version: -1,
      variables: '{}',
    })
    const complete = completeJob88(running.address)
    const first = await activateOne('grpc-agent')
    await complete({
      jobKey: first.key,
      variables: '{}',
      result: {
        type: 'adHocSubProcess',
        activateElements: [{ elementId: 'tool', variables: '{"toolCall":{"id":7}}' }],
      },
    })
    const tool = await activateOne('grpc-tool')
    expect(JSON.parse(String(tool.variables))).toMatchObject({ toolCall: { id: 7 } })
    await call(client, 'CompleteJob', { jobKey: tool.key, variables: '{}' })
    const second = await activateOne('grpc-agent')
    await complete({
      jobKey: second.key,
      variables: '{"answer":1}',
      result: { type: 'adHocSubProcess', isCompletionConditionFulfilled: true },
    })
    expect(await completedPath(running.engine, String(created.processInstanceKey))).toEqual([
      'start',
      'tool',
      'agent#innerInstance',
      'agent',
      'end',
      'grpc-agent',
    ])
  })
})
