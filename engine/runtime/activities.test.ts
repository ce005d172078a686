import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import type { Engine } from '../engine'
import {
  bpmn,
  chain,
  completedPath,
  expectReplayMatches,
  flow,
  freshEngine,
  isActive,
  serviceTask,
  trail,
  valuesOf,
} from '../test-support'
import { fieldsOf } from '../state/records'

describe.each(testDatabaseTargets())('activities on $kind', (target) => {
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

  it('creates job-worker user tasks with Zeebe headers (embedded and linked forms)', async () => {
    const e = await open()
    const form = JSON.stringify({ id: 'triage-form', type: 'default', components: [] })
    await e.deployResources([
      { name: 'triage.form', content: Buffer.from(form) },
      {
        name: 'ut.bpmn',
        content: bpmn(
          'ut',
          `<bpmn:extensionElements><zeebe:userTaskForm id="embedded">{"components":[]}</zeebe:userTaskForm></bpmn:extensionElements>
           <bpmn:startEvent id="start" />
           <bpmn:userTask id="Task_Triage"><bpmn:extensionElements>
             <zeebe:assignmentDefinition assignee="= owner" candidateGroups="ops, qa" candidateUsers="= [&quot;ann&quot;, &quot;bob&quot;]" />
             <zeebe:taskSchedule dueDate="2026-02-01T10:00:00Z" />
             <zeebe:formDefinition formId="triage-form" />
           </bpmn:extensionElements></bpmn:userTask>
           <bpmn:userTask id="Task_Embedded"><bpmn:extensionElements><zeebe:formDefinition formKey="camunda-forms:bpmn:embedded" /></bpmn:extensionElements></bpmn:userTask>
           <bpmn:endEvent id="end" />${chain('start', 'Task_Triage', 'Task_Embedded', 'end')}`,
        ),
      },
    ])
    const deployed = await e.deployResources([{ name: 'triage.form', content: Buffer.from(form) }])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'ut', variables: { owner: 'carol' } })
    const [job] = await e.activateJobs({
      type: 'io.camunda.zeebe:userTask',
      worker: 'inbox',
      timeoutMs: 1000,
      maxJobsToActivate: 5,
    })
    expect(job!.customHeaders).toEqual({
      'io.camunda.zeebe:assignee': 'carol',
      'io.camunda.zeebe:candidateGroups': '["ops","qa"]',
      'io.camunda.zeebe:candidateUsers': '["ann","bob"]',
      'io.camunda.zeebe:dueDate': '2026-02-01T10:00:00Z',
      'io.camunda.zeebe:formKey': deployed.forms[0]!.formKey,
    })
    expect(job!.retries).toBe(1)
    await e.completeJob(job!.key, { decision: 'ok' })
    const [second] = await e.activateJobs({
      type: 'io.camunda.zeebe:userTask',
      worker: 'inbox',
      timeoutMs: 1000,
      maxJobsToActivate: 5,
    })
    expect(second!.customHeaders).toEqual({
      'io.camunda.zeebe:formKey': 'camunda-forms:bpmn:embedded',
    })
    expect(second!.variables).toEqual({ owner: 'carol', decision: 'ok' })
    await e.completeJob(second!.key)
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'Task_Triage',
      'Task_Embedded',
      'end',
      'ut',
    ])
  })

  it('resolves linked forms by binding type: latest, deployment and versionTag', async () => {
    const e = await open()
    const formV = (tag: string, label: string) =>
      Buffer.from(
        JSON.stringify({
          id: 'bound-form',
          type: 'default',
          versionTag: tag,
          components: [{ type: 'textfield', key: 'note', label, id: 'Field_Note' }],
        }),
      )
    const task = (id: string, attrs: string) =>
      `<bpmn:userTask id="${id}"><bpmn:extensionElements><zeebe:formDefinition formId="bound-form" ${attrs} /></bpmn:extensionElements></bpmn:userTask>`
    const first = await e.deployResources([
      { name: 'bound.form', content: formV('1.0', 'Note') },
      {
        name: 'bound.bpmn',
        content: bpmn(
          'bound',
          `<bpmn:startEvent id="start" />
           ${task('Task_Deployment', 'bindingType="deployment"')}
           ${task('Task_Tag', 'bindingType="versionTag" versionTag="1.0"')}
           ${task('Task_Latest', '')}
           <bpmn:endEvent id="end" />${chain('start', 'Task_Deployment', 'Task_Tag', 'Task_Latest', 'end')}`,
        ),
      },
    ])
    const second = await e.deployResources([
      { name: 'bound.form', content: formV('2.0', 'Note 2') },
    ])
    const v1 = first.forms[0]!.formKey
    const v2 = second.forms[0]!.formKey
    expect(v2).not.toBe(v1)
    const pi = await e.createProcessInstance({ bpmnProcessId: 'bound' })
    const formKeys: string[] = []
    for (let i = 0; i < 3; i++) {
      const [job] = await e.activateJobs({
        type: 'io.camunda.zeebe:userTask',
        worker: 'inbox',
        timeoutMs: 1000,
        maxJobsToActivate: 1,
      })
      formKeys.push(String(job!.customHeaders['io.camunda.zeebe:formKey']))
      await e.completeJob(job!.key)
    }
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'Task_Deployment',
      'Task_Tag',
      'Task_Latest',
      'end',
      'bound',
    ])
    // the deployment's own form, the tagged one, then the newest
    expect(formKeys).toEqual([v1, v1, v2])

    // a deployment binding with no such form in the process's deployment, and an unknown tag
    const lone = await e.deployResources([
      {
        name: 'lone.bpmn',
        content: bpmn(
          'lone',
          `<bpmn:startEvent id="start" />${task('Task_Deployment', 'bindingType="deployment"')}<bpmn:endEvent id="end" />${chain('start', 'Task_Deployment', 'end')}`,
        ),
      },
      {
        name: 'tagged.bpmn',
        content: bpmn(
          'tagged',
          `<bpmn:startEvent id="start" />${task('Task_Tag', 'bindingType="versionTag" versionTag="9.9"')}<bpmn:endEvent id="end" />${chain('start', 'Task_Tag', 'end')}`,
        ),
      },
    ])
    const missing = await e.createProcessInstance({ bpmnProcessId: 'lone' })
    const untagged = await e.createProcessInstance({ bpmnProcessId: 'tagged' })
    const [noForm] = await valuesOf(e, missing.processInstanceKey, 'INCIDENT')
    const [noTag] = await valuesOf(e, untagged.processInstanceKey, 'INCIDENT')
    expect(noForm!.value).toMatchObject({
      errorType: 'FORM_NOT_FOUND',
      errorMessage: `Expected to use a form with id 'bound-form' with binding type 'deployment', but no such form found in the deployment with key ${lone.key} which contained the current process. To resolve this incident, migrate the process instance to a process definition that is deployed together with the intended form to use.`,
    })
    expect(noTag!.value).toMatchObject({
      errorType: 'FORM_NOT_FOUND',
      errorMessage:
        "Expected to use a form with id 'bound-form' and version tag '9.9', but no such form found. To resolve the incident, deploy a form with the given id and version tag.\n",
    })
  })

  it('runs FEEL script tasks, input/output mappings and embedded sub-processes', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'sp.bpmn',
        content: bpmn(
          'sp',
          `<bpmn:startEvent id="start" />
           <bpmn:scriptTask id="Script_Sum"><bpmn:extensionElements><zeebe:script expression="= a + b" resultVariable="sum" /></bpmn:extensionElements></bpmn:scriptTask>
           <bpmn:subProcess id="Sub"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="= sum * 2" target="double" /><zeebe:output source="= double + 1" target="result.value" /></zeebe:ioMapping></bpmn:extensionElements>
             <bpmn:startEvent id="subStart" />${serviceTask('inner', 'inner')}<bpmn:endEvent id="subEnd" />${chain('subStart', 'inner', 'subEnd')}
           </bpmn:subProcess>
           <bpmn:endEvent id="end" />${chain('start', 'Script_Sum', 'Sub', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({ bpmnProcessId: 'sp', variables: { a: 2, b: 3 } })
    const [job] = await e.activateJobs({
      type: 'inner',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 1,
    })
    expect(job!.variables).toEqual({ a: 2, b: 3, sum: 5, double: 10 })
    await e.completeJob(job!.key, { double: 20 })
    const vars = await valuesOf(e, pi.processInstanceKey, 'VARIABLE')
    const root = Number(pi.processInstanceKey)
    const atRoot = vars
      .filter((r) => fieldsOf(r).scopeKey === root)
      .map((r) => [fieldsOf(r).name, fieldsOf(r).value])
    expect(atRoot).toEqual([
      ['a', '2'],
      ['b', '3'],
      ['sum', '5'],
      ['result', '{"value":21}'],
    ])
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect(await completedPath(e, pi.processInstanceKey, { flows: true })).toEqual([
      'start',
      'f_start_Script_Sum',
      'Script_Sum',
      'f_Script_Sum_Sub',
      'subStart',
      'f_subStart_inner',
      'inner',
      'f_inner_subEnd',
      'subEnd',
      'Sub',
      'f_Sub_end',
      'end',
      'sp',
    ])
  })

  it('call activities pass variables down and back, and cancel with the parent', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'child.bpmn',
        content: bpmn(
          'child',
          `<bpmn:startEvent id="s" />${serviceTask('childTask', 'child-work')}<bpmn:endEvent id="e" />${chain('s', 'childTask', 'e')}`,
        ),
      },
      {
        name: 'parent.bpmn',
        content: bpmn(
          'parent',
          `<bpmn:startEvent id="start" />
           <bpmn:callActivity id="Call"><bpmn:extensionElements><zeebe:calledElement processId="= childId" /></bpmn:extensionElements></bpmn:callActivity>
           <bpmn:endEvent id="end" />${chain('start', 'Call', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({
      bpmnProcessId: 'parent',
      variables: { childId: 'child', x: 1 },
    })
    const [job] = await e.activateJobs({
      type: 'child-work',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 1,
    })
    expect(job!.variables).toEqual({ childId: 'child', x: 1 })
    expect(job!.bpmnProcessId).toBe('child')
    const childKey = job!.processInstanceKey
    const childRecords = await e.readRecords({
      processInstanceKey: childKey,
      valueTypes: ['PROCESS_INSTANCE'],
    })
    expect(childRecords[0]!.value).toMatchObject({
      parentProcessInstanceKey: Number(pi.processInstanceKey),
      bpmnElementType: 'PROCESS',
    })
    await expect(e.cancelProcessInstance(childKey)).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
    })
    await e.completeJob(job!.key, { y: 2 })
    const vars = await valuesOf(e, pi.processInstanceKey, 'VARIABLE')
    expect(
      vars
        .filter((r) => fieldsOf(r).scopeKey === Number(pi.processInstanceKey))
        .map((r) => fieldsOf(r).name),
    ).toEqual(['childId', 'x', 'y'])
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'Call',
      'end',
      'parent',
    ])
    expect(await completedPath(e, childKey)).toEqual(['s', 'childTask', 'e', 'child'])

    const second = await e.createProcessInstance({
      bpmnProcessId: 'parent',
      variables: { childId: 'child' },
    })
    const [job2] = await e.activateJobs({
      type: 'child-work',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 1,
    })
    await e.cancelProcessInstance(second.processInstanceKey)
    expect(isActive(e, second.processInstanceKey)).toBe(false)
    expect(isActive(e, job2!.processInstanceKey)).toBe(false)
    const jobs = await e.readRecords({
      processInstanceKey: job2!.processInstanceKey,
      valueTypes: ['JOB'],
    })
    expect(jobs.map((r) => r.intent)).toEqual(['CREATED', 'CANCELED'])
    await expect(e.completeJob(job2!.key)).rejects.toMatchObject({ code: 'NOT_FOUND' })

    // A missing called process is an incident.
    const broken = await e.createProcessInstance({
      bpmnProcessId: 'parent',
      variables: { childId: 'nope' },
    })
    const [incident] = await valuesOf(e, broken.processInstanceKey, 'INCIDENT')
    expect(incident!.value).toMatchObject({ errorType: 'CALLED_ELEMENT_ERROR', elementId: 'Call' })
  })

  it('call activity mappings: only mapped inputs go down, only mapped outputs come back', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'callee.bpmn',
        content: bpmn(
          'callee',
          `<bpmn:startEvent id="s" />${serviceTask('calleeTask', 'callee-work')}<bpmn:endEvent id="e" />${chain('s', 'calleeTask', 'e')}`,
        ),
      },
      {
        name: 'caller.bpmn',
        content: bpmn(
          'caller',
          `<bpmn:startEvent id="start" />
           <bpmn:callActivity id="Call"><bpmn:extensionElements>
             <zeebe:calledElement processId="callee" propagateAllParentVariables="false" />
             <zeebe:ioMapping><zeebe:input source="= order.id" target="orderId" /><zeebe:output source="= status" target="calleeStatus" /></zeebe:ioMapping>
           </bpmn:extensionElements></bpmn:callActivity>
           <bpmn:boundaryEvent id="Abort" attachedToRef="Call"><bpmn:signalEventDefinition signalRef="AbortSig" /></bpmn:boundaryEvent>
           <bpmn:endEvent id="end" /><bpmn:endEvent id="aborted" />${chain('start', 'Call', 'end')}${flow('a', 'Abort', 'aborted')}`,
          '<bpmn:signal id="AbortSig" name="abort-calls" />',
        ),
      },
    ])
    const pi = await e.createProcessInstance({
      bpmnProcessId: 'caller',
      variables: { order: { id: 'o-1' }, secret: 's' },
    })
    const [job] = await e.activateJobs({
      type: 'callee-work',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 1,
    })
    expect(job!.variables).toEqual({ orderId: 'o-1' })
    await e.completeJob(job!.key, { status: 'done', noise: 1 })
    const vars = await valuesOf(e, pi.processInstanceKey, 'VARIABLE')
    const root = vars
      .filter((r) => fieldsOf(r).scopeKey === Number(pi.processInstanceKey))
      .map((r) => fieldsOf(r).name)
    expect(root).toEqual(['order', 'secret', 'calleeStatus'])
    expect(isActive(e, pi.processInstanceKey)).toBe(false)
    expect(await completedPath(e, pi.processInstanceKey)).toEqual([
      'start',
      'Call',
      'end',
      'caller',
    ])

    const second = await e.createProcessInstance({
      bpmnProcessId: 'caller',
      variables: { order: { id: 'o-2' } },
    })
    const [job2] = await e.activateJobs({
      type: 'callee-work',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 1,
    })
    await e.broadcastSignal('abort-calls')
    expect(await completedPath(e, second.processInstanceKey)).toEqual([
      'start',
      'Abort',
      'aborted',
      'caller',
    ])
    expect(isActive(e, job2!.processInstanceKey)).toBe(false)
  })

  it('runs parallel and sequential multi-instance with output collection and completion condition', async () => {
    const e = await open()
    const mi = (id: string, sequential: boolean, condition = '') =>
      bpmn(
        id,
        `<bpmn:startEvent id="start" />
         <bpmn:serviceTask id="Each"><bpmn:extensionElements><zeebe:taskDefinition type="${id}-each" /><zeebe:ioMapping><zeebe:input source="= item * 2" target="doubled" /></zeebe:ioMapping></bpmn:extensionElements>
           <bpmn:multiInstanceLoopCharacteristics isSequential="${sequential}"><bpmn:extensionElements>
             <zeebe:loopCharacteristics inputCollection="= items" inputElement="item" outputCollection="results" outputElement="= item * 10" />
           </bpmn:extensionElements>${condition ? `<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${condition}</bpmn:completionCondition>` : ''}</bpmn:multiInstanceLoopCharacteristics>
         </bpmn:serviceTask>
         <bpmn:endEvent id="end" />${chain('start', 'Each', 'end')}`,
      )
    await e.deployResources([
      { name: 'par.bpmn', content: mi('par', false) },
      { name: 'seq.bpmn', content: mi('seq', true) },
      { name: 'cond.bpmn', content: mi('cond', false, '= numberOfCompletedInstances &gt;= 2') },
    ])
    const par = await e.createProcessInstance({
      bpmnProcessId: 'par',
      variables: { items: [1, 2, 3] },
    })
    const jobs = await e.activateJobs({
      type: 'par-each',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 10,
    })
    expect(jobs.map((j) => [j.variables.item, j.variables.loopCounter])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ])
    expect(Object.keys(jobs[0]!.variables).sort()).toEqual([
      'doubled',
      'item',
      'items',
      'loopCounter',
      'results',
    ])
    expect(jobs.map((j) => j.variables.doubled)).toEqual([2, 4, 6])
    for (const j of [...jobs].reverse()) await e.completeJob(j.key)
    const parVars = await valuesOf(e, par.processInstanceKey, 'VARIABLE')
    const results = parVars.filter(
      (r) =>
        fieldsOf(r).name === 'results' && fieldsOf(r).scopeKey === Number(par.processInstanceKey),
    )
    expect(results.map((r) => fieldsOf(r).value)).toEqual(['[10,20,30]'])
    expect(isActive(e, par.processInstanceKey)).toBe(false)
    // three inner instances, then the body; then the flow to the end event is taken
    const through = (id: string, n: number) => [
      'start',
      'f_start_Each',
      ...Array<string>(n + 1).fill('Each'),
      'f_Each_end',
      'end',
      id,
    ]
    expect(await completedPath(e, par.processInstanceKey, { flows: true })).toEqual(
      through('par', 3),
    )

    const seq = await e.createProcessInstance({
      bpmnProcessId: 'seq',
      variables: { items: ['a', 'b'] },
    })
    const first = await e.activateJobs({
      type: 'seq-each',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 10,
    })
    expect(first.map((j) => j.variables.item)).toEqual(['a'])
    await e.completeJob(first[0]!.key)
    const next = await e.activateJobs({
      type: 'seq-each',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 10,
    })
    expect(next.map((j) => j.variables.item)).toEqual(['b'])
    await e.completeJob(next[0]!.key)
    expect(isActive(e, seq.processInstanceKey)).toBe(false)
    expect(await completedPath(e, seq.processInstanceKey, { flows: true })).toEqual(
      through('seq', 2),
    )

    const cond = await e.createProcessInstance({
      bpmnProcessId: 'cond',
      variables: { items: [1, 2, 3, 4] },
    })
    const cj = await e.activateJobs({
      type: 'cond-each',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 10,
    })
    await e.completeJob(cj[0]!.key)
    await e.completeJob(cj[1]!.key)
    expect(isActive(e, cond.processInstanceKey)).toBe(false)
    const t = await trail(e, cond.processInstanceKey)
    expect(t.filter((x) => x === 'Each:ELEMENT_TERMINATED')).toHaveLength(2)
    expect(await completedPath(e, cond.processInstanceKey, { flows: true })).toEqual(
      through('cond', 2),
    )

    const empty = await e.createProcessInstance({ bpmnProcessId: 'par', variables: { items: [] } })
    expect(isActive(e, empty.processInstanceKey)).toBe(false)
    expect(await completedPath(e, empty.processInstanceKey, { flows: true })).toEqual(
      through('par', 0),
    )
    const bad = await e.createProcessInstance({ bpmnProcessId: 'par', variables: { items: 'x' } })
    const [incident] = await valuesOf(e, bad.processInstanceKey, 'INCIDENT')
    expect(incident!.value).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR' })
    expect(String(fieldsOf(incident!).errorMessage)).toContain("to be 'ARRAY', but was 'STRING'")
  })

  it('starts instances at start instructions', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'si.bpmn',
        content: bpmn(
          'si',
          `<bpmn:startEvent id="start" />${serviceTask('first', 'si-first')}${serviceTask('second', 'si-second')}<bpmn:endEvent id="end" />${chain('start', 'first', 'second', 'end')}`,
        ),
      },
    ])
    const pi = await e.createProcessInstance({
      bpmnProcessId: 'si',
      startInstructions: [{ elementId: 'second' }],
    })
    expect(
      await e.activateJobs({
        type: 'si-first',
        worker: 'w',
        timeoutMs: 1000,
        maxJobsToActivate: 1,
      }),
    ).toEqual([])
    const [job] = await e.activateJobs({
      type: 'si-second',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 1,
    })
    expect(job!.processInstanceKey).toBe(pi.processInstanceKey)
    await e.completeJob(job!.key)
    expect(await completedPath(e, pi.processInstanceKey)).toEqual(['second', 'end', 'si'])
    await expect(
      e.createProcessInstance({ bpmnProcessId: 'si', startInstructions: [{ elementId: 'nope' }] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('completes with result, sets local and global variables, and cancels instances', async () => {
    const e = await open()
    await e.deployResources([
      {
        name: 'wr.bpmn',
        content: bpmn(
          'wr',
          `<bpmn:startEvent id="start" />${serviceTask('t', 'wr')}<bpmn:endEvent id="end" />${chain('start', 't', 'end')}`,
        ),
      },
    ])
    const result = e.createProcessInstanceWithResult({
      bpmnProcessId: 'wr',
      variables: { a: 1 },
      fetchVariables: ['a', 'b'],
    })
    await new Promise((r) => setTimeout(r, 50))
    const [job] = await e.activateJobs({
      type: 'wr',
      worker: 'w',
      timeoutMs: 1000,
      maxJobsToActivate: 1,
    })
    await e.setVariables(job!.elementInstanceKey, { local: 1 }, true)
    await e.setVariables(job!.elementInstanceKey, { b: 2 }, false)
    await e.completeJob(job!.key, { c: 3 })
    const r = await result
    expect(r.variables).toEqual({ a: 1, b: 2 })
    expect(r.bpmnProcessId).toBe('wr')
    expect(await completedPath(e, r.processInstanceKey)).toEqual(['start', 't', 'end', 'wr'])

    const pi = await e.createProcessInstance({ bpmnProcessId: 'wr' })
    await e.cancelProcessInstance(pi.processInstanceKey)
    const t = await trail(e, pi.processInstanceKey)
    expect(t.slice(-4)).toEqual([
      'wr:ELEMENT_TERMINATING',
      't:ELEMENT_TERMINATING',
      't:ELEMENT_TERMINATED',
      'wr:ELEMENT_TERMINATED',
    ])
    await expect(e.cancelProcessInstance(pi.processInstanceKey)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})
