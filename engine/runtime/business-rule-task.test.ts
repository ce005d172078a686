/**
 * Business rule tasks with `zeebe:calledDecision` on the engine: the priority matrix (ISO/IEC
 * 20000-1 8.1, incidents prioritized by impact and urgency) decides an instance's priority;
 * binding types latest / deployment / versionTag; required decisions; output mappings; and the
 * incidents of a missing decision and of a failed evaluation, resolved by fixing the cause.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import {
  dmnResource as dmn,
  literalDecision,
  priorityMatrix,
  ruleProcess,
  taggedDecision as tagged,
} from '../dmn/test-support'
import type { Engine } from '../engine'
import {
  bpmn,
  chain,
  expectReplayMatches,
  freshEngine,
  isActive,
  rootVariables,
  trail,
  valuesOf,
} from '../test-support'
import { fieldsOf } from '../state/records'

describe.each(testDatabaseTargets())('business rule tasks on $kind', (target) => {
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

  it('decides the priority from impact and urgency: start → task → end, result variable set', async () => {
    // given
    const e = await open()
    const deployed = await e.deployResources([
      dmn('priority.dmn', priorityMatrix, 'PriorityMatrix_DRG'),
      {
        name: 'incident.bpmn',
        content: ruleProcess(
          'incident',
          'decisionId="Decision_PriorityMatrix" resultVariable="priority"',
        ),
      },
    ])
    // when
    const pi = await e.createProcessInstance({
      bpmnProcessId: 'incident',
      variables: { impact: 'high', urgency: 'medium' },
    })
    // then
    expect(await trail(e, pi.processInstanceKey)).toEqual([
      'incident:ELEMENT_ACTIVATING',
      'incident:ELEMENT_ACTIVATED',
      'start:ELEMENT_ACTIVATING',
      'start:ELEMENT_ACTIVATED',
      'start:ELEMENT_COMPLETING',
      'start:ELEMENT_COMPLETED',
      'f_start_Task_Decide:SEQUENCE_FLOW_TAKEN',
      'Task_Decide:ELEMENT_ACTIVATING',
      'Task_Decide:ELEMENT_ACTIVATED',
      'Task_Decide:ELEMENT_COMPLETING',
      'Task_Decide:ELEMENT_COMPLETED',
      'f_Task_Decide_end:SEQUENCE_FLOW_TAKEN',
      'end:ELEMENT_ACTIVATING',
      'end:ELEMENT_ACTIVATED',
      'end:ELEMENT_COMPLETING',
      'end:ELEMENT_COMPLETED',
      'incident:ELEMENT_COMPLETING',
      'incident:ELEMENT_COMPLETED',
    ])
    const records = await e.readRecords({ processInstanceKey: pi.processInstanceKey })
    const kinds = records.map(
      (r) => `${r.valueType}:${r.intent}:${String(fieldsOf(r).elementId ?? fieldsOf(r).name)}`,
    )
    // the evaluation comes before ACTIVATED; the result variable is set while COMPLETING
    expect(kinds.slice(kinds.indexOf('PROCESS_INSTANCE:ELEMENT_ACTIVATING:Task_Decide'))).toEqual([
      'PROCESS_INSTANCE:ELEMENT_ACTIVATING:Task_Decide',
      'DECISION_EVALUATION:EVALUATED:Task_Decide',
      'PROCESS_INSTANCE:ELEMENT_ACTIVATED:Task_Decide',
      'PROCESS_INSTANCE:ELEMENT_COMPLETING:Task_Decide',
      'VARIABLE:CREATED:priority',
      'PROCESS_INSTANCE:ELEMENT_COMPLETED:Task_Decide',
      'PROCESS_INSTANCE:SEQUENCE_FLOW_TAKEN:f_Task_Decide_end',
      'PROCESS_INSTANCE:ELEMENT_ACTIVATING:end',
      'PROCESS_INSTANCE:ELEMENT_ACTIVATED:end',
      'PROCESS_INSTANCE:ELEMENT_COMPLETING:end',
      'PROCESS_INSTANCE:ELEMENT_COMPLETED:end',
      'PROCESS_INSTANCE:ELEMENT_COMPLETING:incident',
      'PROCESS_INSTANCE:ELEMENT_COMPLETED:incident',
    ])
    const evaluation = records.find((r) => r.valueType === 'DECISION_EVALUATION')!
    const decision = deployed.decisions[0]!
    const task = records.find(
      (r) => r.intent === 'ELEMENT_ACTIVATING' && fieldsOf(r).elementId === 'Task_Decide',
    )!
    expect(evaluation.value).toEqual({
      decisionKey: Number(decision.decisionKey),
      decisionId: 'Decision_PriorityMatrix',
      decisionName: 'Decision_PriorityMatrix name',
      decisionVersion: 1,
      decisionRequirementsId: 'PriorityMatrix_DRG',
      decisionRequirementsKey: Number(decision.decisionRequirementsKey),
      decisionOutput: '"P2"',
      variables: {},
      bpmnProcessId: 'incident',
      processDefinitionKey: Number(pi.processDefinitionKey),
      processInstanceKey: Number(pi.processInstanceKey),
      elementId: 'Task_Decide',
      elementInstanceKey: Number(task.key),
      evaluatedDecisions: [
        {
          decisionId: 'Decision_PriorityMatrix',
          decisionEvaluationInstanceKey: `${evaluation.key}-1`,
          decisionName: 'Decision_PriorityMatrix name',
          decisionKey: Number(decision.decisionKey),
          decisionVersion: 1,
          decisionType: 'DECISION_TABLE',
          decisionOutput: '"P2"',
          evaluatedInputs: [
            { inputId: 'Decision_PriorityMatrix_In1', inputName: 'In 1', inputValue: '"high"' },
            { inputId: 'Decision_PriorityMatrix_In2', inputName: 'In 2', inputValue: '"medium"' },
          ],
          matchedRules: [
            {
              ruleId: 'Decision_PriorityMatrix_Rule2',
              ruleIndex: 2,
              evaluatedOutputs: [
                {
                  outputId: 'Decision_PriorityMatrix_Out1',
                  outputName: 'priority',
                  outputValue: '"P2"',
                },
              ],
            },
          ],
          tenantId: '<default>',
        },
      ],
      evaluationFailureMessage: '',
      failedDecisionId: '',
      tenantId: '<default>',
    })
    // without output mappings the result is propagated to the instance's root scope
    const variable = records.find((r) => r.valueType === 'VARIABLE' && r.value.name === 'priority')!
    expect(fieldsOf(variable).scopeKey).toBe(Number(pi.processInstanceKey))
    expect(fieldsOf(variable).value).toBe('"P2"')
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
  })

  it('sets the result local to the task and then runs its output mappings', async () => {
    // given
    const e = await open()
    await e.deployResources([
      dmn('priority.dmn', priorityMatrix),
      {
        name: 'mapped.bpmn',
        content: ruleProcess(
          'mapped',
          'decisionId="Decision_PriorityMatrix" resultVariable="result"',
          '<zeebe:ioMapping><zeebe:input source="= severity" target="impact" /><zeebe:output source="= &quot;priority &quot; + result" target="label" /></zeebe:ioMapping>',
        ),
      },
    ])
    // when: the input mapping provides the impact
    const pi = await e.createProcessInstance({
      bpmnProcessId: 'mapped',
      variables: { severity: 'low', urgency: 'high' },
    })
    // then
    const vars = await valuesOf(e, pi.processInstanceKey, 'VARIABLE')
    const task = (await valuesOf(e, pi.processInstanceKey, 'PROCESS_INSTANCE')).find(
      (r) => fieldsOf(r).elementId === 'Task_Decide',
    )!
    expect(
      vars.map((r) => [
        fieldsOf(r).name,
        fieldsOf(r).value,
        fieldsOf(r).scopeKey === Number(task.key),
      ]),
    ).toEqual([
      ['severity', '"low"', false],
      ['urgency', '"high"', false],
      ['impact', '"low"', true],
      ['result', '"P3"', true],
      ['label', '"priority P3"', false],
    ])
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
  })

  it('binds latest, the decision deployed with the process, or the newest with a version tag', async () => {
    // given: three processes deployed with version 1 of the decision (tag v1)
    const e = await open()
    const v1 = await e.deployResources([
      dmn('rule.dmn', tagged('Decision_Rule', '"one"', 'v1')),
      {
        name: 'latest.bpmn',
        content: ruleProcess('latest', 'decisionId="Decision_Rule" resultVariable="r"'),
      },
      {
        name: 'deployment.bpmn',
        content: ruleProcess(
          'deployment',
          'decisionId="Decision_Rule" resultVariable="r" bindingType="deployment"',
        ),
      },
      {
        name: 'tag.bpmn',
        content: ruleProcess(
          'tag',
          'decisionId="= &quot;Decision_&quot; + name" resultVariable="r" bindingType="versionTag" versionTag="= tag"',
        ),
      },
    ])
    // and a newer version deployed later (tag v2), then a third without a new tag (v2 again)
    const v2 = await e.deployResources([dmn('rule.dmn', tagged('Decision_Rule', '"two"', 'v2'))])
    await e.deployResources([dmn('rule.dmn', tagged('Decision_Rule', '"three"', 'v2'))])
    expect(v1.decisions.map((d) => d.version)).toEqual([1])
    expect(v2.decisions.map((d) => d.version)).toEqual([2])
    // when
    const run = async (bpmnProcessId: string, variables = {}) => {
      const pi = await e.createProcessInstance({ bpmnProcessId, variables })
      return rootVariables(e, pi.processInstanceKey).r ?? (await lastResult(pi.processInstanceKey))
    }
    const lastResult = async (piKey: string) => {
      const vars = await valuesOf(e, piKey, 'VARIABLE')
      return JSON.parse(String(vars.map(fieldsOf).find((v) => v.name === 'r')?.value)) as unknown
    }
    // then
    expect(await run('latest')).toBe('three')
    expect(await run('deployment')).toBe('one')
    expect(await run('tag', { name: 'Rule', tag: 'v1' })).toBe('one')
    expect(await run('tag', { name: 'Rule', tag: 'v2' })).toBe('three')
    const evaluations = await e.readRecords({ valueTypes: ['DECISION_EVALUATION'] })
    expect(evaluations.map((r) => fieldsOf(r).decisionVersion)).toEqual([3, 1, 1, 3])
  })

  it('evaluates the decisions a decision requires first', async () => {
    // given: a literal decision on top of the priority matrix
    const e = await open()
    await e.deployResources([
      dmn(
        'routing.dmn',
        priorityMatrix +
          literalDecision(
            'Decision_Route',
            'if Decision_PriorityMatrix = "P1" then "major-incident" else "service-desk"',
            { requires: ['Decision_PriorityMatrix'] },
          ),
      ),
      {
        name: 'route.bpmn',
        content: ruleProcess('route', 'decisionId="Decision_Route" resultVariable="queue"'),
      },
    ])
    // when
    const pi = await e.createProcessInstance({
      bpmnProcessId: 'route',
      variables: { impact: 'high', urgency: 'high' },
    })
    // then
    const [evaluation] = await valuesOf(e, pi.processInstanceKey, 'DECISION_EVALUATION')
    expect(fieldsOf(evaluation!).decisionOutput).toBe('"major-incident"')
    const evaluated = fieldsOf(evaluation!).evaluatedDecisions as {
      decisionId: string
      decisionOutput: string
      decisionEvaluationInstanceKey: string
    }[]
    expect(
      evaluated.map((d) => [d.decisionId, d.decisionOutput, d.decisionEvaluationInstanceKey]),
    ).toEqual([
      ['Decision_PriorityMatrix', '"P1"', `${evaluation!.key}-1`],
      ['Decision_Route', '"major-incident"', `${evaluation!.key}-2`],
    ])
    const queue = (await valuesOf(e, pi.processInstanceKey, 'VARIABLE')).find(
      (v) => fieldsOf(v).name === 'queue',
    )
    expect(queue && fieldsOf(queue).value).toBe('"major-incident"')
  })

  it('business rule tasks with a task definition stay job-worker tasks', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'job.bpmn',
        content: bpmn(
          'job',
          `<bpmn:startEvent id="start" /><bpmn:businessRuleTask id="Task_Rule"><bpmn:extensionElements><zeebe:taskDefinition type="rules" /></bpmn:extensionElements></bpmn:businessRuleTask>${chain('start', 'Task_Rule')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'job' })
    const [job] = await e.activateJobs({
      type: 'rules',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 1,
    })
    expect(job?.elementId).toBe('Task_Rule')
    await e.completeJob(job!.key, { priority: 'P4' })
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
  })
})
