import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../test/support/databases'
import { TestClock } from '../clock'
import type { Engine } from '../engine'
import { expectReplayMatches, freshEngine } from '../test-support'
import { camundaUserTask, listeners, openTask, taskProcess, userTaskRecords } from './test-support'
import { fieldsOf } from '../state/records'

describe.each(testDatabaseTargets())(
  'user task forms, incidents and validation on $kind',
  (target) => {
    let db: TestDatabase
    let engine: Engine
    const clock = new TestClock(Date.UTC(2026, 0, 10, 12, 0, 0))

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
    const form = (id: string, label: string) =>
      Buffer.from(
        JSON.stringify({
          id,
          type: 'default',
          components: [{ label, type: 'textfield', key: 'x' }],
        }),
      )

    it('a linked form (formId, bindingType deployment) puts the deployed form key in the record', async () => {
      const e = await open()
      const first = await e.deployResources([
        { name: 'triage.form', content: form('triage-form', 'v1') },
        {
          name: 'p.bpmn',
          content: taskProcess(
            'p',
            camundaUserTask(
              'Task',
              '<zeebe:formDefinition formId="triage-form" bindingType="deployment" />',
            ),
          ),
        },
      ])
      // a newer version of the form, deployed alone, is not the one this process binds to
      await e.deployResources([{ name: 'triage.form', content: form('triage-form', 'v2') }])
      const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
      const [creating] = await userTaskRecords(e, pi.processInstanceKey)
      expect(fieldsOf(creating!).formKey).toBe(Number(first.forms[0]!.formKey))
      expect(openTask(e, pi.processInstanceKey).formKey).toBe(first.forms[0]!.formKey)
    })

    it('a custom form (externalReference, FEEL) is written as externalFormReference', async () => {
      const e = await open()
      await e.deployResources([
        {
          name: 'p.bpmn',
          content: taskProcess(
            'p',
            camundaUserTask(
              'Task',
              '<zeebe:formDefinition externalReference="= &quot;https://forms/&quot; + id" />',
            ),
          ),
        },
      ])
      const pi = await e.createProcessInstance({ bpmnProcessId: 'p', variables: { id: 'c7' } })
      const [creating] = await userTaskRecords(e, pi.processInstanceKey)
      expect(creating!.value).toMatchObject({
        externalFormReference: 'https://forms/c7',
        formKey: -1,
      })
    })

    it('a missing linked form is a FORM_NOT_FOUND incident; deploying it and resolving creates the task', async () => {
      const e = await open()
      await e.deployResources([
        {
          name: 'p.bpmn',
          content: taskProcess(
            'p',
            camundaUserTask('Task', '<zeebe:formDefinition formId="later" />'),
          ),
        },
      ])
      const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
      const [incident] = Object.values(e.state.incidents)
      expect(incident?.value).toMatchObject({
        errorType: 'FORM_NOT_FOUND',
        errorMessage:
          "Expected to find a form with id 'later', but no form with this id is found, at least a form with this id should be available. To resolve the Incident please deploy a form with the same id",
      })
      expect(await userTaskRecords(e, pi.processInstanceKey)).toEqual([])
      const deployed = await e.deployResources([
        { name: 'later.form', content: form('later', 'v1') },
      ])
      await e.resolveIncident(String(incident!.key))
      expect(openTask(e, pi.processInstanceKey).formKey).toBe(deployed.forms[0]!.formKey)
    })

    it('expressions that fail or give the wrong type are EXTRACT_VALUE_ERROR incidents with Zeebe wording', async () => {
      const e = await open()
      const cases: [string, string, string][] = [
        [
          'a',
          '<zeebe:assignmentDefinition assignee="= 42" />',
          "Expected result of the expression '42' to be 'STRING', but was 'NUMBER'.",
        ],
        [
          'b',
          '<zeebe:priorityDefinition priority="= 150" />',
          "Expected priority to be in the range [0,100] but was '150'.",
        ],
        [
          'c',
          '<zeebe:assignmentDefinition candidateGroups="= [1, 2]" />',
          "Expected result of the expression '[1, 2]' to be 'ARRAY' containing 'STRING' items, but was 'ARRAY' containing at least one non-'STRING' item.",
        ],
        [
          'd',
          '<zeebe:taskSchedule dueDate="= &quot;soon&quot;" />',
          "Invalid date-time format 'soon' for expression '\"soon\"'.",
        ],
      ]
      for (const [id, ext] of cases) {
        await e.deployResources([
          { name: `${id}.bpmn`, content: taskProcess(id, camundaUserTask('Task', ext)) },
        ])
      }
      for (const [id, , message] of cases) {
        const pi = await e.createProcessInstance({ bpmnProcessId: id })
        const incident = Object.values(e.state.incidents).find(
          (i) => String(i.value.processInstanceKey) === pi.processInstanceKey,
        )
        expect(incident?.value, id).toMatchObject({
          errorType: 'EXTRACT_VALUE_ERROR',
          errorMessage: message,
        })
      }
    })

    it('a listener whose job type fails to evaluate pauses the transition with an incident; resolving creates the job', async () => {
      const e = await open()
      await e.deployResources([
        {
          name: 'p.bpmn',
          content: taskProcess(
            'p',
            camundaUserTask(
              'Task',
              `<zeebe:assignmentDefinition assignee="ann" /><zeebe:taskListeners><zeebe:taskListener eventType="assigning" type="= queue" /></zeebe:taskListeners>`,
            ),
          ),
        },
      ])
      const pi = await e.createProcessInstance({ bpmnProcessId: 'p' })
      const [incident] = Object.values(e.state.incidents)
      expect(incident?.value).toMatchObject({
        errorType: 'EXTRACT_VALUE_ERROR',
        errorMessage: "Expected result of the expression 'queue' to be 'STRING', but was 'NULL'.",
      })
      expect(openTask(e, pi.processInstanceKey).state).toBe('ASSIGNING')
      await e.setVariables(pi.processInstanceKey, { queue: 'routing' }, false)
      await e.resolveIncident(String(incident!.key))
      const [job] = await e.activateJobs({
        type: 'routing',
        worker: 'w',
        timeoutMs: 1000,
        maxJobsToActivate: 1,
      })
      await e.completeJob(job!.key)
      expect(openTask(e, pi.processInstanceKey)).toMatchObject({
        state: 'CREATED',
        assignee: 'ann',
      })
    })

    it('rejects invalid Camunda user tasks at deployment', async () => {
      const e = await open()
      const invalid: [string, RegExp][] = [
        [
          '<zeebe:formDefinition formKey="camunda-forms:bpmn:embedded" />',
          /Exactly one of the attributes 'formId, externalReference' must be present and not blank for native user tasks/,
        ],
        [
          '<zeebe:formDefinition formId="f" externalReference="x" />',
          /Exactly one of the attributes 'formId, externalReference'/,
        ],
        [
          '<zeebe:priorityDefinition priority="200" />',
          /Priority must be a number between 0 and 100, but was '200'/,
        ],
        ['<zeebe:taskSchedule dueDate="next week" />', /dueDate/],
        [listeners(['assigning', '']), /Attribute 'type' must be present and not empty/],
        ['<zeebe:assignmentDefinition assignee="= a +" />', /failed to parse expression/],
      ]
      for (const [ext, message] of invalid) {
        await expect(
          e.deployResources([
            { name: 'bad.bpmn', content: taskProcess('bad', camundaUserTask('Task', ext)) },
          ]),
          ext,
        ).rejects.toThrow(message)
      }
      // the deprecated event type names are accepted (as Zeebe does)
      const ok = await e.deployResources([
        {
          name: 'ok.bpmn',
          content: taskProcess(
            'ok',
            camundaUserTask('Task', listeners(['complete', 'c'], ['assignment', 'a'])),
          ),
        },
      ])
      expect(ok.processes).toHaveLength(1)
    })
  },
)
