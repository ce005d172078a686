/**
 * Forms stay bound to the process version they were deployed with (ISO/IEC 20000-1 4.3.2:
 * the approved procedure is the one that runs). Zeebe resolves a linked form to its latest
 * version when a user task is created, so an instance started before a newer form was deployed
 * would otherwise get the new form on its later steps. Here an instance waits for a message
 * before its user task; a new process version with a changed form is deployed meanwhile; the
 * task created afterwards must show and validate against the form of the instance's version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TaskView } from '../../server/src/inbox/task-model'
import { eventually, startHarness, type ApiClient, type Harness } from '../support/harness'
import { fixture } from '../support/triage'

const FORM = 'inbox-triage-form'
const formV1 = JSON.parse(fixture(`${FORM}.form`).toString('utf8')) as {
  components: Record<string, unknown>[]
}
const formV2 = {
  ...formV1,
  components: [
    ...formV1.components,
    {
      type: 'textfield',
      key: 'rootCause',
      label: 'Root cause',
      id: 'Field_RootCause',
      validate: { required: true },
    },
  ],
}

/**
 * The triage procedure with a wait for the message `ticket-ready` before its user task: a
 * job-worker user task, or a Camunda user task whose form is bound as the procedures bind theirs
 * (`bindingType="deployment"`: the engine itself resolves the version deployed with the process).
 */
const waitingTriage = (versionTag: string, kind: 'job' | 'camunda') =>
  fixture('inbox-triage.bpmn')
    .toString('utf8')
    .replace(
      `<zeebe:formDefinition formId="${FORM}" />`,
      kind === 'camunda'
        ? `<zeebe:userTask /><zeebe:formDefinition formId="${FORM}" bindingType="deployment" />`
        : `<zeebe:formDefinition formId="${FORM}" />`,
    )
    .replace(
      '<bpmn:process id="inbox-triage" name="Inbox triage" isExecutable="true">',
      `<bpmn:process id="inbox-triage" name="Inbox triage" isExecutable="true">
    <bpmn:extensionElements><zeebe:versionTag value="${versionTag}" /></bpmn:extensionElements>
    <bpmn:intermediateCatchEvent id="Event_TicketReady" name="Ticket ready">
      <bpmn:incoming>Flow_ToTriage</bpmn:incoming>
      <bpmn:outgoing>Flow_ReadyToTriage</bpmn:outgoing>
      <bpmn:messageEventDefinition messageRef="Message_TicketReady" />
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="Flow_ReadyToTriage" sourceRef="Event_TicketReady" targetRef="Task_TriageTicket" />`,
    )
    .replace(
      'sourceRef="StartEvent_TicketRaised" targetRef="Task_TriageTicket"',
      'sourceRef="StartEvent_TicketRaised" targetRef="Event_TicketReady"',
    )
    .replace(
      '<bpmn:incoming>Flow_ToTriage</bpmn:incoming>\n      <bpmn:outgoing>Flow_ToDone</bpmn:outgoing>',
      '<bpmn:incoming>Flow_ReadyToTriage</bpmn:incoming>\n      <bpmn:outgoing>Flow_ToDone</bpmn:outgoing>',
    )
    .replace(
      '</bpmn:process>',
      `</bpmn:process>
  <bpmn:message id="Message_TicketReady" name="ticket-ready">
    <bpmn:extensionElements><zeebe:subscription correlationKey="=caseId" /></bpmn:extensionElements>
  </bpmn:message>`,
    )

describe.each(['job', 'camunda'] as const)(
  'forms bound to the process version, %s user tasks (4.3.2)',
  (kind) => {
    let h: Harness
    let desk: ApiClient

    beforeAll(async () => {
      h = await startHarness({ deployProcesses: false })
      desk = await h.login('desk')
    })
    afterAll(async () => {
      await h?.stop()
    })

    const deploy = (xml: string, form: unknown) =>
      h.server.services.processes.deploy(
        [
          { name: `${FORM}.form`, content: Buffer.from(JSON.stringify(form)) },
          { name: 'inbox-triage.bpmn', content: Buffer.from(xml) },
        ],
        { actor: 'admin' },
      )
    const taskOf = (caseId: string) =>
      eventually(
        async () =>
          (await desk.get<{ items: TaskView[] }>(`/tasks?caseId=${caseId}`)).body.items[0],
        15_000,
        `the task of ${caseId}`,
      )
    const formKeys = async (task: TaskView) => {
      const detail = await desk.get<{ form: { components: { key?: string }[] } }>(
        `/tasks/${task.id}`,
      )
      return detail.body.form.components.flatMap((c) => (c.key ? [c.key] : []))
    }
    const ready = (caseId: string) =>
      h.server.zeebe.publishMessage({
        name: 'ticket-ready',
        correlationKey: caseId,
        variables: {},
        timeToLive: 60_000,
      })

    it('a task an older instance creates after a newer form was deployed gets the form of its own version', async () => {
      // given: version 1 with form v1; an instance of it waits before its user task
      const [v1] = await deploy(waitingTriage('1', kind), formV1)
      const before = await h.server.services.instances.start('inbox-triage', {
        caseKind: 'incident',
        caseId: 'INC-BOUND-OLD',
      })
      // when: version 2 is deployed with form v2 (a required root cause), then both proceed
      const [v2] = await deploy(waitingTriage('2', kind), formV2)
      const after = await h.server.services.instances.start('inbox-triage', {
        caseKind: 'incident',
        caseId: 'INC-BOUND-NEW',
      })
      await ready('INC-BOUND-OLD')
      await ready('INC-BOUND-NEW')
      const oldTask = await taskOf('INC-BOUND-OLD')
      const newTask = await taskOf('INC-BOUND-NEW')
      // then: each task shows the form of the version its instance runs on
      expect(before.version).toBe(v1?.version)
      expect(after.version).toBe(v2?.version)
      expect(oldTask.processVersion).toBe(v1?.version)
      expect(oldTask.kind).toBe(kind)
      if (kind === 'camunda') {
        // the engine resolved the same form versions (what Tasklist or any v2 client shows)
        const api = h.server.services.userTasks!
        expect((await api.getUserTask(oldTask.userTaskKey!)).formKey).toBe(oldTask.formKey)
        expect((await api.getUserTask(newTask.userTaskKey!)).formKey).toBe(newTask.formKey)
        expect(oldTask.formKey).not.toBe(newTask.formKey)
      }
      expect(await formKeys(oldTask)).not.toContain('rootCause')
      expect(await formKeys(newTask)).toContain('rootCause')
      // and each is validated against it: the old task completes without a root cause
      const data = { summary: 'Printer queue stuck', impact: 'high' }
      expect((await desk.post(`/tasks/${oldTask.id}/claim`)).status).toBe(200)
      const done = await desk.post(`/tasks/${oldTask.id}/complete`, { data })
      expect(done.status, JSON.stringify(done.body)).toBe(200)
      expect((await desk.post(`/tasks/${newTask.id}/claim`)).status).toBe(200)
      const refused = await desk.post<{ errors: { path: string }[] }>(
        `/tasks/${newTask.id}/complete`,
        { data },
      )
      expect(refused.status).toBe(400)
      expect(refused.body.errors.map((e) => e.path)).toContain('/rootCause')
    })
  },
)
