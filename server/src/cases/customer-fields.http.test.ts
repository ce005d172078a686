/**
 * Customers describe; the service provider decides (ISO/IEC 20000-1 8.1 b: the provider
 * prioritises incidents by impact and urgency; 8.1 a: the provider assigns them). Over HTTP on
 * PGlite and PostgreSQL, a customer can set none of priority, impact, urgency or assignment on
 * any route: not when raising a case, not by PATCH, and not through a user task assigned to
 * them whose diagram maps such a field onto the case.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../test/support/databases'
import {
  eventually,
  startHarness,
  type ApiClient,
  type Harness,
} from '../../../test/support/harness'

interface Rec {
  id: string
  version: number
  priority: number | null
  assignedGroup: string | null
  data: Record<string, unknown>
}
interface TaskItem {
  id: string
  elementId: string
}

// A customer's task that (mis)maps the customer's answer onto the incident's priority.
const processXml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_CustomerRates" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="customer-rates" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Raised"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_Raised" targetRef="Task_CustomerRates" />
    <bpmn:userTask id="Task_CustomerRates" name="Rate the urgency">
      <bpmn:extensionElements>
        <zeebe:formDefinition formId="customer-rates-form" />
        <zeebe:assignmentDefinition assignee="=requester" />
        <zeebe:properties>
          <zeebe:property name="record:priority" value="priority" />
          <zeebe:property name="record:urgency" value="urgency" />
          <zeebe:property name="record:customerComment" value="comment" />
        </zeebe:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_1</bpmn:incoming>
      <bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_CustomerRates" targetRef="EndEvent_Rated" />
    <bpmn:endEvent id="EndEvent_Rated"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`
const form = {
  id: 'customer-rates-form',
  type: 'default',
  schemaVersion: 16,
  components: [
    {
      type: 'number',
      key: 'priority',
      label: 'Priority',
      id: 'Field_Priority',
      decimalDigits: 0,
      validate: { min: 1, max: 4 },
    },
    {
      type: 'number',
      key: 'urgency',
      label: 'Urgency',
      id: 'Field_Urgency',
      decimalDigits: 0,
      validate: { min: 1, max: 3 },
    },
    { type: 'textfield', key: 'comment', label: 'Comment', id: 'Field_Comment' },
  ],
}

describe.each(testDatabaseTargets())('customers cannot decide priority on $kind', (database) => {
  let h: Harness
  let customer: ApiClient
  let desk: ApiClient
  let admin: ApiClient

  beforeAll(async () => {
    h = await startHarness({ database })
    customer = await h.login('customer')
    desk = await h.login('desk')
    admin = await h.login('admin')
  }, 120_000)
  afterAll(async () => {
    await h?.stop()
  })

  const incidentsOfCustomer = async () =>
    (await customer.get<{ total: number }>('/incidents?limit=1')).body.total

  test.each([
    ['priority', { priority: 1 }, 403],
    ['the responsible group', { assignedGroup: 'network' }, 403],
    ['the assignee', { assignee: 'desk' }, 403],
    ['impact', { data: { impact: 1 } }, 400],
    ['urgency', { data: { urgency: 1 } }, 400],
  ])(
    '8.1: raising an incident that sets %s is refused and stores nothing',
    async (_, fields, status) => {
      // given
      const before = await incidentsOfCustomer()
      // when
      const res = await customer.post<{ title: string }>('/incidents', {
        title: 'Everything is on fire',
        ...fields,
      })
      // then
      expect(res.status).toBe(status)
      expect(await incidentsOfCustomer()).toBe(before)
    },
  )

  test('8.1: staff set the priority; the customer cannot change it by PATCH', async () => {
    // given
    const raised = await customer.post<Rec>('/incidents', { title: 'Printer jams' })
    expect(raised.status).toBe(201)
    expect(raised.body.priority).toBeNull()
    // when
    const patched = await customer.patch(`/incidents/${raised.body.id}`, {
      version: raised.body.version,
      priority: 1,
    })
    const byDesk = await desk.post<Rec>('/incidents', { title: 'Router down', priority: 2 })
    // then
    expect(patched.status).toBe(403)
    expect((await admin.get<Rec>(`/incidents/${raised.body.id}`)).body.priority).toBeNull()
    expect(byDesk.status).toBe(201)
    expect(byDesk.body.priority).toBe(2)
  })

  test("8.1 b: a customer's task whose diagram maps priority onto the case cannot set it", async () => {
    // given
    await h.server.services.processes.deploy(
      [
        { name: 'customer-rates-form.form', content: Buffer.from(JSON.stringify(form)) },
        { name: 'customer-rates.bpmn', content: Buffer.from(processXml) },
      ],
      { actor: 'admin' },
    )
    const raised = await customer.post<Rec>('/incidents', { title: 'Slow VPN' })
    await h.server.services.instances.start(
      'customer-rates',
      { caseKind: 'incident', caseId: raised.body.id, requester: 'customer' },
      { caseKind: 'incident', caseId: raised.body.id, actor: 'admin' },
    )
    const task = await eventually(
      async () =>
        (
          await customer.get<{ items: TaskItem[] }>(`/tasks?caseId=${raised.body.id}`)
        ).body.items.find((t) => t.elementId === 'Task_CustomerRates'),
      20_000,
      'the customer task',
    )
    // when
    const done = await customer.post(`/tasks/${task.id}/complete`, {
      data: { priority: 1, urgency: 1, comment: 'urgent!' },
    })
    // then
    expect(done.status).toBe(403)
    const after = await admin.get<Rec>(`/incidents/${raised.body.id}`)
    expect(after.body.priority).toBeNull()
    expect(after.body.data).not.toHaveProperty('urgency')
    expect(after.body.data).not.toHaveProperty('customerComment')
  })
})
