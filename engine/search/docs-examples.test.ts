/**
 * Replays request/response pairs written from Camunda 8.8's documentation
 * (fixtures/docs-examples.json) against the engine's v2 API.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Engine } from '../engine'
import type { RunningEngine } from '../index'
import { bpmn, chain } from '../test-support'
import { camundaUserTask } from '../user-task/test-support'
import { searchLanes } from './test-lanes'

interface Example {
  title: string
  request: { method: 'GET' | 'POST'; path: string; body?: unknown }
  response: { status: number; body: unknown }
}
const { examples } = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures/docs-examples.json'), 'utf8'),
) as { examples: Example[] }

const REVIEW = bpmn(
  'docs-review',
  `<bpmn:startEvent id="Start" />${camundaUserTask('Task_Review', '<zeebe:assignmentDefinition assignee="demo" />').replace('id="Task_Review"', 'id="Task_Review" name="Review request"')}<bpmn:endEvent id="End" />${chain('Start', 'Task_Review', 'End')}`,
)
  .toString()
  .replace('id="docs-review"', 'id="docs-review" name="Review"')

/** The expected body with placeholders filled and markers turned into matchers. */
function expected(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') {
    if (value === '<key>') return expect.stringMatching(/^\d+$/)
    if (value === '<date-time>')
      return expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
    if (value === '<cursor>') return expect.any(String)
    return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars[name] ?? '')
  }
  if (Array.isArray(value)) return value.map((v) => expected(v, vars))
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expected(v, vars)]))
  return value
}

describe('requests and responses from Camunda 8.8 docs examples', () => {
  let running: RunningEngine
  let close: () => Promise<void>
  const vars: Record<string, string> = {}

  beforeAll(async () => {
    ;({ running, close } = await searchLanes()[0]!.start())
    const engine = running.engine as Engine
    await engine.deployResources([{ name: 'docs-review.bpmn', content: Buffer.from(REVIEW) }])
    const pi = await engine.createProcessInstance({
      bpmnProcessId: 'docs-review',
      variables: { requestId: 'REQ-1' },
    })
    vars.processInstanceKey = pi.processInstanceKey
    await running.search!.projection.sync()
  })
  afterAll(async () => {
    await close()
  })

  test.each(examples.map((e) => [e.title, e] as const))('%s', async (_title, example) => {
    // when
    const body =
      example.request.body === undefined
        ? undefined
        : JSON.stringify(expected(example.request.body, vars))
    const res = await fetch(`${running.restUrl!}${example.request.path}`, {
      method: example.request.method,
      ...(body ? { headers: { 'content-type': 'application/json' }, body } : {}),
    })
    // then
    expect(res.status).toBe(example.response.status)
    expect(await res.json()).toEqual(expected(example.response.body, vars))
  })
})
