/**
 * Demo data of the business relationship (ISO/IEC 20000-1 7.1, 6.1) for a first start: the
 * definition of a complaint as a controlled document (written by an SMS manager, approved by the
 * second, effective) named in the settings; two customer organisations with the relationship
 * manager and the demo customers as contacts; a complaint handled and closed with the
 * customer's agreement; satisfaction surveys answered after closures and periodically, one open
 * for the demo customer; a service review held with its actions closed. Past work is inserted as
 * records with their evidence (no procedure runs for it); runs only while no customer
 * organisation exists and the demo users do.
 */
import type { Kysely } from 'kysely'
import { nextReference } from '../cases/references'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'
import type { NotificationService } from '../notifications/notification.service'
import { createSmsServices } from '../sms/index'
import { createRelationshipServices } from './index'

const DAY = 86_400_000
const ACTOR = 'system:seed'

export async function seedRelationship(deps: {
  db: Kysely<DB>
  audit: AuditSink
  notifications: NotificationService
  now: () => Date
}): Promise<boolean> {
  const { db, audit } = deps
  if (await db.selectFrom('customer_organisations').select('id').limit(1).executeTakeFirst()) {
    return false
  }
  const people = await db
    .selectFrom('users')
    .select('username')
    .where('username', 'in', ['relman', 'smsmgr', 'smsmgr2', 'customer', 'customer2'])
    .execute()
  if (people.length < 5) return false
  const today = deps.now().getTime()
  let at = today - 200 * DAY
  const clock = () => new Date(at)
  const sms = createSmsServices({ ...deps, now: clock })
  const rel = createRelationshipServices({ ...deps, now: clock })

  // 7.1: the definition of a complaint, agreed and recorded as a controlled document
  const { id: definition } = await sms.documents.create(
    {
      kind: 'procedure',
      title: 'Definition of a complaint',
      clauses: ['7.1'],
      reviewIntervalDays: 365,
      content: [
        '# Definition of a complaint',
        'A complaint is an expression of dissatisfaction by a customer with a service, the way it was delivered or our conduct, where a response or resolution is expected.',
        '- Not a complaint: a request for a new service or a change (a service request or an RFC), or a report of a fault (an incident).',
        '- Complaints are acknowledged at once, resolved within 10 days or escalated to top management, and closed only with the customer’s agreement.',
        'Agreed with our customers at the service review of the year.',
      ].join('\n'),
    },
    'smsmgr',
  )
  await sms.documents.submit(definition, 'smsmgr')
  at += DAY
  await sms.documents.approve(definition, 'smsmgr2', 'Agreed with the customers')
  await sms.documents.makeEffective(definition, 'smsmgr')
  await rel.settings.update({ complaintDefinitionDocumentId: definition }, 'smsmgr')

  const services = await db.selectFrom('services').select(['id', 'name']).execute()
  const svc = (name: string) => services.filter((s) => s.name === name).map((s) => s.id)
  at += DAY
  const northwind = await rel.customers.create(
    {
      name: 'Northwind Traders',
      relationshipManager: 'relman',
      services: [...svc('ERP'), ...svc('E-mail')],
      reviewIntervalDays: 90,
      nextReviewAt: new Date(today + 30 * DAY).toISOString(),
      notes: 'Finance and logistics users; quarterly service reviews.',
    },
    'relman',
  )
  const contoso = await rel.customers.create(
    {
      name: 'Contoso Logistics',
      relationshipManager: 'relman',
      services: svc('Network'),
      reviewIntervalDays: 180,
      nextReviewAt: new Date(today + 60 * DAY).toISOString(),
    },
    'relman',
  )
  await rel.customers.setContact(northwind.id, 'customer', true, 'relman')
  await rel.customers.setContact(contoso.id, 'customer2', true, 'relman')

  await db.transaction().execute(async (tx) => {
    const when = (daysAgo: number) => new Date(today - daysAgo * DAY)
    const insertCase = async (
      kind: string,
      prefix: string,
      row: { title: string; requester?: string; serviceId?: string; assignee: string },
      data: Record<string, unknown>,
      created: Date,
      closed: Date,
    ) => {
      const id = await nextReference(tx, prefix)
      await tx
        .insertInto('cases')
        .values({
          id,
          kind,
          status: 'closed',
          title: row.title,
          requester: row.requester ?? null,
          service_id: row.serviceId ?? null,
          assignee: row.assignee,
          assigned_group: 'relationship-managers',
          created_by: row.requester ?? ACTOR,
          created_at: created,
          updated_at: closed,
          closed_at: closed,
          data: JSON.stringify(data),
        })
        .execute()
      await audit.append(
        {
          actor: ACTOR,
          action: `${kind}.created`,
          entityType: kind,
          entityId: id,
          after: { ...row, data },
        },
        tx,
      )
      return id
    }
    const erp = svc('ERP')[0]
    await insertCase(
      'complaint',
      'CMP',
      {
        title: 'Month-end invoices stuck for two days',
        requester: 'customer',
        assignee: 'relman',
        ...(erp ? { serviceId: erp } : {}),
      },
      {
        description: 'Our month-end invoice run waited two days for the ERP team; nobody told us.',
        channel: 'portal',
        complaintDefinition: `${definition} v1: Definition of a complaint`,
        complaintDue: when(30).toISOString(),
        category: 'communication',
        meetsDefinition: true,
        investigation:
          'The batch failure was fixed but the customer was not kept informed (8.1 b).',
        actionsTaken: 'Customer notification added to the ERP batch runbook; desk briefed.',
        response:
          'We are sorry: you will now be told within an hour when the invoice run is delayed.',
        customerAgreed: true,
        customerComment: 'Thanks, that helps.',
        closureCode: 'agreed',
      },
      when(40),
      when(33),
    )
    const reviewId = await insertCase(
      'service-review',
      'SVR',
      {
        title: 'Service review: ERP with Northwind Traders',
        assignee: 'relman',
        ...(erp ? { serviceId: erp } : {}),
      },
      {
        organisationId: northwind.id,
        periodFrom: when(150).toISOString(),
        periodTo: when(60).toISOString(),
        performance: {
          note: 'From the stored monthly service reports of the quarter.',
          snapshots: [],
        },
        performanceSummary:
          'Resolution targets met for 96 % of ERP incidents; one complaint on communication.',
        customerFeedback: 'Happy with the desk; month-end needs more attention.',
        requirementsChanged: false,
        minutes: 'Reviewed the quarter with Northwind finance.',
        openActions: 0,
        closureCode: 'actions-closed',
      },
      when(60),
      when(45),
    )
    for (const [title, closedAgo] of [
      ['Send month-end batch status to Northwind finance', 50],
      ['Add ERP month-end to the change calendar freeze', 46],
    ] as const) {
      const id = await nextReference(tx, 'SRA')
      await tx
        .insertInto('service_review_actions')
        .values({
          id,
          review_id: reviewId,
          title,
          owner: 'relman',
          due_at: when(closedAgo - 2),
          status: 'closed',
          outcome: 'Done',
          closed_by: 'relman',
          closed_at: when(closedAgo),
          created_at: when(60),
        })
        .execute()
      await audit.append(
        {
          actor: ACTOR,
          action: 'service-review.action-recorded',
          entityType: 'service-review',
          entityId: reviewId,
          after: { id, title },
        },
        tx,
      )
    }
    // 7.1: satisfaction measured after closures and periodically; one survey still open
    const surveys: [string, string, string, number, number | null, string | null][] = [
      ['customer', northwind.id, 'periodic', 95, 4, 'Good service overall.'],
      ['customer', northwind.id, 'case-closure', 33, 4, 'Complaint handled well.'],
      ['customer2', contoso.id, 'periodic', 80, 3, null],
      ['customer2', contoso.id, 'case-closure', 20, 2, 'Took three days to fix the Wi-Fi.'],
      ['customer', northwind.id, 'periodic', 2, null, null],
    ]
    for (const [username, org, trigger, sentAgo, score, comment] of surveys) {
      const id = await nextReference(tx, 'CSAT')
      await tx
        .insertInto('satisfaction_surveys')
        .values({
          id,
          username,
          organisation_id: org,
          trigger,
          sent_at: when(sentAgo),
          answered_at: score === null ? null : when(sentAgo - 1),
          score,
          comment,
        })
        .execute()
      await audit.append(
        {
          actor: ACTOR,
          action: 'satisfaction-survey.sent',
          entityType: 'satisfaction-survey',
          entityId: id,
          after: { username, trigger, score },
        },
        tx,
      )
    }
  })
  return true
}
