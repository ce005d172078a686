/**
 * Document control does not let an unchecked diagram through (ISO/IEC 20000-1 4.3.2, 9.2):
 * a file with a second diagram whose plane names a missing process used to crash every Camunda
 * lint rule, reported as "info", so its service task without a job type could be submitted.
 * Now the dangling plane is an error, the rules still check the process, and a rule that fails
 * is an error too. Over HTTP on PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets } from '../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'

const shape = (id: string, x: number, w = 36, h = 36) =>
  `<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${x}" y="100" width="${w}" height="${h}" /></bpmndi:BPMNShape>`
const edge = (id: string, x1: number, x2: number) =>
  `<bpmndi:BPMNEdge id="${id}_di" bpmnElement="${id}"><di:waypoint x="${x1}" y="118" /><di:waypoint x="${x2}" y="118" /></bpmndi:BPMNEdge>`

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_PlaneProbe" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
  <bpmn:process id="plane-probe" name="Plane probe" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Raised" name="Raised"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_Raised" targetRef="Task_NoJobType" />
    <bpmn:serviceTask id="Task_NoJobType" name="No job type"><bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_NoJobType" targetRef="EndEvent_Done" />
    <bpmn:endEvent id="EndEvent_Done" name="Done"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_Process">
    <bpmndi:BPMNPlane id="BPMNPlane_Process" bpmnElement="plane-probe">
      ${shape('StartEvent_Raised', 100)}${shape('Task_NoJobType', 200, 100, 80)}${shape('EndEvent_Done', 400)}
      ${edge('Flow_1', 136, 200)}${edge('Flow_2', 300, 400)}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
  <bpmndi:BPMNDiagram id="BPMNDiagram_Dangling">
    <bpmndi:BPMNPlane id="BPMNPlane_Dangling" bpmnElement="Process_Missing" />
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`

interface Lint {
  rule: string
  id: string
  category: string
}

describe.each(testDatabaseTargets())('lint of a diagram with a dangling plane on $kind', (database) => {
  let h: Harness
  let owner: ApiClient

  beforeAll(async () => {
    h = await startHarness({ database, deployProcesses: false })
    owner = await h.login('owner')
  })
  afterAll(async () => {
    await h?.stop()
  })

  it('4.3.2: reports the plane and the task without a job type as errors, and refuses the submission', async () => {
    // given
    const draft = await owner.post<{ id: string; version: number; lint: Lint[] }>(
      '/process-drafts',
      { bpmnProcessId: 'plane-probe', xml },
    )
    expect(draft.status).toBe(201)
    // when
    const submitted = await owner.post(`/process-drafts/${draft.body.id}/submit`, {
      version: draft.body.version,
    })
    // then
    const errors = draft.body.lint.filter((p) => p.category === 'error')
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'diagram-plane', id: 'BPMNPlane_Dangling' }),
        expect.objectContaining({ rule: 'camunda-compat/implementation', id: 'Task_NoJobType' }),
      ]),
    )
    expect(draft.body.lint.filter((p) => p.category === 'info')).toEqual([])
    expect(submitted.status).toBe(400)
  })
})
