import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseTargets, type TestDatabase } from '../../../test/support/databases'
import { seedDemoUsers } from '../seed/demo'
import { seedCatalogue, type SeededCatalogue } from '../seed/catalogue'
import { AuditTrail } from '../evidence/audit-trail'
import { EventBus, type ServerEvent } from '../realtime/bus'
import { ConflictError, ForbiddenError, NotFoundError, UserError } from '../errors'
import { systemActor, type Actor } from './access'
import { CaseService, type OperationalCase, type ProcessStarter } from './case.service'
import { CatalogueService } from './catalogue.service'
import { CmdbService } from './cmdb.service'

const desk: Actor = { username: 'desk', roles: ['staff'], groups: [{ id: 'service-desk' }] }
const network: Actor = { username: 'network', roles: ['staff'], groups: [{ id: 'network' }] }
const customer: Actor = { username: 'customer', roles: ['customer'], groups: [] }
const customer2: Actor = { username: 'customer2', roles: ['customer'], groups: [] }
const auditor: Actor = { username: 'auditor', roles: ['auditor'], groups: [] }

/** Records what would be started; the engine itself is exercised by the HTTP suite. */
class RecordingStarter implements ProcessStarter {
  readonly started: { bpmnProcessId: string; variables: Record<string, unknown> }[] = []
  async start(bpmnProcessId: string, variables: Record<string, unknown>) {
    this.started.push({ bpmnProcessId, variables })
    const key = String(2251799813685248 + this.started.length)
    return { processInstanceKey: key, processDefinitionKey: '2251799813685100', version: 1 }
  }
}

