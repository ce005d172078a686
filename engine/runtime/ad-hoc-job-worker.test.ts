import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import type { ActivatedJob } from '../api'
import { TestClock } from '../clock'
import type { Engine } from '../engine'
import { fieldsOf } from '../state/records'
import {
  bpmn,
  chain,
  completedPath,
  completeOne,
  expectReplayMatches,
  finalVariables,
  freshEngine,
  isActive,
  serviceTask,
  trail,
} from '../test-support'

/**
 * An ad-hoc sub-process `agent` implemented by a job worker (type `agent`), as Camunda's AI
 * Agent Sub-process template draws it: output collection `results` of `{id, out}` per tool call.
 */
function agentProcess(id: string, cancel?: boolean): Buffer {
  const cancelAttr = cancel === undefined ? '' : ` cancelRemainingInstances="${String(cancel)}"`
  const tools =
    `${serviceTask('A', 'tool-a')}` +
    `<bpmn:serviceTask id="B" name="Look up"><bpmn:documentation>Looks something up</bpmn:documentation>` +
    `<bpmn:extensionElements><zeebe:taskDefinition type="tool-b" /><zeebe:properties><zeebe:property name="kind" value="search" /></zeebe:properties>` +
    `<zeebe:ioMapping><zeebe:input source="=fromAi(toolCall.query, &quot;The query&quot;, &quot;string&quot;)" target="query" /></zeebe:ioMapping>` +
    `</bpmn:extensionElements></bpmn:serviceTask>` +
    `<bpmn:task id="A2" />${chain('A', 'A2')}`
  return bpmn(
    id,
    `<bpmn:startEvent id="start" /><bpmn:adHocSubProcess id="agent"${cancelAttr}><bpmn:extensionElements>` +
      `<zeebe:adHoc outputCollection="results" outputElement="={id: toolCall.id, out: out}" />` +
      `<zeebe:taskDefinition type="agent" retries="2" /><zeebe:taskHeaders><zeebe:header key="h" value="v" /></zeebe:taskHeaders>` +
      `<zeebe:ioMapping><zeebe:input target="agentContext" /><zeebe:output source="=answer" target="answer" /></zeebe:ioMapping>` +
      `</bpmn:extensionElements>${tools}</bpmn:adHocSubProcess><bpmn:endEvent id="end" />${chain('start', 'agent', 'end')}`,
  )
}

