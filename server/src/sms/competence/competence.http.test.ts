/**
 * Competence (ISO/IEC 20000-1 4.4.2), processes operated by other parties (4.2) and RACI (4.1.3)
 * through the HTTP API on the real server: gaps per role, the warning when a CAB member or a
 * group lead lacks a required competence, training plans completed with evidence, OLAs with
 * internal groups measured against their targets, RACIs shown to staff; auditors read only.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { testDatabaseTargets } from '../../../../test/support/databases'
import { startHarness, type ApiClient, type Harness } from '../../../../test/support/harness'
import type { CompetenceGap, PersonRecord } from './competence.service'

interface Matrix {
  roles: { role: string; requires: string[]; holders: string[]; gaps: CompetenceGap[] }[]
}

describe.each(testDatabaseTargets())('SMS competence, parties and RACI on $kind', (target) => {
  let h: Harness
  let manager: ApiClient
  let admin: ApiClient
  let auditor: ApiClient

  beforeAll(async () => {
    h = await startHarness({ deployProcesses: false, database: target })
    manager = await h.login('smsmgr')
    admin = await h.login('admin')
    auditor = await h.login('auditor')
  }, 120_000)
  afterAll(async () => {
    await h?.stop()
  })

  test('4.4.2: gaps per role, and a warning when someone without the competence joins the CAB', async () => {
    // given the CAB requires change assessment, and one member holds it
    expect(
      (
        await manager.post('/sms/competence/competences', {
          id: 'rfc-assessment',
          name: 'RFC risk assessment',
        })
      ).status,
    ).toBe(201)
    expect(
      (await manager.put('/sms/competence/roles/cab', { competences: ['rfc-assessment'] })).status,
    ).toBe(200)
    const held = await manager.post<PersonRecord>('/sms/competence/records', {
      username: 'cab',
      competenceId: 'rfc-assessment',
      kind: 'qualification',
      title: 'Change manager certificate',
      status: 'completed',
      achievedAt: '2025-06-01',
      evidence: 'Certificate no. 4711',
    })
    expect(held.status).toBe(201)
    // then the matrix shows the gap of the other member only
    const matrix = await auditor.get<Matrix>('/sms/competence')
    const cab = matrix.body.roles.find((r) => r.role === 'cab')!
    expect(cab.holders).toEqual(['cab', 'change'])
    expect(cab.gaps.map((g) => [g.username, g.reason])).toEqual([['change', 'missing']])

    // when an admin makes the network engineer a CAB member
    const users = await admin.get<{ id: number; username: string }[]>('/users')
    const network = users.body.find((u) => u.username === 'network')!
    const assigned = await admin.patch<{ competenceWarnings?: CompetenceGap[] }>(
      `/users/${network.id}`,
      {
        groups: [{ id: 'network' }, { id: 'cab' }],
      },
    )
    // then the assignment happens and the answer warns of the missing competence
    expect(assigned.status).toBe(200)
    expect(assigned.body.competenceWarnings).toEqual([
      {
        role: 'cab',
        username: 'network',
        competenceId: 'rfc-assessment',
        competence: 'RFC risk assessment',
        reason: 'missing',
      },
    ])

    // when training is planned, the gap says so; once completed with evidence it closes
    const planned = await manager.post<PersonRecord>('/sms/competence/records', {
      username: 'network',
      competenceId: 'rfc-assessment',
      kind: 'training',
      title: 'Change assessment course',
      status: 'planned',
      plannedFor: '2026-03-01',
    })
    let gaps = (await auditor.get<Matrix>('/sms/competence')).body.roles.find(
      (r) => r.role === 'cab',
    )!.gaps
    expect(gaps.find((g) => g.username === 'network')?.reason).toBe('planned')
    const completed = await manager.post(`/sms/competence/records/${planned.body.id}/complete`, {
      achievedAt: '2026-03-01',
      evidence: 'Attendance list, exam passed',
    })
    expect(completed.status).toBe(200)
    gaps = (await auditor.get<Matrix>('/sms/competence')).body.roles.find(
      (r) => r.role === 'cab',
    )!.gaps
    expect(gaps.map((g) => g.username)).toEqual(['change'])

    // and a group lead is checked against the lead's requirements
    await manager.post('/sms/competence/competences', {
      id: 'service-desk-lead',
      name: 'Leading a service desk',
    })
    await manager.put('/sms/competence/roles/lead:service-desk', {
      competences: ['service-desk-lead'],
    })
    const desk2 = users.body.find((u) => u.username === 'desk2')!
    const lead = await admin.patch<{ competenceWarnings?: CompetenceGap[] }>(`/users/${desk2.id}`, {
      groups: [{ id: 'service-desk', isLead: true }],
    })
    expect(lead.body.competenceWarnings?.map((g) => g.role)).toEqual(['lead:service-desk'])
  })

  test('4.2: a process operated by an internal group runs under an OLA with targets, and its performance is measured', async () => {
    // given an OLA as a controlled document
    const ola = await manager.post<{ id: string }>('/sms/documents', {
      kind: 'agreement',
      title: 'OLA network team',
      content: 'Network incidents: 95% resolved within 8 hours.',
    })
    // when the process part is registered with its targets
    const created = await manager.post<{ id: string }>('/sms/parties', {
      process: 'incident',
      part: 'Second-line resolution of network incidents',
      partyType: 'internal-group',
      party: 'network',
      owner: 'smsmgr',
      agreementDocumentId: ola.body.id,
      governance: 'Monthly OLA review with the network team lead',
      targets: [{ name: 'Resolved within 8 h', target: 95, unit: '%', direction: 'at-least' }],
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const measured = await manager.post<{ measurements: { met: boolean }[] }>(
      `/sms/parties/${created.body.id}/measurements`,
      {
        name: 'Resolved within 8 h',
        value: 91.5,
        period: '2026-01',
      },
    )
    // then the measurement is judged against the target
    expect(measured.status).toBe(201)
    expect(measured.body.measurements.map((m) => m.met)).toEqual([false])
    // an unknown group or agreement is refused
    const bad = await manager.post('/sms/parties', {
      process: 'incident',
      part: 'x',
      partyType: 'internal-group',
      party: 'no-such-group',
      owner: 'smsmgr',
    })
    expect(bad.status).toBe(400)
  })

  test('4.1.3: a RACI per process and per document, shown to staff', async () => {
    const doc = (await auditor.get<{ items: { id: string }[] }>('/sms/documents')).body.items[0]!
    const rows = [
      {
        activity: 'Write and maintain',
        responsible: ['smsmgr'],
        accountable: 'top-management',
        consulted: ['cab'],
        informed: ['service-desk'],
      },
    ]
    expect((await manager.put(`/sms/raci/document/${doc.id}`, { rows })).status).toBe(200)
    // a process must exist (none deployed here)
    expect((await manager.put('/sms/raci/process/incident', { rows })).status).toBe(404)
    const desk = await h.login('desk')
    const shown = await desk.get<{ rows: unknown[] }>(`/sms/raci/document/${doc.id}`)
    expect(shown.body.rows).toEqual(rows)
    // one accountable per activity
    expect(
      (
        await manager.put(`/sms/raci/document/${doc.id}`, {
          rows: [{ ...rows[0], accountable: ['a', 'b'] }],
        })
      ).status,
    ).toBe(400)
    // every name is a group, an active person or a role; an activity has one row: 422 per field
    const unknown = await manager.put<{ errors: { path: string; message: string }[] }>(
      `/sms/raci/document/${doc.id}`,
      {
        rows: [
          { ...rows[0], accountable: 'nobody-here', informed: ['customer', 'ghosts'] },
          { ...rows[0], activity: 'write and maintain ' },
        ],
      },
    )
    expect(unknown.status).toBe(422)
    expect(unknown.body.errors.map((e) => e.path)).toEqual([
      '/rows/0/accountable',
      '/rows/0/informed',
      '/rows/1/activity',
    ])
    expect(unknown.body.errors[1]!.message).toContain('ghosts')
    expect(unknown.body.errors[1]!.message).not.toContain('customer')
    expect(shown.body.rows).toEqual(
      (await desk.get<{ rows: unknown[] }>(`/sms/raci/document/${doc.id}`)).body.rows,
    )

    // the editor's choices: documents and who can be named, for SMS managers only
    const options = await manager.get<{
      documents: { id: string }[]
      parties: { id: string; type: string }[]
    }>('/sms/raci-options')
    expect(options.status).toBe(200)
    expect(options.body.documents.map((d) => d.id)).toContain(doc.id)
    expect(options.body.parties).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'cab', type: 'group' }),
        expect.objectContaining({ id: 'smsmgr', type: 'person' }),
        expect.objectContaining({ id: 'customer', type: 'role' }),
      ]),
    )
    expect((await desk.get('/sms/raci-options')).status).toBe(403)
  })

  test('auditors read the registers but cannot write any of them', async () => {
    const attempts: [string, string, unknown][] = [
      [
        'post',
        '/sms/risks',
        {
          title: 'x',
          category: 'sms',
          likelihood: 1,
          impact: 1,
          owner: 'auditor',
          treatmentOption: 'accept',
        },
      ],
      [
        'post',
        '/sms/parties',
        { process: 'x', part: 'x', partyType: 'customer', party: 'x', owner: 'auditor' },
      ],
      ['post', '/sms/competence/competences', { id: 'x', name: 'x' }],
      ['put', '/sms/competence/roles/cab', { competences: [] }],
      ['put', '/sms/raci/document/DOC-000001', { rows: [] }],
    ]
    for (const [method, path, body] of attempts) {
      const res = method === 'post' ? await auditor.post(path, body) : await auditor.put(path, body)
      expect(res.status, `${method} ${path}`).toBe(403)
    }
    for (const path of [
      '/sms/risks',
      '/sms/risks/heat-map',
      '/sms/parties',
      '/sms/competence',
      '/sms/raci',
    ]) {
      expect((await auditor.get(path)).status, path).toBe(200)
    }
  })
})