describe.each(testDatabaseTargets())('case data on $kind', (target) => {
  let t: TestDatabase
  let cases: CaseService
  let cmdb: CmdbService
  let catalogue: CatalogueService
  let audit: AuditTrail
  let seeded: SeededCatalogue
  const starter = new RecordingStarter()
  const events: ServerEvent[] = []

  beforeAll(async () => {
    t = await target.open()
    const db = t.database.db
    await seedDemoUsers(db)
    audit = new AuditTrail(db)
    const bus = new EventBus()
    bus.subscribe((e) => events.push(e))
    cases = new CaseService({ db, audit, bus, processStarter: starter, maxAttachmentBytes: 1000 })
    cmdb = new CmdbService({ db, audit })
    catalogue = new CatalogueService({ db, audit })
    seeded = (await seedCatalogue({ db, cases, cmdb, catalogue }))!
  })
  afterAll(async () => {
    await t?.drop()
  })

  it('seeds the catalogue once: services with SLAs per priority, CIs with relations, suppliers with contracts', async () => {
    // then
    expect(Object.keys(seeded.services)).toEqual(['network', 'identity', 'email', 'erp', 'desk'])
    const targets = await catalogue.slaTargets(seeded.services.email!, 1)
    expect(targets).toMatchObject({ priority: 1, responseMinutes: 15, resolutionMinutes: 240 })
    const rel = await cmdb.relations(seeded.cis['vm-host']!, desk)
    expect(rel.incoming.map((r) => r.ciId).sort()).toEqual(
      [seeded.cis['mail-app'], seeded.cis.sso, seeded.cis['erp-db']].sort(),
    )
    const contracts = await catalogue.contracts(seeded.suppliers.carrier!, desk)
    expect(contracts[0]?.data).toMatchObject({ reviewIntervalDays: 90 })
    // a second run does nothing
    expect(await seedCatalogue({ db: t.database.db, cases, cmdb, catalogue })).toBeUndefined()
  })

  it('creates an incident with a reference per kind, starts its procedure and records evidence (8.1)', async () => {
    // when
    const first = await cases.create(
      'incident',
      {
        title: 'Mail is down',
        priority: 2,
        serviceId: seeded.services.email,
        ciId: seeded.cis['mail-app'],
        requester: 'customer',
        data: { impact: 2, urgency: 1, channel: 'phone' },
      },
      desk,
    )
    const second = await cases.create('incident', { title: 'Printer jam' }, desk)
    // then
    expect(first.id).toMatch(/^INC-\d{6}$/)
    expect(Number(second.id.slice(4))).toBe(Number(first.id.slice(4)) + 1)
    expect(first).toMatchObject({
      status: 'new',
      requester: 'customer',
      assignedGroup: 'service-desk',
      version: 1,
    })
    const start = starter.started.find((s) => s.variables.caseId === first.id)
    expect(start).toMatchObject({
      bpmnProcessId: 'incident',
      variables: {
        caseKind: 'incident',
        priority: 2,
        impact: 2,
        urgency: 1,
        // 8.1: the SLA's targets for priority 2 on e-mail drive the escalation timers
        sla: { responseMinutes: 60, resolutionMinutes: 480, resolutionDuration: 'PT480M' },
      },
    })
    expect(first.processInstances).toHaveLength(1)
    expect(
      await cases.findByProcessInstance(first.processInstances[0]!.processInstanceKey),
    ).toEqual({ kind: 'incident', id: first.id })
    const trail = await audit.list({ entityType: 'incident', entityId: first.id })
    expect(trail.map((e) => e.action)).toEqual(['incident.created', 'process-instance.linked'])
    expect(events.some((e) => e.type === 'case.created' && e.case.caseId === first.id)).toBe(true)
  })

  it('lets a worker raise a case: no requester, the procedure starts, evidence names the worker (8.2)', async () => {
    // when the incident-trend worker opens a problem and an incident
    const worker = systemActor('detect-incident-trend')
    const problem = await cases.create(
      'problem',
      {
        title: 'Mail server trend',
        ciId: seeded.cis['mail-app'],
        data: { detectedBy: 'incident-trend' },
      },
      worker,
    )
    const incident = await cases.create('incident', { title: 'Raised by monitoring' }, worker)
    // then
    expect(problem).toMatchObject({ assignedGroup: 'problem-managers', requester: null })
    expect(incident.requester).toBeNull()
    expect(starter.started.find((s) => s.variables.caseId === problem.id)?.bpmnProcessId).toBe(
      'problem',
    )
    const [created] = await audit.list({ entityType: 'problem', entityId: problem.id })
    expect(created).toMatchObject({
      actor: 'system:detect-incident-trend',
      action: 'problem.created',
    })
  })

  it('takes the approval requirement of a service request from the catalogue item (8.1)', async () => {
    // given a catalogue item that requires approval
    const items = await catalogue.catalogueItems(customer, seeded.services.email)
    const shared = items.find((i) => i.name === 'Shared mailbox')!
    // when the service desk records it as needing none, and a customer tries the same
    const request = await cases.create(
      'service-request',
      { title: 'Team mailbox', data: { catalogueItemId: shared.id, requiresApproval: false } },
      desk,
    )
    const claimed = await cases
      .create(
        'service-request',
        { title: 'My mailbox', data: { catalogueItemId: shared.id, requiresApproval: false } },
        customer,
      )
      .catch((e: unknown) => e)
    const unknown = await cases
      .create('service-request', { title: 'x', data: { catalogueItemId: 'CAT-999999' } }, customer)
      .catch((e: unknown) => e)
    // then
    expect(request).toMatchObject({
      serviceId: seeded.services.email,
      assignedGroup: 'service-desk',
      data: { requiresApproval: true },
    })
    const start = starter.started.find((s) => s.variables.caseId === request.id)
    expect(start).toMatchObject({
      bpmnProcessId: 'service-request',
      variables: { requiresApproval: true, approvalRequired: true },
    })
    expect((unknown as UserError).errors).toEqual([
      { path: '/data/catalogueItemId', message: 'no catalogue item CAT-999999' },
    ])
    // the approval requirement is the service provider's to state, never the customer's
    expect((claimed as UserError).errors).toEqual([
      { path: '/data/requiresApproval', message: "is for the service provider's staff only" },
    ])
  })

  it('rejects data that does not match the kind schema with field errors under /data', async () => {
    // when
    const failure = await cases
      .create('change', { title: 'Upgrade switch', data: { changeType: 'sometimes' } }, desk)
      .catch((e: unknown) => e)
    // then: 9.2 every RFC has a scope; changeType is an enumeration
    expect(failure).toBeInstanceOf(UserError)
    const paths = (failure as UserError).errors?.map((e) => e.path)
    expect(paths).toEqual(expect.arrayContaining(['/data/scope', '/data/changeType']))
  })

  it('refuses a stale version with 409 and leaves the row unchanged', async () => {
    // given
    const c = await cases.create(
      'problem',
      { title: 'Mail outages', assignedGroup: 'network' },
      network,
    )
    await cases.update('problem', c.id, { version: 1, title: 'Recurring mail outages' }, network)
    // when
    const stale = await cases
      .update('problem', c.id, { version: 1, title: 'Overwritten' }, network)
      .catch((e: unknown) => e)
    // then
    expect(stale).toBeInstanceOf(ConflictError)
    const now = (await cases.findCase('problem', c.id))!
    expect(now).toMatchObject({ title: 'Recurring mail outages', version: 2 })
  })

  it('merges data on update, validates the result and keeps before/after in the evidence', async () => {
    // given
    const ke = await cases.create(
      'known-error',
      {
        title: 'Mail queue stalls',
        assignedGroup: 'service-desk',
        data: { workaround: 'Restart queue' },
      },
      desk,
    )
    // when
    const updated = await cases.update(
      'known-error',
      ke.id,
      { version: 1, data: { rootCause: 'Disk full' } },
      desk,
    )
    const removingRequired = await cases
      .update('known-error', ke.id, { version: 2, data: { workaround: null } }, desk)
      .catch((e: unknown) => e)
    // then
    expect(updated.data).toEqual({ workaround: 'Restart queue', rootCause: 'Disk full' })
    expect(removingRequired).toBeInstanceOf(UserError)
    const [, change] = await audit.list({ entityType: 'known-error', entityId: ke.id })
    expect(change).toMatchObject({
      action: 'known-error.updated',
      before: { version: 1, data: { workaround: 'Restart queue' } },
      after: { version: 2, data: { rootCause: 'Disk full' } },
    })
  })

  it('lets the procedure set the status but not people, and closing sets closedAt', async () => {
    // given
    const inc = await cases.create('incident', { title: 'VPN slow' }, desk)
    // when
    const byPerson = await cases
      .update('incident', inc.id, { version: 1, status: 'closed' }, desk)
      .catch((e: unknown) => e)
    await cases.setStatus('incident', inc.id, 'in-progress', systemActor('classify'), {
      processInstanceKey: '2251799813699999',
    })
    const closed = (await cases.setStatus(
      'incident',
      inc.id,
      'closed',
      systemActor('close'),
    )) as OperationalCase
    // then
    expect(byPerson).toBeInstanceOf(UserError)
    expect(closed.status).toBe('closed')
    expect(closed.closedAt).not.toBeNull()
    const trail = await audit.list({ processInstanceKey: '2251799813699999' })
    expect(trail).toMatchObject([{ action: 'incident.status-changed', entityId: inc.id }])
    expect(events).toContainEqual({
      type: 'case.updated',
      case: {
        kind: 'incident',
        caseId: inc.id,
        status: 'closed',
        requester: 'desk',
        group: 'service-desk',
        actor: 'system:close',
      },
    })
  })

  it('lists with filters, text search, sort and pagination, with the total', async () => {
    // given three incidents on the mail CI
    for (const title of ['Mail A', 'Mail B', 'Mail C']) {
      await cases.create('incident', { title, priority: 3, ciId: seeded.cis['mail-app'] }, desk)
    }
    // when
    const page = await cases.list(
      'incident',
      { filters: { ciId: seeded.cis['mail-app']!, priority: 3 }, sort: 'id', limit: 2 },
      desk,
    )
    const text = await cases.list('incident', { q: 'mail b' }, desk)
    const open = await cases.list('incident', { status: ['closed'] }, desk)
    const future = await cases.list('incident', { createdFrom: '2999-01-01T00:00:00Z' }, desk)
    const past = await cases.list('incident', { createdTo: '2999-01-01T00:00:00Z', limit: 1 }, desk)
    // then
    expect(page.total).toBe(3)
    expect(page.items.map((i) => i.title)).toEqual(['Mail A', 'Mail B'])
    expect(text.items.map((i) => i.title)).toEqual(['Mail B'])
    expect(open.items.every((i) => i.status === 'closed')).toBe(true)
    expect(open.total).toBeGreaterThan(0)
    expect(future.total).toBe(0)
    expect(past.items).toHaveLength(1)
    expect(past.total).toBeGreaterThan(3)
  })

  it("shows customers only their own cases and answers 404 for others' (customer isolation)", async () => {
    // given
    const own = await cases.create('service-request', { title: 'New mailbox' }, customer2)
    // then
    await expect(cases.get('service-request', own.id, customer)).rejects.toBeInstanceOf(
      NotFoundError,
    )
    expect((await cases.get('service-request', own.id, customer2)).id).toBe(own.id)
    const listed = await cases.list('service-request', {}, customer)
    expect(listed.items.every((i) => i.requester === 'customer')).toBe(true)
    await expect(cases.list('problem', {}, customer)).rejects.toBeInstanceOf(ForbiddenError)
    await expect(
      cases.create('incident', { title: 'x', requester: 'customer2' }, customer),
    ).rejects.toBeInstanceOf(ForbiddenError)
  })

  it('links incident → problem → known error → RFC → release and shows links both ways (8.2, 9.2)', async () => {
    // given
    const inc = await cases.create('incident', { title: 'Mail down again' }, desk)
    const prb = await cases.create('problem', { title: 'Mail keeps failing' }, desk)
    const ke = await cases.create(
      'known-error',
      { title: 'Queue', data: { workaround: 'w' } },
      desk,
    )
    const rfc = await cases.create(
      'change',
      { title: 'Bigger disk', data: { scope: 'mail disk' } },
      desk,
    )
    const admin = systemActor('test')
    // 9.3: a release implements an approved change (the CAB's approval, as its procedure records it)
    await cases.setStatus('change', rfc.id, 'scheduled', admin)
    const rel = await cases.create(
      'release',
      { title: 'Mail 2026.1', data: { changeId: rfc.id } },
      desk,
    )
    // when
    await cases.link(
      { kind: 'incident', id: inc.id },
      { kind: 'problem', id: prb.id },
      'caused-by',
      desk,
    )
    await cases.link(
      { kind: 'problem', id: prb.id },
      { kind: 'known-error', id: ke.id },
      'documented-as',
      admin,
    )
    await cases.link(
      { kind: 'known-error', id: ke.id },
      { kind: 'change', id: rfc.id },
      'resolved-by',
      admin,
    )
    await cases.link(
      { kind: 'change', id: rfc.id },
      { kind: 'release', id: rel.id },
      'implements',
      admin,
    )
    // then
    const problem = await cases.get('problem', prb.id, auditor)
    expect(problem.links.map((l) => [l.fromId, l.toId])).toEqual([
      [inc.id, prb.id],
      [prb.id, ke.id],
    ])
    await expect(
      cases.link(
        { kind: 'incident', id: inc.id },
        { kind: 'problem', id: prb.id },
        'caused-by',
        desk,
      ),
    ).rejects.toBeInstanceOf(ConflictError)
    await expect(
      cases.link(
        { kind: 'incident', id: inc.id },
        { kind: 'problem', id: 'PRB-999999' },
        'caused-by',
        desk,
      ),
    ).rejects.toBeInstanceOf(UserError)
  })

  it('keeps CI change history with before/after and takes a baseline (9.1)', async () => {
    // given
    const id = seeded.cis['core-switch']!
    // 9.1, 9.2: the core switch is under change control: the implementation of a change writes it
    const implementation = systemActor('apply-record-edits')
    const rfc = await cases.create(
      'change',
      { title: 'Switch firmware', data: { scope: 'core switch' } },
      network,
    )
    await cases.setStatus('change', rfc.id, 'scheduled', systemActor('test'))
    // when
    await cases.updateFields('ci', id, { ciVersion: 'IOS-XE 17.12' }, implementation)
    const release = await cases.create(
      'release',
      { title: 'Switch firmware', data: { changeId: rfc.id } },
      network,
    )
    const baseline = await cmdb.takeBaseline(
      { name: 'Before release', ciIds: [id, seeded.cis.firewall!], releaseId: release.id },
      network,
    )
    const unknownRelease = await cmdb
      .takeBaseline({ name: 'x', ciIds: [id], releaseId: 'REL-999999' }, network)
      .catch((e: unknown) => e)
    await cases.updateFields('ci', id, { ciVersion: 'IOS-XE 17.15' }, implementation)
    // then
    const history = await cmdb.history(id, auditor)
    expect(history.map((h) => h.action)).toEqual([
      'created',
      'relation-added',
      'updated',
      'updated',
    ])
    expect(history[2]).toMatchObject({
      before: { ciVersion: 'IOS-XE 17.9' },
      after: { ciVersion: 'IOS-XE 17.12' },
    })
    const stored = await cmdb.baseline(baseline.id, auditor)
    expect(stored.items.find((i) => i.ciId === id)?.snapshot).toMatchObject({
      ci_version: 'IOS-XE 17.12',
      relations: [
        { targetKind: 'service', targetId: seeded.services.network, relationType: 'supports' },
      ],
    })
    expect(stored.releaseId).toBe(release.id)
    expect(await cmdb.baselines(auditor, release.id)).toHaveLength(1)
    expect(unknownRelease).toBeInstanceOf(UserError)
    // a CI owned by another group cannot be changed by desk staff; its owners only through a change
    const current = (await cases.find('ci', id))!
    await expect(
      cases.update('ci', id, { version: current.version, location: 'x' }, desk),
    ).rejects.toBeInstanceOf(ForbiddenError)
    await expect(
      cases.update('ci', id, { version: current.version, location: 'x' }, network),
    ).rejects.toThrow(/under change control \(9\.1\): raise a change/)
    expect((await cases.find('ci', id))?.version).toBe(current.version)
  })

  it('finds the CIs and services a change to a CI may impact (9.2 assessment)', async () => {
    // when the VM host changes
    const impact = await cmdb.impact([seeded.cis['vm-host']!])
    // then the applications on it, and what depends on them, and their services
    expect(impact.cis.map((c) => c.id).sort()).toEqual(
      [
        seeded.cis['vm-host'],
        seeded.cis['mail-app'],
        seeded.cis.sso,
        seeded.cis['erp-db'],
        seeded.cis['erp-app'],
      ].sort(),
    )
    expect(impact.services.map((s) => s.id).sort()).toEqual(
      [seeded.services.email, seeded.services.identity, seeded.services.erp].sort(),
    )
  })

  it('stores attachments as bytes and refuses ones over the limit', async () => {
    // given
    const inc = await cases.create('incident', { title: 'Screenshot attached' }, customer)
    // when
    const info = await cases.attach(
      'incident',
      inc.id,
      { name: 'error.txt', contentType: 'text/plain', content: Buffer.from('Error 42') },
      customer,
    )
    const file = await cases.download('incident', inc.id, info.id, customer)
    const tooBig = await cases
      .attach(
        'incident',
        inc.id,
        { name: 'big.bin', contentType: 'application/octet-stream', content: new Uint8Array(1001) },
        customer,
      )
      .catch((e: unknown) => e)
    // then
    expect(file.content.toString()).toBe('Error 42')
    expect(info).toMatchObject({ size: 8, name: 'error.txt' })
    expect(tooBig).toBeInstanceOf(UserError)
    await expect(cases.download('incident', inc.id, info.id, customer2)).rejects.toBeInstanceOf(
      NotFoundError,
    )
  })

  it('keeps the evidence chain intact across all of the above', async () => {
    expect(await audit.verify()).toMatchObject({ ok: true })
  })
})
