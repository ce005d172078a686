/**
 * The case API as the roles use it, on the real server (embedded engine, PGlite): the
 * authorisation matrix of every role × every route family, bad bodies, optimistic concurrency,
 * customers' isolation, procedures started for new cases, and the evidence trail's verification
 * after a row is tampered with in the database (4.3.3).
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'
import { UserError } from '../errors'
import { systemActor } from './access'
import { auditKinds, customerKinds, kindSpecs, operationalKinds, type CaseKind } from './kinds'

type Role = 'admin' | 'desk' | 'network' | 'supplier' | 'owner' | 'auditor' | 'customer'
const roles: Role[] = ['admin', 'desk', 'network', 'supplier', 'owner', 'auditor', 'customer']
const kinds = Object.keys(kindSpecs) as CaseKind[]
const isOperational = (k: CaseKind) => (operationalKinds as readonly string[]).includes(k)
const isCustomerKind = (k: CaseKind) => customerKinds.includes(k)

/** Problem JSON as the API returns it. */
interface Problem {
  status: number
  title: string
  detail: string
  errors?: { path: string; message: string }[]
}
interface Rec {
  id: string
  version: number
  status: string
  title?: string
  name?: string
  requester?: string | null
  processInstances: { bpmnProcessId: string; processInstanceKey: string }[]
}

