/**
 * Demo data for the management system (ISO/IEC 20000-1 4.5.4), seeded with the demo users on a
 * first start when no internal audit exists yet: a plausible year with an audit programme whose
 * audits are done and whose findings are closed and verified, declared auditor areas, and a held
 * management review with its actions, one closed and one carried over. They are records of past
 * work (no procedure runs for them); each gets its evidence entry in the same transaction.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'
import { nextReference } from '../cases/references'

const ACTOR = 'system:seed'

export async function seedSmsAudit(deps: {
  db: Kysely<DB>
  audit: AuditSink
  now: Date
}): Promise<void> {
  const { db, audit, now } = deps
  // the demo year lies behind today: events counted in days before now
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86_400_000)
  const year = at(120).getUTCFullYear()
  const form = (d: Date) => d.toISOString().slice(0, 16)
  await db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('cases')
      .select('id')
      .where('kind', '=', 'internal-audit')
      .limit(1)
      .executeTakeFirst()
    if (existing) return
    const users = await tx
      .selectFrom('users')
      .select('username')
      .where('username', 'in', ['iaudit', 'iaudit2', 'smsmgr', 'problem'])
      .execute()
    if (users.length < 4) return // demo users not seeded: no demo year either

    const insert = async (
      kind: string,
      prefix: string,
      row: {
        title: string
        status: string
        assignee?: string
        group?: string
        data: Record<string, unknown>
        created: Date
        closed?: Date
      },
    ) => {
      const id = await nextReference(tx, prefix)
      await tx
        .insertInto('cases')
        .values({
          id,
          kind,
          status: row.status,
          title: row.title,
          assignee: row.assignee ?? null,
          assigned_group: row.group ?? 'sms-managers',
          created_by: ACTOR,
          created_at: row.created,
          updated_at: row.closed ?? row.created,
          closed_at: row.closed ? row.closed : null,
          data: JSON.stringify(row.data),
        })
        .execute()
      await audit.append(
        {
          actor: ACTOR,
          action: `${kind}.created`,
          entityType: kind,
          entityId: id,
          after: { ...row, id },
        },
        tx,
      )
      return id
    }

    await tx
      .insertInto('sms_auditor_areas')
      .values([
        { username: 'iaudit', area: '7.2', declared_by: ACTOR },
        { username: 'iaudit', area: 'supplier-review', declared_by: ACTOR },
      ])
      .execute()

    const a1 = await insert('internal-audit', 'IA', {
      title: `Operational processes ${year}`,
      status: 'closed',
      assignee: 'iaudit',
      created: at(120),
      closed: at(75),
      data: {
        year,
        clauses: ['8.1', '8.2'],
        processes: 'incident, problem',
        basis: 'High importance (customer facing); minor nonconformity on 8.2 last year.',
        scope: 'Incident and problem management at the service desk and problem managers',
        criteria: 'ISO/IEC 20000-1 8.1, 8.2; procedures incident.bpmn, problem.bpmn',
        plannedStart: form(at(115)),
        plannedEnd: form(at(114)),
        checklist: [
          {
            clause: '8.1',
            result: 'conform',
            evidence: 'Ten incidents sampled; all classified and prioritised',
          },
          {
            clause: '8.2',
            result: 'nonconformity',
            evidence: 'Two problems without recorded workaround',
          },
        ],
        auditSummary: 'Incident management conforms; problem records incomplete.',
        nonconformities: 1,
        observations: 0,
        verification: 'Workarounds now recorded on every open problem (sampled 5).',
        report: 'One minor nonconformity (8.2), corrected and verified.',
        reportedAt: at(75).toISOString(),
      },
    })
    const f1 = await insert('audit-finding', 'AUD', {
      title: 'Problems without recorded workaround',
      status: 'closed',
      assignee: 'problem',
      group: 'problem-managers',
      created: at(110),
      closed: at(80),
      data: {
        audit: a1,
        clause: '8.2',
        findingType: 'nonconformity',
        severity: 'minor',
        description: 'Two of eight problems had a known workaround that was not recorded.',
        evidence: 'Problem records sampled during the audit',
        correctiveAction: 'Record workarounds; add a check to root cause analysis',
        actionDue: form(at(85)),
        actionNotes: 'Workarounds recorded; form field made required.',
        verified: true,
        verifiedBy: 'iaudit',
        verifiedAt: at(80).toISOString(),
      },
    })
    const a2 = await insert('internal-audit', 'IA', {
      title: `Change and release ${year}`,
      status: 'closed',
      assignee: 'iaudit2',
      created: at(70),
      closed: at(40),
      data: {
        year,
        clauses: ['9.2', '9.3'],
        processes: 'change, release',
        basis: 'Many changes this year; no earlier findings.',
        scope: 'Change and release management',
        criteria: 'ISO/IEC 20000-1 9.2, 9.3',
        plannedStart: form(at(61)),
        plannedEnd: form(at(60)),
        checklist: [
          { clause: '9.2', result: 'observation', evidence: 'CAB minutes brief' },
          { clause: '9.3', result: 'conform', evidence: 'Three releases sampled' },
        ],
        auditSummary: 'Conforms; one observation on CAB minutes.',
        nonconformities: 0,
        observations: 1,
        report: 'No nonconformity; one observation (9.2).',
        reportedAt: at(40).toISOString(),
      },
    })
    await insert('audit-finding', 'AUD', {
      title: 'CAB minutes brief',
      status: 'closed',
      assignee: 'iaudit2',
      created: at(60),
      closed: at(40),
      data: {
        audit: a2,
        clause: '9.2',
        findingType: 'observation',
        description: 'Decision rationale is recorded, but discussion of risk is brief.',
      },
    })
    const mr = await insert('management-review', 'MR', {
      title: `Management review ${year}`,
      status: 'closed',
      created: at(30),
      closed: at(5),
      data: {
        periodFrom: form(at(395)),
        periodTo: form(at(30)),
        inputsAssembledAt: at(30).toISOString(),
        attendees: [
          { name: 'Tom Top-Management', role: 'Top management' },
          { name: 'Mia SMS-Manager', role: 'SMS manager' },
        ],
        resourceDecisions: 'One more problem manager from Q3.',
        improvementDecisions:
          'Record workarounds as part of root cause analysis; richer CAB minutes.',
        minutes: 'Audits and service performance reviewed.',
        openActions: 0,
      },
    })
    await tx
      .insertInto('sms_review_actions')
      .values([
        {
          id: await nextReference(tx, 'MRA'),
          review_id: mr,
          title: 'Hire a problem manager',
          kind: 'resource',
          owner: 'smsmgr',
          due_at: at(10),
          status: 'closed',
          outcome: 'Hired; started in August.',
          closed_by: 'smsmgr',
          closed_at: at(12),
        },
        {
          id: await nextReference(tx, 'MRA'),
          review_id: mr,
          title: 'CAB minutes template with risk discussion',
          kind: 'improvement',
          owner: 'smsmgr',
          due_at: at(10),
          status: 'carried-over',
          outcome: 'Template drafted; carried over to the next review.',
          closed_by: 'smsmgr',
          closed_at: at(5),
        },
      ])
      .execute()
    await audit.append(
      {
        actor: ACTOR,
        action: 'management-review.actions-seeded',
        entityType: 'management-review',
        entityId: mr,
        after: { finding: f1 },
      },
      tx,
    )
  })
}
