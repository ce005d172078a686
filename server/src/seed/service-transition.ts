/**
 * Demo data of the design and transition of new or changed services (ISO/IEC 20000-1 clause 5)
 * for a first start: the self-service password reset of the Identity and access service, a
 * change with potential major impact (RFC, closed implemented) and its service design and
 * transition (SDT, closed transitioned): the plan (5.2), the design accepted at the gate with the
 * customer (5.3) and the report of the outcome against the acceptance criteria (5.4), linked
 * `raised-from` the change. Past work is inserted as records with their evidence (no procedure
 * runs for it); runs only while no service design and transition exists and the catalogue is
 * seeded.
 */
import type { Kysely } from 'kysely'
import { nextReference } from '../cases/references'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'

const DAY = 86_400_000

export async function seedServiceTransition(deps: {
  db: Kysely<DB>
  audit: AuditSink
  now: () => Date
}): Promise<boolean> {
  const { db, audit } = deps
  const existing = await db
    .selectFrom('cases')
    .select('id')
    .where('kind', '=', 'service-transition')
    .limit(1)
    .executeTakeFirst()
  if (existing) return false
  const identity = await db
    .selectFrom('services')
    .select('id')
    .where('name', '=', 'Identity and access')
    .executeTakeFirst()
  if (!identity) return false
  const today = deps.now().getTime()
  const when = (daysAgo: number) => new Date(today - daysAgo * DAY)

  await db.transaction().execute(async (tx) => {
    const insertCase = async (
      kind: 'change' | 'service-transition',
      title: string,
      group: string,
      data: Record<string, unknown>,
      created: Date,
      closed: Date,
      id: string,
    ) => {
      const row = {
        id,
        kind,
        status: 'closed',
        title,
        service_id: identity.id,
        assigned_group: group,
        created_by: kind === 'change' ? 'change' : 'system:start-service-transition',
        created_at: created,
        updated_at: closed,
        closed_at: closed,
      }
      await tx
        .insertInto('cases')
        .values({ ...row, data: JSON.stringify(data) })
        .execute()
      await audit.append(
        {
          actor: row.created_by,
          action: `${kind}.created`,
          entityType: kind,
          entityId: id,
          after: { ...row, data },
        },
        tx,
      )
      return id
    }
    const plan = {
      requirements:
        'Staff reset their own passwords at any hour, without calling the service desk.',
      responsibilities:
        'Change manager: plan and transition; identity team: build; service desk: operation and support.',
      otherParties:
        'The identity platform supplier configures the reset module under its contract.',
      communication: 'All staff told by e-mail two weeks ahead; service desk briefed a week ahead.',
      resources: 'Two identity engineers for four weeks, one tester, the supplier for two days.',
      budget: '12 000 EUR one-off, 150 EUR a month.',
      timescales: 'Design in week 1, build weeks 2-3, pilot week 4, go-live week 5.',
      risks: 'Account takeover through weak recovery questions (high): second factor required.',
      dependencies: 'Identity and access, E-mail (reset links).',
      testApproach: 'Functional and security tests; pilot with 30 staff of Finance.',
      acceptanceCriteria: 'Resets succeed for at least 95 % of attempts; no security finding open.',
      expectedOutcomes: 'Password calls to the service desk down by 40 % in the first quarter.',
      smsImpact: 'Service request catalogue and the SLA of Identity and access updated.',
    }
    const design = {
      designDocument:
        'Reset portal on the identity platform with a second factor by SMS; desk trained on support.',
      slaChanges: 'SLA of Identity and access: self-service reset available 24x7, 99.5 %.',
      catalogueChanges: 'Catalogue entry of Identity and access names the self-service reset.',
      contractChanges: 'Supplier contract covers the reset module.',
      cmdbChanges: 'New CI: reset portal.',
      continuityChanges: 'Reset portal added to the continuity plan of Identity and access.',
    }
    const changeId = await nextReference(tx, 'RFC')
    const transitionId = await nextReference(tx, 'SDT')
    await insertCase(
      'change',
      'Introduce self-service password reset',
      'change-managers',
      {
        scope: 'Self-service password reset for all staff.',
        changeType: 'normal',
        changeNature: 'service-change',
        majorImpact: true,
        plan: `Requirements: ${plan.requirements}\nBudget: ${plan.budget}\nTimescales: ${plan.timescales}`,
        design: `Design: ${design.designDocument}\nSLAs: ${design.slaChanges}`,
        acceptanceCriteria: `Acceptance criteria: ${plan.acceptanceCriteria}`,
        testPlan: plan.testApproach,
        cabApproved: true,
        decisionRationale: 'Design accepted with the customer; benefit outweighs the risk.',
        objectivesMet: true,
        reviewNotes: 'Implemented as planned.',
        closureCode: 'confirmed',
        serviceTransitionId: transitionId,
      },
      when(70),
      when(20),
      changeId,
    )
    await insertCase(
      'service-transition',
      'Design and transition: Introduce self-service password reset',
      'change-managers',
      {
        changeId,
        transitionType: 'changed-service',
        scope: 'Self-service password reset for all staff.',
        ...plan,
        ...design,
        designAccepted: true,
        reviewedBy: 'Cam CAB-Member (CAB), Cora Customer (customer, Northwind Traders)',
        customerAccepted: true,
        reviewNotes: 'Accepted once the second factor was added to the design.',
        criteriaMet: 'met',
        outcomeReport:
          'Resets succeeded for 97 % of attempts; no security finding; password calls down 45 % after a month.',
        deviations: 'Go-live one week late (supplier availability).',
        lessonsLearned: 'Book the supplier when the plan is approved.',
        closureCode: 'transitioned',
      },
      when(70),
      when(15),
      transitionId,
    )
    await tx
      .insertInto('case_links')
      .values({
        from_kind: 'service-transition',
        from_id: transitionId,
        to_kind: 'change',
        to_id: changeId,
        link_type: 'raised-from',
        created_by: 'system:start-service-transition',
      })
      .execute()
  })
  return true
}
