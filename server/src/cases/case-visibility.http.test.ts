/**
 * What each role sees of a case (ISO/IEC 20000-1 4.3.3, 8.1, 8.2) and closed means closed
 * (4.3.3, 9.2), through HTTP as the roles use it, on PGlite and PostgreSQL:
 *
 * - for every kind with `audience: staff` fields, a case with every staff-only and internal field
 *   set is read by its customer through every route that returns it (detail, list, text search,
 *   comments, attachments, socket event on update; history and evidence are refused): none of
 *   those fields appears, while staff see them; references carry names;
 * - a closed change or incident refuses edits with 409 for everyone, admins too, and nothing
 *   changes; comments may still be added; a procedure step reopens it.
 */
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'
import { systemActor } from './access'
import { caseForms } from './case-forms'
import { customerKinds, kindSpecs, type CaseKind } from './kinds'
import { internalDataKeys } from './projection'

interface Rec {
  id: string
  version: number
  status: string
  data: Record<string, unknown>
  processInstances?: unknown[]
  [field: string]: unknown
}
interface Problem {
  status: number
  title: string
  detail: string
}

const minimalProcess = (id: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_${id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Recorded"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_Recorded" targetRef="EndEvent_Done" />
    <bpmn:endEvent id="EndEvent_Done"><bpmn:incoming>Flow_1</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`

/** Kinds a customer raises whose form has staff-only fields (customers read no other kind). */
const staffKinds = customerKinds.filter((k) => caseForms[k].staffOnly.length > 0)

/** A valid value for every staff-only field of the kind, strings unique so leaks are findable. */
function staffValues(kind: CaseKind): Record<string, unknown> {
  const props = caseForms[kind].dataSchema.properties as Record<string, Record<string, unknown>>
  return Object.fromEntries(
    caseForms[kind].staffOnly.map((key) => {
      const p = props[key] ?? {}
      if (Array.isArray(p.enum)) return [key, p.enum[p.enum.length - 1]]
      if (p.type === 'boolean') return [key, true]
      if (p.type === 'number' || p.type === 'integer') return [key, 7]
      // a date-time pattern: an unusual instant, so that a leak is findable
      if (typeof p.pattern === 'string') return [key, '2001-02-03T04:05:06Z']
      return [key, `staffsecret${kind.replace(/-/g, '')}${key}`]
    }),
  )
}

/** Internal fields the procedure writes, where the kind's form has them. */
function internalValues(kind: CaseKind): Record<string, unknown> {
  const props = caseForms[kind].dataSchema.properties as Record<string, Record<string, unknown>>
  return Object.fromEntries(
    internalDataKeys
      .filter((k) => props[k])
      .map((k) => [k, props[k]!.type === 'string' ? `internalsecret${k}` : 3]),
  )
}

describe.each(testDatabaseTargets())('case visibility and closed cases on $kind', (target) => {
  let h: Harness
  const as = {} as Record<'admin' | 'desk' | 'customer', ApiClient>
  let emailService: string
  const sockets: Socket[] = []

  beforeAll(async () => {
    h = await startHarness({ deployProcesses: false, database: target })
    await h.server.services.processes.deploy(
      ['incident', 'service-request', 'change'].map((id) => ({
        name: `${id}.bpmn`,
        content: Buffer.from(minimalProcess(id)),
      })),
      { actor: 'admin' },
    )
    for (const r of ['admin', 'desk', 'customer'] as const) as[r] = await h.login(r)
    const services = await as.admin.get<{ items: { id: string; name: string }[] }>(
      '/services?limit=200',
    )
    emailService = services.body.items.find((s) => s.name === 'E-mail')!.id
  })

  afterAll(async () => {
    sockets.forEach((s) => s.close())
    await h?.stop()
  })

  function connect(client: ApiClient): Promise<Socket> {
    const socket = io(h.url, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { cookie: client.cookie },
      reconnection: false,
    })
    sockets.push(socket)
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket))
      socket.once('connect_error', reject)
    })
  }

  /** Asserts that nothing of `hidden` (keys or string values) is anywhere in `body`. */
  function expectNone(body: unknown, hidden: Record<string, unknown>, where: string) {
    const text = JSON.stringify(body)
    for (const [key, value] of Object.entries(hidden)) {
      expect(text, `${where}: key ${key}`).not.toContain(`"${key}"`)
      if (typeof value === 'string') expect(text, `${where}: value of ${key}`).not.toContain(value)
    }
  }

  test('there are kinds with staff-only fields to test', () => {
    expect(staffKinds).toEqual(expect.arrayContaining(['incident', 'service-request', 'complaint']))
  })

  test.each(staffKinds)(
    '%s: its customer never receives a staff-only or internal field; staff do',
    async (kind) => {
      // given the customer's case with every staff-only and internal field set by the procedure
      const base = `/${kindSpecs[kind].path}`
      // 7.1: complaints are handled by the relationship managers, not the service desk
      const staffer = kind === 'complaint' ? as.admin : as.desk
      const created = await as.customer.post<Rec>(base, {
        title: `Visibility ${kind}`,
        serviceId: emailService,
      })
      expect(created.status, JSON.stringify(created.body)).toBe(201)
      const id = created.body.id
      const staff = staffValues(kind)
      const internal = internalValues(kind)
      const hidden = { ...staff, ...internal }
      await h.server.services.cases.updateFields(
        kind,
        id,
        { data: hidden },
        systemActor('visibility-test'),
      )
      await staffer.post(`${base}/${id}/comments`, { body: 'Looking into it' })
      await as.customer.post(`${base}/${id}/attachments`, {
        name: 'screenshot.txt',
        contentType: 'text/plain',
        contentBase64: Buffer.from('screen').toString('base64'),
      })
      const socket = await connect(as.customer)
      const events: unknown[] = []
      const updated = new Promise((resolve) => socket.once('case.updated', resolve))
      socket.on('case.updated', (e: unknown) => events.push(e))

      // when the customer reads it every way there is, and staff change it
      const detail = await as.customer.get<Rec>(`${base}/${id}`)
      const list = await as.customer.get<{ items: Rec[] }>(base)
      const search = await as.customer.get<{ items: Rec[]; total: number }>(
        `${base}?q=${encodeURIComponent('Visibility')}`,
      )
      const comments = await as.customer.get(`${base}/${id}/comments`)
      const attachments = await as.customer.get(`${base}/${id}/attachments`)
      const links = await as.customer.get(`${base}/${id}/links`)
      const secrets = Object.values(hidden).filter((v): v is string => typeof v === 'string')
      const bySecret = await Promise.all(
        secrets.map((s) =>
          as.customer.get<{ total: number }>(`${base}?q=${encodeURIComponent(s)}`),
        ),
      )
      const staffBySecret = await Promise.all(
        secrets.map((s) => staffer.get<{ total: number }>(`${base}?q=${encodeURIComponent(s)}`)),
      )
      const current = await staffer.get<Rec>(`${base}/${id}`)
      const patched = await staffer.patch<Rec>(`${base}/${id}`, {
        version: current.body.version,
        title: `Visibility ${kind} (updated)`,
      })
      await updated
      const processInstanceKey = (
        current.body.processInstances?.[0] as { processInstanceKey: string } | undefined
      )?.processInstanceKey
      const history = await as.customer.get(
        `/process-instances/${processInstanceKey ?? '1'}/history`,
      )
      const evidence = await as.customer.get(`/evidence?entityId=${id}`)

      // then nothing staff-only or internal reaches the customer
      expect(detail.status).toBe(200)
      expectNone(detail.body, hidden, 'detail')
      expect(detail.body.processInstances).toBeUndefined()
      expect(list.body.items.map((r) => r.id)).toContain(id)
      expectNone(list.body, hidden, 'list')
      expect(search.body.items.map((r) => r.id)).toContain(id)
      expectNone(search.body, hidden, 'search')
      expect(comments.status).toBe(200)
      expectNone(comments.body, hidden, 'comments')
      expect(attachments.status).toBe(200)
      expectNone(attachments.body, hidden, 'attachments')
      expectNone(links.body, hidden, 'links')
      // a staff-only value is no search key for customers (no oracle), but is for staff
      expect(bySecret.map((r) => r.body.total)).toEqual(secrets.map(() => 0))
      expect(staffBySecret.map((r) => r.body.total)).toEqual(secrets.map(() => 1))
      expect(patched.status, JSON.stringify(patched.body)).toBe(200)
      expect(events.length).toBeGreaterThan(0)
      expectNone(events, hidden, 'socket event')
      expect(history.status).toBe(403)
      expect(evidence.status).toBe(403)
      // references carry names for everyone
      expect(detail.body).toMatchObject({
        serviceName: 'E-mail',
        assignedGroupName: expect.any(String) as unknown,
        requesterName: expect.any(String) as unknown,
      })
      // and staff see everything
      expect(current.body.data).toMatchObject(hidden)
      expect(current.body.serviceName).toBe('E-mail')
      expect(patched.body.data).toMatchObject(hidden)
    },
  )

  test('a customer cannot filter their tasks on a staff-only variable; staff can', async () => {
    // when
    const byCustomer = await as.customer.get<Problem>('/tasks?var.urgency=1')
    const byInternal = await as.customer.get<Problem>('/tasks?var.priorityDecisionVersion=1')
    const byStaff = await as.desk.get('/tasks?var.urgency=1')
    const onFormField = await as.customer.get('/tasks?var.caseId=INC-000001')
    // then
    expect(byCustomer.status).toBe(400)
    expect(byCustomer.body.detail).toContain('urgency')
    expect(byInternal.status).toBe(400)
    expect(byStaff.status).toBe(200)
    expect(onFormField.status).toBe(200)
  })

  /** A case of `kind` closed by its procedure. */
  async function closedCase(kind: CaseKind): Promise<Rec> {
    const base = `/${kindSpecs[kind].path}`
    const body =
      kind === 'change'
        ? { title: 'Closed change', data: { scope: 'Replace disk', changeType: 'normal' } }
        : { title: 'Closed incident' }
    // in the service desk's queue, so that desk may change it while it is open
    Object.assign(body, { assignedGroup: 'service-desk' })
    const created = await as.admin.post<Rec>(base, body)
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    await h.server.services.cases.setStatus(kind, created.body.id, 'closed', systemActor('close'))
    return (await as.admin.get<Rec>(`${base}/${created.body.id}`)).body
  }

  test.each(['change', 'incident'] as const)(
    'a closed %s refuses edits with 409 for everyone, takes comments, and its procedure reopens it',
    async (kind) => {
      // given
      const base = `/${kindSpecs[kind].path}`
      const closed = await closedCase(kind)
      // when
      const byAdmin = await as.admin.patch<Problem>(`${base}/${closed.id}`, {
        version: closed.version,
        title: 'Edited after closing',
      })
      const byDesk = await as.desk.patch<Problem>(`${base}/${closed.id}`, {
        version: closed.version,
        data: kind === 'change' ? { scope: 'Something else' } : { category: 'network' },
      })
      const byPerson = await h.server.services.cases
        .updateFields(
          kind,
          closed.id,
          { title: 'Through the service' },
          {
            username: 'admin',
            roles: ['admin'],
            groups: [],
          },
        )
        .catch((e: unknown) => e)
      const comment = await as.admin.post(`${base}/${closed.id}/comments`, {
        body: 'Work note after closing',
      })
      const after = await as.admin.get<Rec>(`${base}/${closed.id}`)
      // then
      expect(closed.status).toBe('closed')
      for (const r of [byAdmin, byDesk]) {
        expect(r.status, JSON.stringify(r.body)).toBe(409)
        expect(r.body.detail).toContain(`${closed.id} is closed`)
      }
      expect(byPerson).toMatchObject({ status: 409 })
      expect(comment.status).toBe(201)
      expect(after.body.version).toBe(closed.version)
      expect(after.body.title).toBe(closed.title)
      expect(after.body.data).toEqual(closed.data)

      // when the procedure reopens it (a step, recorded as evidence), people may edit again
      await h.server.services.cases.setStatus(kind, closed.id, 'in-progress', systemActor('reopen'))
      const reopened = await as.admin.get<Rec>(`${base}/${closed.id}`)
      const edit = await as.admin.patch<Rec>(`${base}/${closed.id}`, {
        version: reopened.body.version,
        title: 'Edited after reopening',
      })
      const trail = await as.admin.get<{ action: string }[]>(`/evidence?entityId=${closed.id}`)
      // then
      expect(reopened.body.status).toBe('in-progress')
      expect(reopened.body.closedAt).toBeNull()
      expect(edit.status, JSON.stringify(edit.body)).toBe(200)
      expect(edit.body.title).toBe('Edited after reopening')
      expect(trail.status).toBe(200)
      expect(trail.body.map((e) => e.action)).toEqual(
        expect.arrayContaining([`${kind}.status-changed`, `${kind}.updated`]),
      )
    },
  )
})
