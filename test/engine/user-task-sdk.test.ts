/**
 * A Camunda user task as the web app's modeler (bpmn-js + camunda-bpmn-js-behaviors) writes it
 * (`<zeebe:userTask />` in extensionElements, a linked form, a completing task listener),
 * deployed and run with the official @camunda8/sdk over gRPC: the task listener is an ordinary
 * SDK job worker; the task itself is completed in-process (its REST API comes later).
 */
import { Camunda8 } from '@camunda8/sdk'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../support/databases'
import { instanceRecords, startTestEngine, waitFor, type TestEngine } from './support'

type Zeebe = ReturnType<Camunda8['getZeebeGrpcApiClient']>

/** What the modeler exports for a new user task with a linked form and a listener. */
const modelerXml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_change-review" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Web Modeler" exporterVersion="1.0.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
  <bpmn:process id="change-review" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1">
      <bpmn:outgoing>Flow_0k1h2x9</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="Activity_1u7m4rd" name="Assess change">
      <bpmn:extensionElements>
        <zeebe:userTask />
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_0k1h2x9</bpmn:incoming>
      <bpmn:outgoing>Flow_1c3xw0v</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="Activity_0q9zj2e" name="Approve change">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:formDefinition formId="change-approval" />
        <zeebe:assignmentDefinition candidateGroups="cab" />
        <zeebe:taskListeners>
          <zeebe:taskListener eventType="completing" type="cab-audit" />
        </zeebe:taskListeners>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_1c3xw0v</bpmn:incoming>
      <bpmn:outgoing>Flow_05y8n1m</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="Event_1b2r8xk">
      <bpmn:incoming>Flow_05y8n1m</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_0k1h2x9" sourceRef="StartEvent_1" targetRef="Activity_1u7m4rd" />
    <bpmn:sequenceFlow id="Flow_1c3xw0v" sourceRef="Activity_1u7m4rd" targetRef="Activity_0q9zj2e" />
    <bpmn:sequenceFlow id="Flow_05y8n1m" sourceRef="Activity_0q9zj2e" targetRef="Event_1b2r8xk" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="change-review">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Activity_1u7m4rd_di" bpmnElement="Activity_1u7m4rd">
        <dc:Bounds x="270" y="138" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Activity_0q9zj2e_di" bpmnElement="Activity_0q9zj2e">
        <dc:Bounds x="430" y="138" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Event_1b2r8xk_di" bpmnElement="Event_1b2r8xk">
        <dc:Bounds x="592" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_0k1h2x9_di" bpmnElement="Flow_0k1h2x9">
        <di:waypoint x="216" y="178" />
        <di:waypoint x="270" y="178" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_1c3xw0v_di" bpmnElement="Flow_1c3xw0v">
        <di:waypoint x="370" y="178" />
        <di:waypoint x="430" y="178" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_05y8n1m_di" bpmnElement="Flow_05y8n1m">
        <di:waypoint x="530" y="178" />
        <di:waypoint x="592" y="178" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`

const approvalForm = JSON.stringify({
  id: 'change-approval',
  type: 'default',
  components: [{ type: 'checkbox', key: 'approved', label: 'Approved' }],
})

describe.each(testDatabaseTargets())('a modeler user task over gRPC ($kind)', (target) => {
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

  test('deploys, creates the tasks, runs the listener as an SDK worker and completes with the result', async () => {
    // given: the form and the modeler's diagram, deployed with the SDK
    const form = await zeebe.deployResource({
      name: 'change-approval.form',
      form: Buffer.from(approvalForm),
    })
    const deployed = await zeebe.deployResource({
      name: 'change-review.bpmn',
      process: Buffer.from(modelerXml),
    })
    expect(deployed.deployments[0]!.process.bpmnProcessId).toBe('change-review')
    const audited: Record<string, string>[] = []
    const worker = zeebe.createWorker({
      taskType: 'cab-audit',
      taskHandler: (job) => {
        audited.push({ ...(job.customHeaders as Record<string, string>) })
        return job.complete()
      },
    })
    try {
      // when
      const result = zeebe.createProcessInstanceWithResult({
        bpmnProcessId: 'change-review',
        variables: { change: 'CHG-7' },
        requestTimeout: 30_000,
      })
      const first = await waitFor(
        'the first task',
        () => t.engine.listUserTasks({ bpmnProcessId: 'change-review' })[0],
      )
      expect(first).toMatchObject({ elementId: 'Activity_1u7m4rd', state: 'CREATED', priority: 50 })
      await t.engine.completeUserTask(first.userTaskKey, { variables: { risk: 'low' } })
      const second = await waitFor(
        'the approval task',
        () => t.engine.listUserTasks({ elementId: 'Activity_0q9zj2e' })[0],
      )
      expect(second).toMatchObject({
        candidateGroups: ['cab'],
        formKey: (form.deployments[0] as unknown as { form: { formKey: string } }).form.formKey,
      })
      await t.engine.claimUserTask(second.userTaskKey, { assignee: 'ann' })
      // completing waits for the listener job, which the SDK worker completes over gRPC
      const completed = await t.engine.completeUserTask(second.userTaskKey, {
        variables: { approved: true },
      })
      // then
      expect(completed.state).toBe('COMPLETED')
      const answer = await result
      expect(answer.variables).toMatchObject({ change: 'CHG-7', risk: 'low', approved: true })
      expect(audited).toEqual([
        expect.objectContaining({
          'io.camunda.zeebe:userTaskKey': second.userTaskKey,
          'io.camunda.zeebe:assignee': 'ann',
          'io.camunda.zeebe:action': 'complete',
        }),
      ])
      const records = await instanceRecords(t.engine, answer.processInstanceKey)
      expect(
        records
          .filter((r) => r.valueType === 'USER_TASK' && r.value.elementId === 'Activity_0q9zj2e')
          .map((r) => r.intent),
      ).toEqual(['CREATING', 'CREATED', 'CLAIMING', 'ASSIGNED', 'COMPLETING', 'COMPLETED'])
      expect(
        records.find((r) => r.valueType === 'JOB' && r.intent === 'COMPLETED')?.value,
      ).toMatchObject({
        jobKind: 'TASK_LISTENER',
        listenerEventType: 'COMPLETING',
        type: 'cab-audit',
      })
    } finally {
      await worker.close()
    }
  })
})
