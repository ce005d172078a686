/**
 * Demo data of the management system for a first start (ISO/IEC 20000-1 clause 4): a plausible
 * year — the policy, objectives, scope and service management plan written, approved by a second
 * SMS manager and effective since last year, the policy distributed and partly acknowledged; a
 * few risks, one of them reviewed; competences per role with training records and one gap; an
 * OLA with the network team measured; RACIs. Runs through the same services as the API (so every
 * record has its evidence), with a clock that walks through the year, and only while the
 * register is empty and the demo SMS managers exist.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'
import type { NotificationService } from '../notifications/notification.service'
import { createSmsServices } from '../sms/index'
import { planSections } from '../sms/documents/document-model'

const DAY = 86_400_000
const author = 'smsmgr'
const approver = 'smsmgr2'

export async function seedSms(deps: {
  db: Kysely<DB>
  audit: AuditSink
  notifications: NotificationService
  now: () => Date
}): Promise<boolean> {
  const { db } = deps
  if (await db.selectFrom('sms_documents').select('id').limit(1).executeTakeFirst()) return false
  const managers = await db
    .selectFrom('users')
    .select('username')
    .where('username', 'in', [author, approver])
    .execute()
  if (managers.length < 2) return false

  // a clock that starts eleven months ago and is moved forward as the year's events happen
  const today = deps.now().getTime()
  let at = today - 330 * DAY
  const sms = createSmsServices({ ...deps, now: () => new Date(at) })
  const issue = async (input: Parameters<typeof sms.documents.create>[0]) => {
    const { id } = await sms.documents.create(input, author)
    await sms.documents.submit(id, author)
    at += DAY
    await sms.documents.approve(id, approver, 'Reviewed against the standard')
    await sms.documents.makeEffective(id, author)
    return id
  }

  const policy = await issue({
    kind: 'policy',
    title: 'Service management policy',
    reviewIntervalDays: 365,
    content: [
      '# Service management policy',
      'Top management commits to an SMS that meets the service requirements agreed with our customers and ISO/IEC 20000-1.',
      '- Services are delivered to the agreed service levels and continually improved (4.5.5).',
      '- Every change goes through change management; major changes through design and transition (5, 9.2).',
      '- Risks to the services are assessed and treated (4.5.2 j, 6.6).',
    ].join('\n'),
  })
  at += 2 * DAY
  await sms.documents.distribute(policy, { roles: ['staff'] }, author)
  for (const u of ['desk', 'change', 'cab', 'network']) {
    at += 3 * DAY
    await sms.documents.acknowledge(policy, u)
  }
  const objectives = await issue({
    kind: 'objectives',
    title: 'Service management objectives',
    reviewIntervalDays: 180,
    data: {
      objectives: [
        {
          title: 'Resolve incidents within their targets',
          measure: 'Resolution targets met, last 30 days',
          target: 95,
          unit: '%',
          direction: 'at-least',
          owner: author,
          metric: 'sla-met-percent',
        },
        {
          title: 'Keep major incidents rare',
          measure: 'Major incidents declared, last 30 days',
          target: 1,
          unit: 'count',
          direction: 'at-most',
          owner: 'topmgmt',
          metric: 'major-incidents',
        },
        {
          title: 'Customer satisfaction',
          measure: 'Average rating of the quarterly survey',
          target: 4,
          unit: 'of 5',
          direction: 'at-least',
          owner: 'topmgmt',
        },
      ],
    },
  })
  await issue({
    kind: 'scope',
    title: 'Scope of the SMS',
    data: {
      services: ['E-mail', 'Network', 'Service desk'],
      organisationUnits: ['IT operations', 'Service desk'],
      locations: ['Headquarters', 'Data centre'],
      exclusions: 'Development of business applications is outside the SMS.',
    },
  })
  const planText: Record<string, string> = Object.fromEntries(
    Object.entries(planSections).map(([k, title]) => [
      k,
      `${title}: see the ${k === 'a' ? 'objectives document' : 'register and procedures'} in this product.`,
    ]),
  )
  planText.a = `The objectives of document ${objectives}.`
  planText.j =
    'Risks are recorded in the risk register, reviewed monthly by their owners; risks scoring 15 or more need a treatment approved by top management.'
  const plan = await issue({
    kind: 'plan',
    title: 'Service management plan',
    reviewIntervalDays: 365,
    data: { sections: planText },
  })
  const ola = await issue({
    kind: 'agreement',
    title: 'OLA: network team',
    content:
      'The network team resolves network incidents assigned to it: 95% within 8 hours, P1 within 4 hours.',
  })

  at += 20 * DAY
  await sms.parties
    .create(
      {
        process: 'incident',
        part: 'Second-line resolution of network incidents',
        partyType: 'internal-group',
        party: 'network',
        owner: author,
        agreementDocumentId: ola,
        governance:
          'Monthly OLA review with the network team lead; results into the management review.',
        targets: [{ name: 'Resolved within 8 h', target: 95, unit: '%', direction: 'at-least' }],
      },
      author,
    )
    .then((p) =>
      sms.parties.measure(
        p.id,
        { name: 'Resolved within 8 h', value: 96.2, period: 'last quarter' },
        author,
      ),
    )

  const risk = (
    title: string,
    category: 'service' | 'sms' | 'security' | 'continuity',
    likelihood: number,
    impact: number,
    owner: string,
    treatment: string,
    services: string[] = [],
  ) =>
    sms.risks.create(
      {
        title,
        category,
        likelihood,
        impact,
        owner,
        treatmentOption: 'reduce',
        treatment,
        reviewIntervalDays: 90,
        // reviewed last quarter: the next reviews fall in the coming months
        nextReviewAt: new Date(today + (45 + likelihood * impact) * DAY).toISOString(),
        links: { services },
      },
      author,
    )
  const outage = await risk(
    'Data centre power outage',
    'continuity',
    2,
    5,
    author,
    'Second feed and generator test twice a year',
  )
  await risk(
    'Only one engineer knows the core network',
    'sms',
    4,
    3,
    approver,
    'Cross-training, see the competence matrix',
  )
  await risk(
    'Phishing leads to account takeover',
    'security',
    3,
    4,
    author,
    'MFA for all staff, awareness training',
  )
  await risk(
    'Mail supplier misses its availability target',
    'service',
    3,
    3,
    'supplier',
    'Quarterly supplier review (7.2)',
  )
  at = today - 20 * DAY
  await sms.risks.recordReview(
    outage.id,
    {
      likelihood: 2,
      impact: 4,
      status: 'treating',
      notes: 'Generator tested; impact lower with the second feed.',
    },
    author,
    null,
  )

  await sms.competence.createCompetence(
    {
      id: 'change-assessment',
      name: 'Change risk assessment',
      description: 'Assessing RFCs for risk and impact (9.2)',
    },
    author,
  )
  await sms.competence.createCompetence(
    {
      id: 'major-incident-management',
      name: 'Major incident management',
      description: 'Leading major incidents (8.1)',
    },
    author,
  )
  await sms.competence.createCompetence(
    {
      id: 'iso20000-foundation',
      name: 'ISO/IEC 20000 foundation',
      description: 'The SMS and its requirements',
    },
    author,
  )
  await sms.competence.setRoleRequirements('cab', ['change-assessment'], author)
  await sms.competence.setRoleRequirements(
    'lead:service-desk',
    ['major-incident-management'],
    author,
  )
  await sms.competence.setRoleRequirements('sms-managers', ['iso20000-foundation'], author)
  const done = (username: string, competenceId: string, title: string, achievedAt: string) =>
    sms.competence.addRecord(
      {
        username,
        competenceId,
        kind: 'training',
        title,
        status: 'completed',
        achievedAt,
        evidence: 'Certificate on file',
      },
      author,
    )
  const year = new Date(at).getUTCFullYear()
  await done('change', 'change-assessment', 'Change assessment workshop', `${year - 1}-11-12`)
  await done('desk', 'major-incident-management', 'Major incident course', `${year - 1}-09-03`)
  await done(author, 'iso20000-foundation', 'ISO/IEC 20000 Foundation', `${year - 1}-05-20`)
  await done(approver, 'iso20000-foundation', 'ISO/IEC 20000 Foundation', `${year - 1}-05-20`)
  // the CAB member "cab" has training planned: the matrix shows the gap until it is done
  await sms.competence.addRecord(
    {
      username: 'cab',
      competenceId: 'change-assessment',
      kind: 'training',
      title: 'Change assessment workshop',
      status: 'planned',
      plannedFor: new Date(today + 30 * DAY).toISOString().slice(0, 10),
    },
    author,
  )

  const docRaci = [
    {
      activity: 'Write and maintain',
      responsible: [author],
      accountable: 'top-management',
      consulted: ['sms-managers'],
      informed: ['staff'],
    },
    {
      activity: 'Approve',
      responsible: [approver],
      accountable: 'top-management',
      consulted: [],
      informed: ['sms-managers'],
    },
  ]
  for (const id of [policy, plan]) await sms.raci.set('document', id, docRaci, author)
  const processRaci = {
    incident: [
      {
        activity: 'Record and classify',
        responsible: ['service-desk'],
        accountable: 'smsmgr',
        consulted: [],
        informed: ['customer'],
      },
      {
        activity: 'Resolve',
        responsible: ['service-desk', 'network'],
        accountable: 'smsmgr',
        consulted: ['problem-managers'],
        informed: ['customer'],
      },
    ],
    change: [
      {
        activity: 'Assess',
        responsible: ['change-managers'],
        accountable: 'change',
        consulted: ['cab'],
        informed: ['service-desk'],
      },
      {
        activity: 'Approve',
        responsible: ['cab'],
        accountable: 'change',
        consulted: ['top-management'],
        informed: ['service-desk'],
      },
    ],
  }
  for (const [process, rows] of Object.entries(processRaci)) {
    try {
      await sms.raci.set('process', process, rows, author)
    } catch {
      // processes are not deployed in this start (DEPLOY_PROCESSES=false): no process RACI
    }
  }
  return true
}