const minimalProcess = (id: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_${id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Recorded"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_Recorded" targetRef="EndEvent_Done" />
    <bpmn:endEvent id="EndEvent_Done"><bpmn:incoming>Flow_1</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`

let h: Harness
const as = {} as Record<Role | 'customer2', ApiClient>
let ids: {
  services: Record<string, string>
  cis: Record<string, string>
  supplier: string
  /** A change approved (scheduled): what a release implements (9.3). */
  approvedChange: string
}
let counter = 0

/** A valid create body for each kind. */
function validBody(kind: CaseKind): Record<string, unknown> {
  const n = ++counter
  switch (kind) {
    case 'known-error':
      return { title: `Known error ${n}`, data: { workaround: 'Restart the queue' } }
    case 'change':
      return { title: `Change ${n}`, data: { scope: 'Replace disk', changeType: 'normal' } }
    case 'release':
      return { title: `Release ${n}`, priority: 3, data: { changeId: ids.approvedChange } }
    case 'audit-finding':
      return { title: `Finding ${n}`, data: { findingType: 'nonconformity', clause: '8.1' } }
    case 'supplier':
      return { name: `Supplier ${n}`, relationshipOwner: 'supplier' }
    case 'ci':
      return { name: `ci-${n}`, ciType: 'hardware', ownerGroup: 'network' }
    case 'service':
      return { name: `Service ${n}` }
    case 'sla':
      return {
        name: `SLA ${n}`,
        serviceId: ids.services.email,
        data: {
          targets: Object.fromEntries(
            ['1', '2', '3', '4'].map((p) => [p, { responseMinutes: 10, resolutionMinutes: 100 }]),
          ),
        },
      }
    default:
      return { title: `${kind} ${n}`, priority: 3, serviceId: ids.services.email }
  }
}
const renameBody = (kind: CaseKind, version: number) =>
  kindSpecs[kind].titleColumn === 'title'
    ? { version, title: `Renamed ${++counter}` }
    : { version, name: `Renamed ${kind} ${++counter}` }

beforeAll(async () => {
  h = await startHarness({ deployProcesses: false })
  await h.server.services.processes.deploy(
    [
      'incident',
      'service-request',
      'problem',
      'change',
      'release',
      'improvement',
      'supplier-review',
    ].map((id) => ({ name: `${id}.bpmn`, content: Buffer.from(minimalProcess(id)) })),
    { actor: 'admin' },
  )
  for (const r of [...roles, 'customer2' as const]) as[r] = await h.login(r)
  const services = await as.admin.get<{ items: Rec[] }>('/services?limit=200')
  const cis = await as.admin.get<{ items: Rec[] }>('/cis?limit=200')
  const suppliers = await as.admin.get<{ items: Rec[] }>('/suppliers')
  ids = {
    services: Object.fromEntries(services.body.items.map((s) => [s.name, s.id])),
    cis: Object.fromEntries(cis.body.items.map((c) => [c.name, c.id])),
    supplier: suppliers.body.items[0]!.id,
    approvedChange: '',
  }
  ids.services.email = ids.services['E-mail']!
  // the minimal procedures here do not approve: the change is marked approved as its CAB would
  const change = await as.admin.post<Rec>('/changes', validBody('change'))
  await h.server.services.cases.setStatus(
    'change',
    change.body.id,
    'scheduled',
    systemActor('test'),
  )
  ids.approvedChange = change.body.id
})

afterAll(async () => {
  await h?.stop()
})

describe('authorisation matrix: every role × every record kind', () => {
  const fixtures = {} as Record<CaseKind, string>
  beforeAll(async () => {
    for (const kind of kinds) {
      const r = await as.admin.post<Rec>(`/${kindSpecs[kind].path}`, validBody(kind))
      expect(r.status, `${kind}: ${JSON.stringify(r.body)}`).toBe(201)
      fixtures[kind] = r.body.id
    }
  })

  const canList = (role: Role, kind: CaseKind) =>
    role !== 'customer' || isCustomerKind(kind) || kind === 'service' || kind === 'sla'
  const canCreate = (role: Role, kind: CaseKind) =>
    role === 'admin' ||
    // 4.5.4: audits, reviews and findings are written by SMS managers and internal auditors only
    (['desk', 'network', 'supplier'].includes(role) &&
      // 6.1: service reviews are opened by their timer and by relationship managers; 5.1: a
      // service design and transition by its change
      ((isOperational(kind) &&
        !auditKinds.includes(kind) &&
        kind !== 'service-review' &&
        kind !== 'service-transition') ||
        kind === 'ci')) ||
    (role === 'supplier' && kind === 'supplier') ||
    (role === 'auditor' && kind === 'audit-finding') ||
    (role === 'customer' && isCustomerKind(kind))
  /** Fixtures are the admin's: desk's group is assigned to customer kinds, network owns the CI. */
  const canPatch = (role: Role, kind: CaseKind) =>
    role === 'admin' ||
    // 7.1: complaints are handled by the relationship managers, not the service desk
    (role === 'desk' && isCustomerKind(kind) && kind !== 'complaint') ||
    (role === 'network' && kind === 'ci') ||
    (role === 'supplier' && kind === 'supplier') ||
    (role === 'auditor' && kind === 'audit-finding')
  /** 6.1, 9.2: live services and agreed SLAs change only through a change: 409 for the admin. */
  const underChangeControl = (role: Role, kind: CaseKind) =>
    role === 'admin' && (kind === 'service' || kind === 'sla')
  /** Customers get 404 for other people's cases of their kinds, 403 for kinds they never see. */
  const denied = (role: Role, kind: CaseKind) =>
    role === 'customer' && isCustomerKind(kind) ? 404 : 403

  const cells = roles.flatMap((role) => kinds.map((kind) => ({ role, kind })))

  test.each(cells)('$role on $kind: list, get, create, patch', async ({ role, kind }) => {
    // given
    const base = `/${kindSpecs[kind].path}`
    const client = as[role]
    // when
    const list = await client.get<{ items: Rec[]; total: number }>(base)
    const get = await client.get<Rec>(`${base}/${fixtures[kind]}`)
    // customers never set the priority; staff decide it (8.1)
    const body = validBody(kind)
    if (role === 'customer') delete body.priority
    const create = await client.post<Rec>(base, body)
    const current = await as.admin.get<Rec>(`${base}/${fixtures[kind]}`)
    const patch = await client.patch<Rec>(
      `${base}/${fixtures[kind]}`,
      renameBody(kind, current.body.version),
    )
    // then
    expect(list.status).toBe(canList(role, kind) ? 200 : 403)
    const visible = role !== 'customer' || kind === 'service' || kind === 'sla'
    expect(get.status).toBe(visible ? 200 : denied(role, kind))
    expect(create.status, JSON.stringify(create.body)).toBe(canCreate(role, kind) ? 201 : 403)
    expect(patch.status, JSON.stringify(patch.body)).toBe(
      underChangeControl(role, kind)
        ? 409
        : canPatch(role, kind)
          ? 200
          : visible
            ? 403
            : denied(role, kind),
    )
    if (patch.status === 200) expect(patch.body.version).toBe(current.body.version + 1)
    if (patch.status !== 200) {
      const after = await as.admin.get<Rec>(`${base}/${fixtures[kind]}`)
      expect(after.body.version).toBe(current.body.version)
    }
  })

  test.each(roles)('%s on links, comments and attachments of an incident', async (role) => {
    // given an incident of the admin's in the service desk's queue, and one of the customer's
    const inc = fixtures.incident
    const own = await as.customer.post<Rec>('/incidents', { title: `Own ${++counter}` })
    const client = as[role]
    const mayWrite = role === 'admin' || role === 'desk'
    const mayComment = mayWrite || role === 'network' || role === 'supplier'
    // when
    const link = await client.post(`/incidents/${inc}/links`, {
      toKind: 'problem',
      toId: fixtures.problem,
      linkType: `related-to-${role}`,
    })
    const links = await client.get(`/incidents/${inc}/links`)
    const comment = await client.post(`/incidents/${inc}/comments`, { body: 'On it' })
    const comments = await client.get(`/incidents/${inc}/comments`)
    const attach = await client.post(`/incidents/${inc}/attachments`, {
      name: 'log.txt',
      contentType: 'text/plain',
      contentBase64: Buffer.from('log line').toString('base64'),
    })
    const attachments = await client.get<{ id: number }[]>(`/incidents/${inc}/attachments`)
    const ownComment = await client.post(`/incidents/${own.body.id}/comments`, { body: 'Hello' })
    // then
    const read = role === 'customer' ? 404 : 200
    expect(link.status).toBe(mayWrite ? 201 : role === 'customer' ? 404 : 403)
    expect(links.status).toBe(read)
    expect(comment.status).toBe(mayComment ? 201 : role === 'customer' ? 404 : 403)
    expect(comments.status).toBe(read)
    expect(attach.status).toBe(mayComment ? 201 : role === 'customer' ? 404 : 403)
    expect(attachments.status).toBe(read)
    expect(ownComment.status).toBe(
      mayComment || role === 'customer' ? 201 : role === 'owner' || role === 'auditor' ? 403 : 0,
    )
    if (attach.status === 201 && attachments.status === 200) {
      const last = attachments.body[attachments.body.length - 1]!
      const file = await fetch(`${h.url}/api/incidents/${inc}/attachments/${last.id}`, {
        headers: { cookie: client.cookie },
      })
      expect(await file.text()).toBe('log line')
      expect(file.headers.get('content-disposition')).toMatch(/^attachment;/)
      expect(file.headers.get('content-security-policy')).toMatch(/sandbox/)
    }
  })

  test.each(roles)('%s on CI relations, history, impact and baselines (9.1)', async (role) => {
    // given the seeded core switch (owned by the network group)
    const ci = ids.cis['core-switch-01']!
    const client = as[role]
    const reads = role !== 'customer'
    const writes = role === 'admin' || role === 'network'
    // when
    const relations = await client.get(`/cis/${ci}/relations`)
    const add = await client.post(`/cis/${ci}/relations`, {
      targetKind: 'ci',
      targetId: fixtures.ci,
      relationType: 'backs-up',
    })
    const history = await client.get(`/cis/${ci}/history`)
    const impact = await client.get(`/cis/${ci}/impact`)
    const cases = await client.get(`/cis/${ci}/cases`)
    const baseline = await client.post<{ id: string }>('/baselines', {
      name: `Baseline by ${role}`,
      ciIds: [ci],
    })
    const baselines = await client.get('/baselines')
    // then
    expect(relations.status).toBe(reads ? 200 : 403)
    expect(add.status).toBe(writes ? (role === 'admin' ? 201 : 409) : 403)
    expect(history.status).toBe(reads ? 200 : 403)
    expect(impact.status).toBe(reads ? 200 : 403)
    expect(cases.status).toBe(reads ? 200 : 403)
    const staff = ['admin', 'desk', 'network', 'supplier'].includes(role)
    expect(baseline.status).toBe(staff ? 201 : 403)
    expect(baselines.status).toBe(reads ? 200 : 403)
    if (baseline.status === 201) {
      const one = await client.get<{ items: { ciId: string }[] }>(`/baselines/${baseline.body.id}`)
      expect(one.body.items.map((i) => i.ciId)).toEqual([ci])
    }
  })

  test.each(roles)('%s on the catalogue, contracts and supplier reviews', async (role) => {
    // given
    const client = as[role]
    const svc = ids.services.email!
    // when
    const deps = await client.get(`/services/${svc}/dependencies`)
    const setDeps = await client.put(`/services/${svc}/dependencies`, {
      dependencies: [{ dependsOnId: ids.services.Network, dependencyType: 'uses' }],
    })
    const items = await client.get('/catalogue-items')
    const addItem = await client.post(`/services/${svc}/catalogue-items`, {
      name: `Item by ${role}`,
      requiresApproval: true,
    })
    const contracts = await client.get(`/suppliers/${ids.supplier}/contracts`)
    const addContract = await client.post(`/suppliers/${ids.supplier}/contracts`, {
      title: `Contract by ${role}`,
      data: {
        scope: 'Spare parts',
        services: [svc],
        serviceTargets: [{ measure: 'Delivery days', target: 2 }],
        responsibilities: 'Supplier delivers parts.',
        reviewIntervalDays: 90,
      },
    })
    const review = await client.post(`/suppliers/${ids.supplier}/reviews`)
    // then
    expect(deps.status).toBe(200)
    expect(setDeps.status).toBe(role === 'admin' ? 200 : 403)
    expect(items.status).toBe(200)
    expect(addItem.status).toBe(role === 'admin' ? 201 : 403)
    expect(contracts.status).toBe(role === 'customer' ? 403 : 200)
    const supplierManager = role === 'admin' || role === 'supplier'
    expect(addContract.status).toBe(supplierManager ? 201 : 403)
    expect(review.status).toBe(supplierManager ? 201 : 403)
    if (review.status === 201) {
      expect(review.body).toMatchObject({ bpmnProcessId: 'supplier-review' })
    }
  })

  test.each(roles)('%s on the evidence trail (auditors and admins only, 4.3.3)', async (role) => {
    // when
    const list = await as[role].get<unknown[]>('/evidence?entityType=incident&limit=5')
    const verify = await as[role].get('/evidence/verify')
    // then
    const allowed = role === 'admin' || role === 'auditor'
    expect(list.status).toBe(allowed ? 200 : 403)
    expect(verify.status).toBe(allowed ? 200 : 403)
    if (allowed) expect(list.body.length).toBeGreaterThan(0)
  })

  test('nobody edits history: there is no route that changes CI history or evidence', async () => {
    // when
    const attempts = await Promise.all([
      as.admin.patch('/evidence/1', { actor: 'x' }),
      as.admin.delete('/evidence/1'),
      as.admin.patch(`/cis/${ids.cis['core-switch-01']}/history`, {}),
      as.admin.delete(`/cis/${ids.cis['core-switch-01']}/history`),
    ])
    // then
    expect(attempts.map((a) => a.status)).toEqual([404, 404, 404, 404])
  })

  test('an anonymous caller gets 401 on every record route', async () => {
    const statuses = await Promise.all(
      kinds.map(async (k) => (await fetch(`${h.url}/api/${kindSpecs[k].path}`)).status),
    )
    expect(new Set(statuses)).toEqual(new Set([401]))
  })
})

describe('bad bodies get 400 with field-level errors', () => {
  test.each(kinds)('%s: create and patch', async (kind) => {
    // given
    const base = `/${kindSpecs[kind].path}`
    const good = validBody(kind)
    const created = await as.admin.post<Rec>(base, good)
    const field = kindSpecs[kind].titleColumn
    // when
    const empty = await as.admin.post<Problem>(base, {})
    const extra = await as.admin.post<Problem>(base, { ...validBody(kind), bogus: 1 })
    const wrongType = await as.admin.post<Problem>(base, { ...validBody(kind), [field]: 42 })
    const badData = await as.admin.post<Problem>(base, { ...validBody(kind), data: 'text' })
    const noVersion = await as.admin.patch<Problem>(`${base}/${created.body.id}`, {
      [field]: 'x',
    })
    const onlyVersion = await as.admin.patch<Problem>(`${base}/${created.body.id}`, {
      version: 1,
    })
    const badDataPatch = await as.admin.patch<Problem>(`${base}/${created.body.id}`, {
      version: 1,
      data: { priority: 'high', ...(kind === 'sla' ? { targets: { 1: {} } } : {}) },
    })
    // then
    for (const r of [empty, extra, wrongType, badData, noVersion, onlyVersion]) {
      expect(r.status).toBe(400)
      expect(r.body).toMatchObject({ status: 400, title: 'Bad Request' })
      expect(r.body.errors?.length).toBeGreaterThan(0)
    }
    expect(empty.body.errors?.map((e) => e.path)).toContain(`/${field}`)
    expect(extra.body.errors?.map((e) => e.path)).toContain('/bogus')
    expect(wrongType.body.errors?.map((e) => e.path)).toContain(`/${field}`)
    expect(badData.body.errors?.map((e) => e.path)).toContain('/data')
    expect(noVersion.body.errors?.map((e) => e.path)).toContain('/version')
    // data holds what the kind's form holds: an unknown key is a 400 naming it
    expect(badDataPatch.status).toBe(400)
    expect(badDataPatch.body.errors?.map((e) => e.path)).toContain('/data/priority')
  })

  test('procedure-driven status cannot be set through the API (issue 5)', async () => {
    // given
    const inc = await as.desk.post<Rec>('/incidents', { title: 'Status probe' })
    // when
    const r = await as.desk.patch<Problem>(`/incidents/${inc.body.id}`, {
      version: 1,
      status: 'closed',
    })
    // then
    expect(r.status).toBe(400)
    expect(r.body.errors?.map((e) => e.path)).toContain('/status')
  })

  test('a change needs a scope and a known change type (9.2)', async () => {
    const r = await as.desk.post<Problem>('/changes', {
      title: 'No scope',
      data: { changeType: 'whenever' },
    })
    expect(r.status).toBe(400)
    expect(r.body.errors?.map((e) => e.path)).toEqual(
      expect.arrayContaining(['/data/scope', '/data/changeType']),
    )
  })

  test('references to records that do not exist are field errors', async () => {
    const r = await as.desk.post<Problem>('/incidents', {
      title: 'Unknown service',
      serviceId: 'SVC-999999',
    })
    expect(r.status).toBe(400)
    expect(r.body.errors).toEqual([{ path: '/serviceId', message: 'no service SVC-999999' }])
    const nobody = await as.desk.post<Problem>('/incidents', { title: 'x', assignee: 'nobody' })
    expect(nobody.body.errors).toEqual([{ path: '/assignee', message: 'no user nobody' }])
  })

  test.each([
    [
      'links',
      '/incidents/:inc/links',
      { toKind: 'nothing', toId: 'x', linkType: 'Bad Type' },
      '/linkType',
    ],
    ['comments', '/incidents/:inc/comments', { body: '' }, '/body'],
    [
      'attachments',
      '/incidents/:inc/attachments',
      { name: 'a/b', contentType: 'text', contentBase64: '***' },
      '/contentBase64',
    ],
    [
      'relations',
      '/cis/:ci/relations',
      { targetKind: 'room', targetId: '', relationType: 'x' },
      '/targetKind',
    ],
    ['baselines', '/baselines', { name: 'B', ciIds: [] }, '/ciIds'],
    ['contracts', '/suppliers/:sup/contracts', { title: 'C', data: { scope: '' } }, '/data/scope'],
    ['supplier reviews', '/suppliers/:sup/reviews', { bogus: 1 }, '/bogus'],
    [
      'catalogue items',
      '/services/:svc/catalogue-items',
      { name: '', requiresApproval: 'yes' },
      '/requiresApproval',
    ],
  ])('%s', async (_name, path, body, field) => {
    // given
    const inc = await as.admin.post<Rec>('/incidents', { title: 'Body probe' })
    const url = path
      .replace(':inc', inc.body.id)
      .replace(':ci', ids.cis['core-switch-01']!)
      .replace(':sup', ids.supplier)
      .replace(':svc', ids.services.email!)
    // when
    const r = await as.admin.post<Problem>(url, body)
    // then
    expect(r.status).toBe(400)
    expect(r.body.errors?.map((e) => e.path)).toContain(field)
  })

  test('dependencies must name existing services', async () => {
    const r = await as.admin.put<Problem>(`/services/${ids.services.email}/dependencies`, {
      dependencies: [{ dependsOnId: 'SVC-999999' }, { dependsOnId: 3 }],
    })
    expect(r.status).toBe(400)
    expect(r.body.errors?.map((e) => e.path)).toContain('/dependencies/1/dependsOnId')
  })

  test('list queries are validated too', async () => {
    const r = await as.desk.get<Problem>('/incidents?limit=5000&priority=high&colour=red')
    expect(r.status).toBe(400)
    expect(r.body.errors?.map((e) => e.path)).toEqual(
      expect.arrayContaining(['/limit', '/priority', '/colour']),
    )
  })

  test('an attachment over the size limit is refused', async () => {
    const inc = await as.desk.post<Rec>('/incidents', { title: 'Big file' })
    const r = await as.desk.post<Problem>(`/incidents/${inc.body.id}/attachments`, {
      name: 'big.bin',
      contentType: 'application/octet-stream',
      contentBase64: Buffer.alloc(1024 * 1024 + 1).toString('base64'),
    })
    expect(r.status).toBe(400)
    expect(r.body.errors?.[0]?.path).toBe('/contentBase64')
  })
})

describe("case data follows the kind's form (4.3.3)", () => {
  interface FormPart {
    key?: string
    readonly?: boolean
    components?: FormPart[]
  }
  interface CaseFormView {
    kind: string
    formId: string
    form: { id: string; components: FormPart[] }
    readonly: string[]
    dataSchema: { properties: Record<string, unknown>; required: string[] }
  }

  test.each(kinds)('serves the form of %s by kind and by URL segment', async (kind) => {
    // when
    const byKind = await as.desk.get<CaseFormView>(`/case-forms/${kind}`)
    const byPath = await as.auditor.get<CaseFormView>(`/case-forms/${kindSpecs[kind].path}`)
    // then
    expect(byKind.status).toBe(200)
    expect(byKind.body).toMatchObject({
      kind,
      formId: `case-${kind}`,
      form: { id: `case-${kind}` },
    })
    expect(byPath.body).toEqual(byKind.body)
    expect(Object.keys(byKind.body.dataSchema.properties).length).toBeGreaterThan(0)
  })

  test('an unknown kind has no form', async () => {
    const r = await as.admin.get<Problem>('/case-forms/spaceships')
    expect(r.status).toBe(404)
  })

  test("marks what only the procedure writes as readonly in the incident's form (8.1)", async () => {
    // when
    const { body } = await as.desk.get<CaseFormView>('/case-forms/incident')
    // then
    expect(body.readonly).toEqual(
      expect.arrayContaining(['major', 'escalationLevel', 'closureCode', 'responseDue']),
    )
    expect(body.readonly).not.toContain('impact')
    const all = (cs: FormPart[]): FormPart[] => cs.flatMap((c) => [c, ...all(c.components ?? [])])
    const major = all(body.form.components).find((c) => c.key === 'major')
    expect(major?.readonly).toBe(true)
  })

  test('8.1: a customer gets the incident form without what the service desk fills, and may not write it', async () => {
    // given
    const all = (cs: FormPart[]): FormPart[] => cs.flatMap((c) => [c, ...all(c.components ?? [])])
    const keysOf = (v: CaseFormView) => all(v.form.components).map((c) => c.key)
    // when
    const forCustomer = await as.customer.get<CaseFormView & { staffOnly: string[] }>(
      '/case-forms/incident',
    )
    const forDesk = await as.desk.get<CaseFormView>('/case-forms/incident')
    const raised = await as.customer.post<Problem>('/incidents', {
      title: 'Printer on fire',
      data: { description: 'Smoke', impact: 1, resolution: 'none' },
    })
    const fine = await as.customer.post<Rec>('/incidents', {
      title: 'Printer jammed',
      data: { description: 'Paper stuck' },
    })
    const classified = await as.desk.patch<Rec>(`/incidents/${fine.body.id}`, {
      version: fine.body.version,
      data: { impact: 2, category: 'hardware' },
    })
    // then
    expect(forCustomer.body.staffOnly).toEqual(
      expect.arrayContaining(['impact', 'urgency', 'category', 'knownErrorId']),
    )
    // 8.1: the customer confirms the resolution, so they read it; only the procedure writes it
    expect(forCustomer.body.staffOnly).not.toContain('resolution')
    expect(forCustomer.body.readonly).toContain('resolution')
    expect(keysOf(forCustomer.body)).toContain('description')
    expect(keysOf(forCustomer.body)).not.toContain('impact')
    expect(keysOf(forDesk.body)).toContain('impact')
    expect(raised.status).toBe(400)
    expect(raised.body.errors?.map((e) => e.path).sort()).toEqual([
      '/data/impact',
      '/data/resolution',
    ])
    expect(fine.status).toBe(201)
    expect(classified.status).toBe(200)
  })

  test('a value of the wrong type and a field the form does not have are 400 with field errors', async () => {
    // when
    const created = await as.desk.post<Problem>('/incidents', {
      title: 'Typed data',
      data: { impact: 'high', colour: 'red', description: 'ok' },
    })
    const inc = await as.desk.post<Rec>('/incidents', { title: 'Patched data' })
    const patched = await as.desk.patch<Problem>(`/incidents/${inc.body.id}`, {
      version: 1,
      data: { urgency: 7, colour: 'red' },
    })
    // then
    expect(created.status).toBe(400)
    expect(created.body.errors?.map((e) => e.path)).toEqual(
      expect.arrayContaining(['/data/impact', '/data/colour']),
    )
    expect(patched.status).toBe(400)
    expect(patched.body.errors?.map((e) => e.path)).toContain('/data/colour')
    const fixed = await as.desk.patch<Problem>(`/incidents/${inc.body.id}`, {
      version: 1,
      data: { urgency: 7 },
    })
    expect(fixed.status).toBe(400)
    expect(fixed.body.errors?.map((e) => e.path)).toContain('/data/urgency')
  })

  test('people cannot write what only the procedure sets: 400 naming each field (8.1, 9.2)', async () => {
    // given
    const inc = await as.desk.post<Rec>('/incidents', { title: 'Readonly probe' })
    const rfc = await as.admin.post<Rec>('/changes', { title: 'RFC probe', data: { scope: 's' } })
    // when
    const onCreate = await as.desk.post<Problem>('/incidents', {
      title: 'Self-declared major',
      data: { major: true, closureCode: 'done' },
    })
    const onPatch = await as.admin.patch<Problem>(`/incidents/${inc.body.id}`, {
      version: 1,
      data: { description: 'fine', escalationLevel: 'hierarchical' },
    })
    const clearing = await as.admin.patch<Problem>(`/changes/${rfc.body.id}`, {
      version: 1,
      data: { majorImpact: null },
    })
    // then
    expect(onCreate.status).toBe(400)
    expect(onCreate.body.errors).toEqual([
      { path: '/data/major', message: 'is set by the procedure and cannot be written' },
      { path: '/data/closureCode', message: 'is set by the procedure and cannot be written' },
    ])
    expect(onPatch.status).toBe(400)
    expect(onPatch.body.errors?.map((e) => e.path)).toEqual(['/data/escalationLevel'])
    expect(clearing.status).toBe(400)
    expect(clearing.body.errors?.map((e) => e.path)).toEqual(['/data/majorImpact'])
    const unchanged = await as.desk.get<Rec & { data: Record<string, unknown> }>(
      `/incidents/${inc.body.id}`,
    )
    expect(unchanged.body).toMatchObject({ version: 1, data: {} })
  })

  test('the procedure writes readonly fields, still checked against the form (8.1)', async () => {
    // given
    const inc = await as.desk.post<Rec>('/incidents', { title: 'Escalated by the procedure' })
    const worker = systemActor('escalate')
    // when
    const written = await h.server.services.cases.updateFields(
      'incident',
      inc.body.id,
      { data: { escalationLevel: 'functional', escalatedAt: '2026-11-25T10:30:00.000Z' } },
      worker,
    )
    const badType = await h.server.services.cases
      .updateFields('incident', inc.body.id, { data: { major: 'yes' } }, worker)
      .catch((e: unknown) => e)
    const unknown = await h.server.services.cases
      .updateFields('incident', inc.body.id, { data: { mood: 'calm' } }, worker)
      .catch((e: unknown) => e)
    const raised = await h.server.services.cases.create(
      'release',
      { title: 'Release for a change', data: { releaseType: 'minor', changeId: 'RFC-000001' } },
      systemActor('start-release'),
    )
    // then
    expect(written.data).toEqual({
      escalationLevel: 'functional',
      escalatedAt: '2026-11-25T10:30:00.000Z',
    })
    expect(badType).toBeInstanceOf(UserError)
    expect((badType as UserError).errors?.map((e) => e.path)).toEqual(['/data/major'])
    expect(unknown).toBeInstanceOf(UserError)
    expect((unknown as UserError).errors?.map((e) => e.path)).toEqual(['/data/mood'])
    expect(raised.data).toEqual({ releaseType: 'minor', changeId: 'RFC-000001' })
    const seen = await as.desk.get<Rec & { data: Record<string, unknown> }>(
      `/incidents/${inc.body.id}`,
    )
    expect(seen.body.data.escalationLevel).toBe('functional')
  })
})

describe('optimistic concurrency', () => {
  test('a stale version gets 409 and the row is unchanged', async () => {
    // given two people read the same incident
    const inc = await as.desk.post<Rec>('/incidents', { title: 'Original' })
    const first = await as.desk.patch<Rec>(`/incidents/${inc.body.id}`, {
      version: 1,
      title: 'First edit',
    })
    // when the second writes with the version they read
    const second = await as.admin.patch<Problem>(`/incidents/${inc.body.id}`, {
      version: 1,
      title: 'Second edit',
    })
    // then
    expect(first.status).toBe(200)
    expect(second.status).toBe(409)
    expect(second.body.title).toBe('Conflict')
    const now = await as.desk.get<Rec>(`/incidents/${inc.body.id}`)
    expect(now.body).toMatchObject({ title: 'First edit', version: 2 })
  })

  test('of two concurrent writers with the same version exactly one wins', async () => {
    const ci = await as.network.post<Rec>('/cis', validBody('ci'))
    const results = await Promise.all(
      ['a', 'b', 'c'].map((x) =>
        as.network.patch(`/cis/${ci.body.id}`, { version: 1, location: `room ${x}` }),
      ),
    )
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409])
    const history = await as.auditor.get<{ action: string }[]>(`/cis/${ci.body.id}/history`)
    expect(history.body.map((e) => e.action)).toEqual(['created', 'updated'])
  })

  test('a draft contract changed by someone else gets 409 (7.2)', async () => {
    // given a draft (a contract in force changes only through a change, 9.2)
    const contract = (
      await as.supplier.post<{ id: string; version: number }>(
        `/suppliers/${ids.supplier}/contracts`,
        {
          title: 'Draft contract',
          status: 'draft',
          data: {
            scope: 'Spare parts',
            services: [ids.services.email],
            serviceTargets: [{ measure: 'Delivery days', target: 2 }],
            responsibilities: 'Supplier delivers parts.',
            reviewIntervalDays: 90,
          },
        },
      )
    ).body
    const path = `/suppliers/${ids.supplier}/contracts/${contract.id}`
    const first = await as.supplier.patch(path, { version: contract.version, title: 'Draft 2' })
    const stale = await as.admin.patch(path, { version: contract.version, title: 'Draft 3' })
    expect(first.status).toBe(200)
    expect(stale.status).toBe(409)
    const now = await as.supplier.get<{ id: string; title: string }[]>(
      `/suppliers/${ids.supplier}/contracts`,
    )
    expect(now.body.find((c) => c.id === contract.id)?.title).toBe('Draft 2')
  })
})

describe("customers' isolation (7.1, 8.1)", () => {
  test('a customer raises cases for themselves and sees only their own', async () => {
    // given
    const mine = await as.customer.post<Rec>('/incidents', {
      title: 'My laptop',
      data: { description: 'It does not start' },
    })
    const theirs = await as.customer2.post<Rec>('/complaints', { title: 'Slow answers' })
    // when
    const myList = await as.customer.get<{ items: Rec[]; total: number }>('/incidents?limit=200')
    const theirList = await as.customer2.get<{ items: Rec[] }>('/incidents?limit=200')
    const peek = await as.customer.get<Problem>(`/complaints/${theirs.body.id}`)
    const search = await as.customer.get<{ items: Rec[] }>(`/complaints?q=${theirs.body.id}`)
    const onBehalf = await as.customer.post('/incidents', { title: 'x', requester: 'customer2' })
    const assign = await as.customer.post('/incidents', { title: 'x', assignee: 'desk' })
    // then
    expect(mine.body.requester).toBe('customer')
    expect(myList.body.items.every((i) => i.requester === 'customer')).toBe(true)
    expect(myList.body.items.map((i) => i.id)).toContain(mine.body.id)
    expect(theirList.body.items.map((i) => i.id)).not.toContain(mine.body.id)
    expect(peek.status).toBe(404)
    expect(search.body.items).toEqual([])
    expect(onBehalf.status).toBe(403)
    expect(assign.status).toBe(403)
  })
})

describe('procedures and evidence', () => {
  test('creating an incident starts the incident procedure and links the instance', async () => {
    // when
    const inc = await as.customer.post<Rec>('/incidents', { title: 'Procedure probe' })
    const asStaff = await as.desk.get<Rec>(`/incidents/${inc.body.id}`)
    // then
    expect(inc.status).toBe(201)
    // engine keys are for staff only (8.1): the customer's answer has none
    expect(inc.body.processInstances).toBeUndefined()
    expect(asStaff.body.processInstances).toMatchObject([{ bpmnProcessId: 'incident' }])
    const key = asStaff.body.processInstances[0]!.processInstanceKey
    const trail = await as.auditor.get<{ action: string }[]>(`/evidence?processInstanceKey=${key}`)
    // the starter records the start, the case service the link between case and instance
    expect(trail.body.map((e) => e.action)).toEqual(
      expect.arrayContaining(['process-instance.started', 'process-instance.linked']),
    )
  })

  test('GET /api/openapi.json describes every route family', async () => {
    // when
    const res = await fetch(`${h.url}/api/openapi.json`)
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> }
    // then
    expect(res.status).toBe(200)
    expect(doc.openapi).toBe('3.1.0')
    for (const k of kinds) {
      expect(doc.paths).toHaveProperty([`/api/${kindSpecs[k].path}`])
      expect(doc.paths).toHaveProperty([`/api/${kindSpecs[k].path}/{id}`])
    }
    expect(doc.paths).toHaveProperty(['/api/evidence/verify'])
    expect(doc.paths).toHaveProperty(['/api/baselines/{id}'])
    expect(doc.paths).toHaveProperty(['/api/case-forms/{kind}'])
  })

  test('verification reports the seq of a row tampered with in the database (4.3.3)', async () => {
    // given an intact chain
    const before = await as.auditor.get<{ ok: boolean; entries: number }>('/evidence/verify')
    expect(before.body.ok).toBe(true)
    const inc = await as.desk.post<Rec>('/incidents', { title: 'Tamper target' })
    const [entry] = (
      await as.auditor.get<{ seq: number }[]>(
        `/evidence?entityType=incident&entityId=${inc.body.id}`,
      )
    ).body
    // when the database owner bypasses the trigger and rewrites that entry
    const db = h.server.database.db
    await sql`alter table evidence disable trigger evidence_append_only`.execute(db)
    await sql`update evidence set actor = 'mallory' where seq = ${entry!.seq}`.execute(db)
    await sql`alter table evidence enable trigger evidence_append_only`.execute(db)
    // then
    const after = await as.auditor.get<{ ok: boolean; brokenAt: number; reason: string }>(
      '/evidence/verify',
    )
    expect(after.body).toMatchObject({ ok: false, brokenAt: entry!.seq })
    expect(after.body.reason).toMatch(/altered/)
  })
})