describe.each(testDatabaseTargets())(
  'ad-hoc sub-processes implemented by a job worker on $kind',
  (target) => {
    let db: TestDatabase
    let engine: Engine
    const clock = new TestClock()

    beforeAll(async () => {
      db = await target.open()
    })
    afterAll(async () => {
      await db.drop()
    })
    afterEach(async () => {
      await expectReplayMatches(engine, db.database.sql)
      await engine.close()
    })
    const open = async () => (engine = await freshEngine(db.database.sql, clock))
    const agentJob = async (e: Engine): Promise<ActivatedJob> => {
      const [job] = await e.activateJobs({
        type: 'agent',
        worker: 'agent',
        timeoutMs: 60_000,
        maxJobsToActivate: 1,
      })
      if (!job) throw new Error('no agent job')
      return job
    }

    it('creates a job with adHocSubProcessElements; its results activate tools, a job follows each, then it completes', async () => {
      const e = await open()
      await e.deployResources([{ name: 'agent.bpmn', content: agentProcess('agentic') }])
      const pi = (await e.createProcessInstance({ bpmnProcessId: 'agentic' })).processInstanceKey
      const first = await agentJob(e)
      expect(first.kind).toBe('AD_HOC_SUB_PROCESS')
      expect(first.retries).toBe(2)
      expect(first.customHeaders).toEqual({ h: 'v' })
      expect(first.variables).toMatchObject({ agentContext: null, results: [] })
      expect(first.variables.adHocSubProcessElements).toEqual([
        { elementId: 'A' },
        {
          elementId: 'B',
          elementName: 'Look up',
          documentation: 'Looks something up',
          properties: { kind: 'search' },
          parameters: [{ name: 'toolCall.query', description: 'The query', type: 'string' }],
        },
      ])
      // the worker asks for both tools, each with its own toolCall
      await e.completeJob(
        first.key,
        { agentContext: { turn: 1 } },
        {
          type: 'adHocSubProcess',
          activateElements: [
            { elementId: 'A', variables: { toolCall: { id: 'call-a' } } },
            { elementId: 'B', variables: { toolCall: { id: 'call-b', query: 'rates' } } },
          ],
        },
      )
      const instructions = await e.readRecords({
        processInstanceKey: pi,
        valueTypes: ['AD_HOC_SUB_PROCESS_INSTRUCTION'],
      })
      expect(instructions.map((r) => r.intent)).toEqual(['ACTIVATED'])
      expect(fieldsOf(instructions[0]!).activateElements).toEqual([
        { elementId: 'A', variables: { toolCall: { id: 'call-a' } } },
        { elementId: 'B', variables: { toolCall: { id: 'call-b', query: 'rates' } } },
      ])
      await completeOne(e, 'tool-a', { out: 'a-done' })
      // a new job after the inner instance of A completed (A -> A2 ran inside it)
      const second = await agentJob(e)
      expect(second.variables).toMatchObject({
        agentContext: { turn: 1 },
        results: [{ id: 'call-a', out: 'a-done' }],
      })
      const [b] = await e.activateJobs({
        type: 'tool-b',
        worker: 't',
        timeoutMs: 1000,
        maxJobsToActivate: 1,
      })
      expect(b?.variables).toMatchObject({ query: 'rates' })
      await e.completeJob(b!.key, { out: 'b-done' })
      // the open job was canceled and a third one created
      const jobs = await e.readRecords({ processInstanceKey: pi, valueTypes: ['JOB'] })
      const agentJobs = jobs.filter((r) => fieldsOf(r).type === 'agent')
      expect(agentJobs.map((r) => r.intent)).toEqual([
        'CREATED',
        'COMPLETED',
        'CREATED',
        'CANCELED',
        'CREATED',
      ])
      expect(agentJobs.map((r) => fieldsOf(r).jobKind)).toEqual(Array(5).fill('AD_HOC_SUB_PROCESS'))
      const third = await agentJob(e)
      expect(third.variables.results).toEqual([
        { id: 'call-a', out: 'a-done' },
        { id: 'call-b', out: 'b-done' },
      ])
      await e.completeJob(
        third.key,
        { answer: 42 },
        { type: 'adHocSubProcess', isCompletionConditionFulfilled: true },
      )
      expect(isActive(e, pi)).toBe(false)
      expect(await completedPath(e, pi, { flows: true })).toEqual([
        'start',
        'f_start_agent',
        'A',
        'f_A_A2',
        'A2',
        'agent#innerInstance',
        'B',
        'agent#innerInstance',
        'agent',
        'f_agent_end',
        'end',
        'agentic',
      ])
      const after = await e.readRecords({
        processInstanceKey: pi,
        valueTypes: ['AD_HOC_SUB_PROCESS_INSTRUCTION'],
      })
      expect(after.map((r) => r.intent)).toEqual(['ACTIVATED', 'COMPLETED'])
      expect(await finalVariables(e, pi)).toMatchObject({
        answer: 42,
        results: [
          { id: 'call-a', out: 'a-done' },
          { id: 'call-b', out: 'b-done' },
        ],
      })
    })

    it('a fulfilled completion condition with isCancelRemainingInstances terminates the running tools', async () => {
      const e = await open()
      await e.deployResources([{ name: 'agent.bpmn', content: agentProcess('cancels') }])
      const pi = (await e.createProcessInstance({ bpmnProcessId: 'cancels' })).processInstanceKey
      const job = await agentJob(e)
      await e.completeJob(
        job.key,
        {},
        { activateElements: [{ elementId: 'A' }, { elementId: 'B' }] },
      )
      await completeOne(e, 'tool-a', { out: 1 })
      const next = await agentJob(e)
      await e.completeJob(
        next.key,
        {},
        { isCompletionConditionFulfilled: true, isCancelRemainingInstances: true },
      )
      expect(isActive(e, pi)).toBe(false)
      const t = await trail(e, pi)
      expect(t.slice(t.indexOf('B:ELEMENT_TERMINATING'))).toEqual([
        'B:ELEMENT_TERMINATING',
        'B:ELEMENT_TERMINATED',
        'agent#innerInstance:ELEMENT_TERMINATED',
        'agent:ELEMENT_COMPLETING',
        'agent:ELEMENT_COMPLETED',
        'f_agent_end:SEQUENCE_FLOW_TAKEN',
        'end:ELEMENT_ACTIVATING',
        'end:ELEMENT_ACTIVATED',
        'end:ELEMENT_COMPLETING',
        'end:ELEMENT_COMPLETED',
        'cancels:ELEMENT_COMPLETING',
        'cancels:ELEMENT_COMPLETED',
      ])
      expect(await completedPath(e, pi)).toEqual([
        'start',
        'A',
        'A2',
        'agent#innerInstance',
        'agent',
        'end',
        'cancels',
      ])
    })

    it('without isCancelRemainingInstances it waits for the running tools and creates no new job', async () => {
      const e = await open()
      await e.deployResources([{ name: 'agent.bpmn', content: agentProcess('waits') }])
      const pi = (await e.createProcessInstance({ bpmnProcessId: 'waits' })).processInstanceKey
      const job = await agentJob(e)
      await e.completeJob(
        job.key,
        {},
        { activateElements: [{ elementId: 'A' }, { elementId: 'B' }] },
      )
      await completeOne(e, 'tool-a', { out: 1 })
      const next = await agentJob(e)
      await e.completeJob(next.key, {}, { isCompletionConditionFulfilled: true })
      expect(isActive(e, pi)).toBe(true)
      await completeOne(e, 'tool-b', { out: 2 })
      expect(isActive(e, pi)).toBe(false)
      expect(await completedPath(e, pi)).toEqual([
        'start',
        'A',
        'A2',
        'agent#innerInstance',
        'B',
        'agent#innerInstance',
        'agent',
        'end',
        'waits',
      ])
      const jobs = await e.readRecords({ processInstanceKey: pi, valueTypes: ['JOB'] })
      expect(jobs.filter((r) => fieldsOf(r).type === 'agent').map((r) => r.intent)).toEqual([
        'CREATED',
        'COMPLETED',
        'CREATED',
        'COMPLETED',
      ])
      const instructions = await e.readRecords({
        processInstanceKey: pi,
        valueTypes: ['AD_HOC_SUB_PROCESS_INSTRUCTION'],
      })
      expect(instructions.map((r) => r.intent)).toEqual(['ACTIVATED', 'COMPLETED'])
      expect(await finalVariables(e, pi)).toMatchObject({ results: [{ out: 1 }, { out: 2 }] })
    })

    it('rejects results Zeebe rejects and leaves the job open', async () => {
      const e = await open()
      await e.deployResources([{ name: 'agent.bpmn', content: agentProcess('rejects') }])
      const pi = (await e.createProcessInstance({ bpmnProcessId: 'rejects' })).processInstanceKey
      const job = await agentJob(e)
      await expect(
        e.completeJob(job.key, {}, { activateElements: [{ elementId: 'nope' }] }),
      ).rejects.toThrow(/but the given elements \[nope\] do not exist/)
      await expect(
        e.completeJob(
          job.key,
          {},
          { activateElements: [{ elementId: 'A' }], isCompletionConditionFulfilled: true },
        ),
      ).rejects.toThrow(/no further element activations are allowed/)
      expect((await trail(e, pi)).at(-1)).toBe('agent:ELEMENT_ACTIVATED')
      await e.cancelProcessInstance(pi)
      const jobs = await e.readRecords({ processInstanceKey: pi, valueTypes: ['JOB'] })
      expect(jobs.map((r) => r.intent)).toEqual(['CREATED', 'CANCELED'])
    })
  },
)
