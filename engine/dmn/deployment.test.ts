/**
 * DMN on the engine: deploying `.dmn` resources (records, versions, duplicates, validation in
 * Zeebe's layout), evaluating decisions in-process (EvaluateDecision), and deployed decisions
 * surviving a restart from a snapshot and from the log alone.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import { createEngine, type Engine } from '../engine'
import { expectReplayMatches, freshEngine, isActive } from '../test-support'
import {
  dmnResource as dmn,
  fixture,
  literalDecision,
  priorityMatrix,
  ruleProcess,
} from './test-support'
import { fieldsOf } from '../state/records'

/** The priority matrix with a literal decision requiring it (two decisions, one DRG). */
const routing = () =>
  dmn(
    'routing.dmn',
    priorityMatrix +
      literalDecision('Decision_Route', 'if Decision_PriorityMatrix = "P1" then "mi" else "sd"', {
        requires: ['Decision_PriorityMatrix'],
      }),
    'Routing_DRG',
  )

describe.each(testDatabaseTargets())('DMN deployment and evaluation on $kind', (target) => {
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

  it('writes DECISION_REQUIREMENTS and DECISION records and answers their metadata', async () => {
    // given
    const e = await open()
    // when
    const deployed = await e.deployResources([routing()])
    // then
    const drgKey = Number(deployed.decisionRequirements[0]!.decisionRequirementsKey)
    expect(deployed.decisionRequirements).toEqual([
      {
        decisionRequirementsId: 'Routing_DRG',
        decisionRequirementsName: 'Test DRG',
        version: 1,
        decisionRequirementsKey: String(drgKey),
        resourceName: 'routing.dmn',
        tenantId: '<default>',
      },
    ])
    expect(
      deployed.decisions.map((d) => [d.decisionId, d.version, d.decisionRequirementsKey]),
    ).toEqual([
      ['Decision_PriorityMatrix', 1, String(drgKey)],
      ['Decision_Route', 1, String(drgKey)],
    ])
    const records = await e.readRecords({})
    expect(records.map((r) => `${r.valueType}:${r.intent}:${r.key}`)).toEqual([
      `DECISION_REQUIREMENTS:CREATED:${drgKey}`,
      `DECISION:CREATED:${deployed.decisions[0]!.decisionKey}`,
      `DECISION:CREATED:${deployed.decisions[1]!.decisionKey}`,
      `DEPLOYMENT:CREATED:${deployed.key}`,
    ])
    expect(records[0]!.value).toEqual({
      decisionRequirementsId: 'Routing_DRG',
      decisionRequirementsName: 'Test DRG',
      decisionRequirementsVersion: 1,
      decisionRequirementsKey: drgKey,
      namespace: 'http://camunda.org/schema/1.0/dmn',
      resourceName: 'routing.dmn',
      checksum: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
      resource: routing().content.toString('utf8'),
      tenantId: '<default>',
      deploymentKey: Number(deployed.key),
    })
    expect(records[2]!.value).toEqual({
      decisionId: 'Decision_Route',
      decisionName: 'Decision_Route name',
      version: 1,
      versionTag: '',
      decisionKey: Number(deployed.decisions[1]!.decisionKey),
      decisionRequirementsId: 'Routing_DRG',
      decisionRequirementsKey: drgKey,
      duplicate: false,
      tenantId: '<default>',
      deploymentKey: Number(deployed.key),
    })
    const deploymentRecord = records[3]!
    if (deploymentRecord.valueType !== 'DEPLOYMENT') throw new Error('expected DEPLOYMENT')
    const deployment = deploymentRecord.value
    expect(deployment.resources).toEqual([{ resourceName: 'routing.dmn' }])
    expect(deployment.decisionRequirementsMetadata).toMatchObject([
      { decisionRequirementsId: 'Routing_DRG', duplicate: false, decisionRequirementsKey: drgKey },
    ])
    expect(deployment.decisionsMetadata.map((d) => d.decisionId)).toEqual([
      'Decision_PriorityMatrix',
      'Decision_Route',
    ])
  })

  it('versions per id: identical resources are duplicates, changed ones new versions', async () => {
    // given
    const e = await open()
    const first = await e.deployResources([routing()])
    // when: the same resource again
    const again = await e.deployResources([routing()])
    // then: the same keys and versions, no DMN records
    expect(again.decisionRequirements).toEqual(first.decisionRequirements)
    expect(again.decisions).toEqual(first.decisions)
    const afterAgain = await e.readRecords({ valueTypes: ['DECISION', 'DECISION_REQUIREMENTS'] })
    expect(afterAgain).toHaveLength(3)
    // when: a changed resource
    const changed = await e.deployResources([
      dmn('routing.dmn', priorityMatrix + literalDecision('Decision_Route', '"sd"'), 'Routing_DRG'),
    ])
    // then
    expect(changed.decisionRequirements[0]!.version).toBe(2)
    expect(changed.decisions.map((d) => d.version)).toEqual([2, 2])
    expect(changed.decisions[0]!.decisionKey).not.toBe(first.decisions[0]!.decisionKey)
  })

  it('versions the resources of a deployment together, as Zeebe does', async () => {
    // given: a process deployed with its decision
    const e = await open()
    const process = ruleProcess(
      'p',
      'decisionId="Decision_PriorityMatrix" resultVariable="priority" bindingType="deployment"',
    )
    const first = await e.deployResources([
      dmn('priority.dmn', priorityMatrix),
      { name: 'p.bpmn', content: process },
    ])
    // when: the same decision with a changed process
    const changedProcess = ruleProcess(
      'p',
      'decisionId="Decision_PriorityMatrix" resultVariable="prio" bindingType="deployment"',
    )
    const second = await e.deployResources([
      dmn('priority.dmn', priorityMatrix),
      { name: 'p.bpmn', content: changedProcess },
    ])
    // then: the unchanged decision gets a new version in the new deployment
    expect(second.processes[0]!.version).toBe(2)
    expect(second.decisions[0]!.version).toBe(2)
    expect(second.decisionRequirements[0]!.version).toBe(2)
    // when: a changed decision with the same process
    const third = await e.deployResources([
      dmn('priority.dmn', priorityMatrix.replace('"P1"', '"P0"')),
      { name: 'p.bpmn', content: changedProcess },
    ])
    // then: the unchanged process is versioned with it and binds the new decision
    expect(third.processes[0]!.version).toBe(3)
    expect(third.decisions[0]!.version).toBe(3)
    const pi = await e.createProcessInstance({
      bpmnProcessId: 'p',
      variables: { impact: 'high', urgency: 'high' },
    })
    const [evaluation] = await e.readRecords({
      processInstanceKey: pi.processInstanceKey,
      valueTypes: ['DECISION_EVALUATION'],
    })
    expect(fieldsOf(evaluation!).decisionOutput).toBe('"P0"')
    expect(first.processes[0]!.version).toBe(1)
  })

  it.each([
    [
      'an invalid DMN resource',
      [{ name: 'bad.dmn', content: Buffer.from(fixture('invalid-expression.dmn')) }],
      /^Expected to deploy new resources, but encountered the following errors:\n'bad\.dmn': /,
    ],
    [
      'a decision id in two resources',
      [
        dmn('a.dmn', literalDecision('Decision_Same', '1'), 'Drg_A'),
        dmn('b.dmn', literalDecision('Decision_Same', '2'), 'Drg_B'),
      ],
      "Expected the decision ids to be unique within a deployment but found a duplicated id 'Decision_Same' in the resources 'a.dmn' and 'b.dmn'.",
    ],
    [
      'a called decision without result variable',
      [{ name: 'p.bpmn', content: ruleProcess('p', 'decisionId="d"') }],
      "'p.bpmn': - Element: Task_Decide > extensionElements > calledDecision\n    - ERROR: Attribute 'resultVariable' must be present and not empty",
    ],
    [
      'a called decision without decision id',
      [{ name: 'p.bpmn', content: ruleProcess('p', 'resultVariable="r"') }],
      "Attribute 'decisionId' must be present and not empty",
    ],
    [
      'an unknown binding type',
      [
        {
          name: 'p.bpmn',
          content: ruleProcess('p', 'decisionId="d" resultVariable="r" bindingType="newest"'),
        },
      ],
      "Attribute 'bindingType' must be one of: deployment, latest, versionTag",
    ],
    [
      'deployment binding to a decision outside the deployment',
      [
        {
          name: 'p.bpmn',
          content: ruleProcess('p', 'decisionId="d" resultVariable="r" bindingType="deployment"'),
        },
      ],
      "'p.bpmn': - Element: Task_Decide > extensionElements > calledDecision\n    - ERROR: Expected to find decision with id 'd' in current deployment, but not found.",
    ],
    [
      'a called decision and a task definition',
      [
        {
          name: 'p.bpmn',
          content: ruleProcess(
            'p',
            'decisionId="d" resultVariable="r" /><zeebe:taskDefinition type="x"',
          ),
        },
      ],
      "Must have either one 'zeebe:calledDecision' or one 'zeebe:taskDefinition' extension element",
    ],
  ])('refuses %s with INVALID_ARGUMENT, writing nothing', async (_what, resources, message) => {
    const e = await open()
    const refused = e.deployResources(resources)
    await expect(refused).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(refused).rejects.toThrow(message)
    expect(await e.readRecords({})).toEqual([])
  })

  it('evaluates a decision by id (latest) or key; failures are answers, unknown ids NOT_FOUND', async () => {
    // given
    const e = await open()
    const v1 = await e.deployResources([routing()])
    await e.deployResources([
      dmn('routing.dmn', priorityMatrix + literalDecision('Decision_Route', '"v2"'), 'Routing_DRG'),
    ])
    // when
    const latest = await e.evaluateDecision({ decisionId: 'Decision_Route', variables: {} })
    const byKey = await e.evaluateDecision({
      decisionKey: v1.decisions[1]!.decisionKey,
      variables: { impact: 'low', urgency: 'low' },
    })
    // then
    expect(latest).toMatchObject({
      decisionVersion: 2,
      decisionOutput: '"v2"',
      failedDecisionId: '',
      failureMessage: '',
    })
    expect(byKey).toMatchObject({
      decisionId: 'Decision_Route',
      decisionVersion: 1,
      decisionKey: v1.decisions[1]!.decisionKey,
      decisionRequirementsId: 'Routing_DRG',
      decisionRequirementsKey: v1.decisionRequirements[0]!.decisionRequirementsKey,
      decisionOutput: '"sd"',
      tenantId: '<default>',
    })
    expect(
      byKey.evaluatedDecisions.map((d) => [
        d.decisionId,
        d.decisionKey,
        d.decisionType,
        d.decisionOutput,
      ]),
    ).toEqual([
      ['Decision_PriorityMatrix', v1.decisions[0]!.decisionKey, 'DECISION_TABLE', '"P4"'],
      ['Decision_Route', v1.decisions[1]!.decisionKey, 'LITERAL_EXPRESSION', '"sd"'],
    ])
    const record = (await e.readRecords({ valueTypes: ['DECISION_EVALUATION'] })).at(-1)!
    expect(record.key).toBe(byKey.decisionInstanceKey)
    expect(record.intent).toBe('EVALUATED')
    expect(record.value).toMatchObject({
      processInstanceKey: -1,
      elementInstanceKey: -1,
      bpmnProcessId: '',
    })
    // when: an evaluation that fails (a literal typed as number gets a string)
    await e.deployResources([
      dmn(
        'typed.dmn',
        literalDecision('Decision_Typed', 'x', { variable: 'out', typeRef: 'number' }),
        'Typed',
      ),
    ])
    const failed = await e.evaluateDecision({
      decisionId: 'Decision_Typed',
      variables: { x: 'text' },
    })
    // then
    expect(failed).toMatchObject({
      decisionId: 'Decision_Typed',
      decisionOutput: '',
      failedDecisionId: 'Decision_Typed',
      failureMessage: expect.stringMatching(
        /^Expected to evaluate decision 'Decision_Typed', but /,
      ) as string,
    })
    expect((await e.readRecords({ valueTypes: ['DECISION_EVALUATION'] })).at(-1)!.intent).toBe(
      'FAILED',
    )
    // unknown decisions and missing identifiers are rejected
    await expect(e.evaluateDecision({ decisionId: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "Expected to evaluate decision 'nope', but no decision found for id 'nope'",
    })
    await expect(e.evaluateDecision({ decisionKey: '2251799813999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message:
        "Expected to evaluate decision '2251799813999999', but no decision found for key '2251799813999999'",
    })
    await expect(e.evaluateDecision({})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('keeps deployed decisions across a restart, from a snapshot and from the log alone', async () => {
    // given
    let e = await open()
    const deployed = await e.deployResources([
      routing(),
      {
        name: 'route.bpmn',
        content: ruleProcess('route', 'decisionId="Decision_Route" resultVariable="queue"'),
      },
    ])
    for (const fromSnapshot of [true, false]) {
      // when
      await e.close()
      if (!fromSnapshot) await db.database.sql.query('delete from engine_snapshots')
      e = engine = await createEngine({ sql: db.database.sql, clock })
      // then
      expect(Object.keys(e.state.decisions ?? {}).sort()).toEqual(
        deployed.decisions.map((d) => d.decisionKey).sort(),
      )
      const evaluated = await e.evaluateDecision({
        decisionId: 'Decision_Route',
        variables: { impact: 'high', urgency: 'high' },
      })
      expect(evaluated.decisionOutput).toBe('"mi"')
      const pi = await e.createProcessInstance({
        bpmnProcessId: 'route',
        variables: { impact: 'low', urgency: 'high' },
      })
      expect(isActive(e, pi.processInstanceKey)).toBe(false)
      const again = await e.deployResources([routing()])
      expect(again.decisions).toEqual(deployed.decisions)
    }
  })
})
