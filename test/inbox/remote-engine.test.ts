/**
 * The server against an engine that runs on its own (`npm run engine`): it reaches it only
 * through the gateway address (ZEEBE_GRPC_ADDRESS) and the Orchestration Cluster REST API
 * (CAMUNDA_REST_ADDRESS), as it would a Camunda 8.8 cluster, and reads instance histories
 * through v2's searches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEngine, type RunningEngine } from '../../engine/index'
import { openDatabase, type Database } from '../../server/src/db/database'
import { eventually, startHarness, type Harness } from '../support/harness'
import { deployTriage, startTriage } from '../support/triage'

let engineDb: Database
let engine: RunningEngine
let h: Harness

beforeAll(async () => {
  engineDb = await openDatabase({ databaseUrl: '', pgliteDir: 'memory://', migrate: false })
  engine = await startEngine({ sql: engineDb.sql, port: 0, restPort: 0 })
  h = await startHarness({
    deployProcesses: false,
    env: {
      ZEEBE_GRPC_ADDRESS: `grpc://${engine.address}`,
      CAMUNDA_REST_ADDRESS: engine.restUrl ?? '',
    },
  })
})
afterAll(async () => {
  await h?.stop()
  await engine?.stop()
  await engineDb?.close()
})

describe('a separately running engine', () => {
  it('runs the inbox and serves histories through the gateway and the v2 API', async () => {
    expect(h.server.engine).toBeUndefined()
    await deployTriage(h)
    const desk = await h.login('desk')
    const { task, processInstanceKey } = await startTriage(h, desk, 'INC-REMOTE', 'Remote engine')
    expect((await desk.post(`/tasks/${task.id}/claim`)).status).toBe(200)
    const data = { summary: 'Handled remotely', impact: 'low' }
    expect((await desk.post(`/tasks/${task.id}/complete`, { data })).status).toBe(200)
    const auditor = await h.login('auditor')
    const history = await eventually(
      async () => {
        const r = await auditor.get<{
          instance: { state: string }
          flowsTaken: string[]
          steps: { elementId: string; intent: string; actor?: string | null }[]
        }>(`/process-instances/${processInstanceKey}/history`)
        return r.body.instance?.state === 'completed' ? r.body : undefined
      },
      15_000,
      'the instance to complete',
    )
    expect(history.flowsTaken).toEqual(['Flow_ToTriage', 'Flow_ToDone'])
    expect(
      history.steps.find(
        (s) => s.elementId === 'Task_TriageTicket' && s.intent === 'ELEMENT_COMPLETED',
      )?.actor,
    ).toBe('desk')
  })
})
