/**
 * The live compliance matrix on the real server, on PGlite and PostgreSQL (ISO/IEC 20000-1:2011
 * 4.3.3, 4.5.4.2): its counts equal counts made independently over generated evidence, a
 * requirement's drill-down lists exactly its instances and records, the evidence API filters by
 * requirement, the audit pack draws the same samples from the same seed, and only auditors and
 * SMS managers read it. #4.5.4.2-5 #4.3.3-3
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../test/support/harness'
import { requirementsOfKind, type CaseKind } from '../cases/kinds'
import type { EvidenceEntry } from '../evidence/entry'
import { repoRoot } from '../paths'
import type { MatrixRow } from './compliance.service'
import { ELEMENT_COMPLETED } from './matchers'

/** Requirement ids per `<process>/<element>`, read from the files with a plain regex. */
function diagramRequirements(): Map<string, string[]> {
  const out = new Map<string, string[]>()
  const dir = join(repoRoot, 'processes')
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.bpmn'))) {
    const xml = readFileSync(join(dir, f), 'utf8')
    const pid = /<bpmn:process id="([^"]+)"/.exec(xml)![1]!
    const chunks = xml.split(/(?=<bpmn:[a-zA-Z]+ id=")/)
    for (const chunk of chunks) {
      const id = /^<bpmn:[a-zA-Z]+ id="([^"]+)"/.exec(chunk)?.[1]
      const value = /name="requirements" value="([^"]*)"/.exec(chunk)?.[1]
      if (id && value) out.set(`${pid}/${id}`, value.split(/\s+/).filter(Boolean))
    }
  }
  return out
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each(testDatabaseTargets())('the compliance matrix on $kind', (target) => {
  let h: Harness
  let auditor: ApiClient
  let smsmgr: ApiClient
  let smsmgr2: ApiClient
  let desk: ApiClient
  let nextKey = 9_000_000_000_000
  const reqsOf = diagramRequirements()
  /** What phase B (inside the period) generated. */
  const generated = {
    elements: [] as { pid: string; el: string; key: string; seq: number }[],
    records: [] as { kind: CaseKind; id: string; seq: number }[],
    approvals: [] as { kind: string; id: string }[],
  }
  const period = { from: '', to: '' }

  async function instance(pid: string, caseKind: string, caseId: string): Promise<string> {
    const key = String(nextKey++)
    await h.server.database.db
      .insertInto('process_instances')
      .values({
        process_instance_key: key,
        process_definition_key: `1${key}`,
        bpmn_process_id: pid,
        version: 1,
        case_kind: caseKind,
        case_id: caseId,
        started_by: 'desk',
        ended_at: null,
      })
      .execute()
    return key
  }
  async function complete(_pid: string, el: string, key: string, caseKind: string, caseId: string) {
    const e = await h.server.services.audit.append({
      actor: 'system:engine',
      action: ELEMENT_COMPLETED,
      entityType: caseKind,
      entityId: caseId,
      processInstanceKey: key,
      after: { at: new Date().toISOString(), elementId: el, bpmnElementType: 'USER_TASK' },
    })
    return e.seq
  }
  async function created(kind: CaseKind, id: string) {
    const e = await h.server.services.audit.append({
      actor: 'desk',
      action: `${kind}.created`,
      entityType: kind,
      entityId: id,
      after: { id },
    })
    return e.seq
  }
  async function approvedPolicy(title: string) {
    const doc = await smsmgr.post<{ id: string }>('/sms/documents', {
      kind: 'policy',
      title,
      content: `# ${title}`,
      reviewIntervalDays: 365,
    })
    expect(doc.status).toBe(201)
    expect((await smsmgr.post(`/sms/documents/${doc.body.id}/submit`)).status).toBe(200)
    expect((await smsmgr2.post(`/sms/documents/${doc.body.id}/approve`, {})).status).toBe(200)
    return doc.body.id
  }
  /** An incident instance passing `elements`, its record created or not. */
  async function incident(id: string, elements: string[], record: boolean, inPeriod: boolean) {
    const key = await instance('incident', 'incident', id)
    for (const el of elements) {
      const seq = await complete('incident', el, key, 'incident', id)
      if (inPeriod) generated.elements.push({ pid: 'incident', el, key, seq })
    }
    if (record) {
      const seq = await created('incident', id)
      if (inPeriod) generated.records.push({ kind: 'incident', id, seq })
    }
    return key
  }

  beforeAll(async () => {
    h = await startHarness({ deployProcesses: false, database: target })
    ;[auditor, smsmgr, smsmgr2, desk] = await Promise.all(
      ['auditor', 'smsmgr', 'smsmgr2', 'desk'].map((u) => h.login(u)),
    )
    // the procedures as deployed: the product reads the links from the stored XML
    const dir = join(repoRoot, 'processes')
    let n = 1
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.bpmn'))) {
      const xml = readFileSync(join(dir, f), 'utf8')
      await h.server.database.db
        .insertInto('process_versions')
        .values({
          process_definition_key: String(n),
          bpmn_process_id: /<bpmn:process id="([^"]+)"/.exec(xml)![1]!,
          version: 1,
          name: f,
          resource_name: f,
          xml,
          checksum: String(n++),
          state: 'deployed',
          deployment_key: '1',
          deployed_by: 'owner',
          approved_by: 'approver',
          draft_id: null,
        })
        .execute()
    }
    // phase A, before the period
    await incident(
      'INC-900001',
      ['StartEvent_IncidentReported', 'Task_ClassifyIncident'],
      true,
      false,
    )
    await approvedPolicy('Old policy')
    await sleep(20)
    period.from = new Date().toISOString()
    await sleep(20)
    // phase B, the period
    await incident(
      'INC-900002',
      ['StartEvent_IncidentReported', 'Task_ClassifyIncident', 'Task_DecidePriority'],
      true,
      true,
    )
    await incident(
      'INC-900003',
      ['Task_ClassifyIncident', 'Task_ResolveIncident', 'Task_CloseIncident'],
      true,
      true,
    )
    // one instance classified twice (reopened): one instance for 8.1-c
    const twice = await incident(
      'INC-900004',
      ['Task_ClassifyIncident', 'Task_InvestigateAndDiagnose'],
      false,
      true,
    )
    const again = await complete(
      'incident',
      'Task_ClassifyIncident',
      twice,
      'incident',
      'INC-900004',
    )
    generated.elements.push({
      pid: 'incident',
      el: 'Task_ClassifyIncident',
      key: twice,
      seq: again,
    })
    const prb = await instance('problem', 'problem', 'PRB-900001')
    for (const el of ['Task_ClassifyProblem', 'Task_AnalyseRootCause']) {
      generated.elements.push({
        pid: 'problem',
        el,
        key: prb,
        seq: await complete('problem', el, prb, 'problem', 'PRB-900001'),
      })
    }
    generated.records.push({
      kind: 'problem',
      id: 'PRB-900001',
      seq: await created('problem', 'PRB-900001'),
    })
    // an element id of the incident procedure inside another procedure is not the incident's step
    const chg = await instance('change', 'change', 'RFC-900001')
    const stray = await complete('change', 'Task_ClassifyIncident', chg, 'change', 'RFC-900001')
    generated.elements.push({ pid: 'change', el: 'Task_ClassifyIncident', key: chg, seq: stray })
    generated.approvals.push({ kind: 'policy', id: await approvedPolicy('Policy of the period') })
    await sleep(20)
    period.to = new Date().toISOString()
    await sleep(20)
    // phase C, after the period
    await incident('INC-900005', ['Task_ClassifyIncident'], true, false)
  }, 180_000)
  afterAll(async () => {
    await h?.stop()
  })

  const q = () => `from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`

  test('counts per requirement equal independent counts over the generated evidence #4.5.4.2-5', async () => {
    // given the independent counts: distinct instances through a carrying element, records created
    const instances = new Map<string, Set<string>>()
    for (const g of generated.elements) {
      for (const r of reqsOf.get(`${g.pid}/${g.el}`) ?? []) {
        if (!instances.has(r)) instances.set(r, new Set())
        instances.get(r)!.add(g.key)
      }
    }
    const records = new Map<string, number>()
    for (const g of generated.records) {
      for (const r of requirementsOfKind[g.kind]) records.set(r, (records.get(r) ?? 0) + 1)
    }
    // when
    const res = await auditor.get<{ items: MatrixRow[]; unknownIds: unknown[] }>(
      `/compliance/matrix?${q()}`,
    )
    // then
    expect(res.status).toBe(200)
    expect(res.body.unknownIds).toEqual([])
    const byId = new Map(res.body.items.map((r) => [r.id, r]))
    for (const row of res.body.items) {
      expect(row.counts.instances, row.id).toBe(instances.get(row.id)?.size ?? 0)
      expect(row.counts.records, row.id).toBe(records.get(row.id) ?? 0)
    }
    expect(byId.get('8.1-c')!.counts.instances).toBe(3)
    expect(byId.get('8.1-a')!).toMatchObject({ status: 'evidenced' })
    expect(byId.get('8.1-a')!.counts).toMatchObject({ instances: 1, records: 2 })
    // the policy approved in the period, and document control (4.3.2 a)
    expect(byId.get('4.1.2-a')!.counts.documents).toBe(1)
    expect(byId.get('4.3.2-a')!.counts.documents).toBe(1)
    // a requirement carried by elements that no instance passed in the period
    expect(byId.get('9.3-4')!.status).toBe('no-evidence')
    expect(byId.get('8.1-c')!.elements.map((e) => e.ref)).toContain(
      'incident/Task_ClassifyIncident',
    )
    expect(byId.get('8.1-c')!.tests.length).toBeGreaterThan(0)
  })

  test('a drill-down lists exactly the instances and records of the requirement in the period', async () => {
    // when
    const c = await auditor.get<{ instances: { processInstanceKey: string; elementId: string }[] }>(
      `/compliance/requirements/8.1-c?${q()}`,
    )
    const a = await auditor.get<{
      instances: { processInstanceKey: string }[]
      records: { entityId: string }[]
    }>(`/compliance/requirements/8.1-a?${q()}`)
    // then
    expect(c.status).toBe(200)
    const classify = generated.elements.filter(
      (g) => g.pid === 'incident' && g.el === 'Task_ClassifyIncident',
    )
    expect(c.body.instances.map((i) => i.processInstanceKey).sort()).toEqual(
      [...new Set(classify.map((g) => g.key))].sort(),
    )
    expect(c.body.instances.every((i) => i.elementId === 'Task_ClassifyIncident')).toBe(true)
    expect(a.body.records.map((r) => r.entityId).sort()).toEqual(['INC-900002', 'INC-900003'])
    expect(a.body.instances).toHaveLength(1)
  })

  test('the evidence API filters by requirement id', async () => {
    // when
    const res = await auditor.get<EvidenceEntry[]>(`/evidence?requirement=8.1-c&${q()}&limit=1000`)
    // then
    expect(res.status).toBe(200)
    const expected = generated.elements
      .filter((g) => g.pid === 'incident' && g.el === 'Task_ClassifyIncident')
      .map((g) => g.seq)
    expect(res.body.map((e) => e.seq)).toEqual(expected.sort((x, y) => x - y))
    expect((await auditor.get('/evidence?requirement=8.1-zz')).status).toBe(400)
  })

  test('the audit pack draws the same samples from the same seed, each with its hash verified', async () => {
    // when
    const url = `/compliance/audit-pack?${q()}&clauses=8.1,8.2&sampleSize=2&seed=s33d`
    type Pack = {
      seed: string
      chain: { ok: boolean }
      requirements: {
        id: string
        population: number
        samples: {
          seq: number
          hashVerified: boolean
          linkVerified: boolean
          replay: string | null
        }[]
      }[]
      diagrams: { bpmnProcessId: string; svg: string }[]
    }
    const one = await auditor.get<Pack>(url)
    const two = await smsmgr.get<Pack>(url)
    const other = await auditor.get<Pack>(url.replace('s33d', 'other'))
    // then
    expect(one.status).toBe(200)
    expect(one.body.seed).toBe('s33d')
    expect(one.body.chain.ok).toBe(true)
    const picks = (p: Pack) => p.requirements.map((r) => [r.id, r.samples.map((s) => s.seq)])
    expect(picks(two.body)).toEqual(picks(one.body))
    const c = one.body.requirements.find((r) => r.id === '8.1-c')!
    expect(c.population).toBe(4)
    expect(c.samples).toHaveLength(2)
    for (const s of c.samples) {
      expect(s).toMatchObject({ hashVerified: true, linkVerified: true })
      expect(s.replay).toMatch(
        /^\/replay\?instance=[0-9]+&process=incident&element=Task_ClassifyIncident/,
      )
    }
    expect(one.body.diagrams.map((d) => d.bpmnProcessId)).toContain('incident')
    expect(other.status).toBe(200)
    const html = await auditor.get<string>(`${url}&format=html`)
    expect(html.status).toBe(200)
    expect(String(html.body)).toContain('s33d')
  })

  test('gaps name what to act on, each with its door', async () => {
    const res = await smsmgr.get<{ requirements: { id: string; door: string }[] }>(
      `/compliance/gaps?${q()}`,
    )
    expect(res.status).toBe(200)
    const gap = res.body.requirements.find((r) => r.id === '9.3-4')
    expect(gap?.door).toBe('/cases/releases')
    expect(res.body.requirements.some((r) => r.id === '8.1-c')).toBe(false)
  })

  test('only auditors and SMS managers read compliance; bad input is a 400 #4.1.3-a', async () => {
    expect((await desk.get(`/compliance/matrix?${q()}`)).status).toBe(403)
    expect((await smsmgr.get(`/compliance/matrix?${q()}`)).status).toBe(200)
    expect((await auditor.get('/compliance/matrix?from=yesterday')).status).toBe(400)
    expect(
      (await auditor.get('/compliance/matrix?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z'))
        .status,
    ).toBe(400)
    expect((await auditor.get('/compliance/requirements/9.9-q')).status).toBe(400)
    expect((await auditor.get('/compliance/requirements/9.9-1')).status).toBe(404)
    expect((await auditor.get('/compliance/audit-pack?sampleSize=500')).status).toBe(400)
  })
})
