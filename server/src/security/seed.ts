/**
 * Demo data of information security management (ISO/IEC 20000-1 6.6) on a first start: an
 * effective information security policy communicated to staff (one acknowledgement), two security
 * risks of the risk register, the controls register filled from the catalogue (owners, statuses,
 * implementation, linked risks; one control past its review date and one reviewed), a supplier's
 * remote access with the controls agreed. Relative to
 * today; skipped when controls exist.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { systemActor, type Actor } from '../cases/access'
import type { SmsServices } from '../sms'
import type { SecurityServices } from '.'
import { controlCatalogue, type ControlStatus } from './security-model'

const DAY = 86_400_000

const secmgr: Actor = {
  username: 'secmgr',
  roles: ['staff'],
  groups: [{ id: 'information-security' }],
}

export async function seedSecurity(deps: {
  db: Kysely<DB>
  sms: SmsServices
  security: SecurityServices
  now: () => Date
}): Promise<boolean> {
  const { db, sms, security } = deps
  if (await db.selectFrom('security_controls').select('id').limit(1).executeTakeFirst())
    return false
  const users = await db.selectFrom('users').select('username').execute()
  const has = (u: string) => users.some((x) => x.username === u)
  if (!has('secmgr') || !has('smsmgr')) return false
  const today = deps.now().getTime()

  // 6.6.1 the policy: approved by management, communicated with acknowledgement
  const policy = await sms.documents.create(
    {
      kind: 'security-policy',
      title: 'Information security policy',
      owner: 'secmgr',
      reviewIntervalDays: 365,
      content: [
        '# Information security policy',
        '',
        'Top management commits to protecting the confidentiality, integrity and availability of the information of our customers and of the services.',
        '',
        '- Information security risks are assessed at planned intervals against the criteria of the service management plan (4.5.2 j).',
        '- Controls are chosen from the register, owned by a named person and reviewed yearly.',
        '- External parties get access to information only with the controls agreed.',
        '- Every information security incident is recorded, handled and analysed; reportable ones are reported to the authorities.',
      ].join('\n'),
    },
    'secmgr',
  )
  await sms.documents.submit(policy.id, 'secmgr')
  await sms.documents.approve(policy.id, 'smsmgr', 'Approved by management')
  await sms.documents.makeEffective(policy.id, 'secmgr')
  await sms.documents.distribute(policy.id, { roles: ['staff'] }, 'secmgr')
  await sms.documents.acknowledge(policy.id, 'secmgr').catch(() => undefined)

  // 6.6.1 security risks of the register
  const phishing = await sms.risks.create(
    {
      title: 'Credential theft through phishing of service desk staff',
      category: 'security',
      likelihood: 3,
      impact: 4,
      owner: 'secmgr',
      treatmentOption: 'reduce',
      treatment: 'Multi-factor authentication for every staff account; yearly awareness training.',
      reviewIntervalDays: 90,
    },
    'smsmgr',
  )
  const supplierAccess = await sms.risks.create(
    {
      title: 'Misuse of supplier remote access to the mail server',
      category: 'security',
      likelihood: 2,
      impact: 4,
      owner: 'secmgr',
      treatmentOption: 'reduce',
      treatment: 'Named accounts, access only during agreed windows, sessions logged.',
      reviewIntervalDays: 90,
    },
    'smsmgr',
  )

  // 6.6.2 the controls register
  const plan: Record<string, { status: ControlStatus; implementation: string; risks?: string[] }> =
    {
      'A.5.1': { status: 'implemented', implementation: `Policy ${policy.id}, effective.` },
      'A.5.15': {
        status: 'implemented',
        implementation: 'Roles and groups in the platform; access reviewed quarterly.',
        risks: [supplierAccess.id],
      },
      'A.5.19': {
        status: 'partially-implemented',
        implementation: 'Security clauses in new contracts; older contracts to be amended.',
        risks: [supplierAccess.id],
      },
      'A.5.26': {
        status: 'implemented',
        implementation: 'Security incident procedure (security-incident.bpmn).',
      },
      'A.6.3': {
        status: 'partially-implemented',
        implementation: 'Awareness training for the service desk; other teams planned.',
        risks: [phishing.id],
      },
      'A.8.5': {
        status: 'implemented',
        implementation: 'Multi-factor authentication for staff accounts.',
        risks: [phishing.id],
      },
      'A.8.13': {
        status: 'implemented',
        implementation: 'Nightly backups to the second site; restore tested twice a year.',
      },
      'A.8.15': { status: 'planned', implementation: 'Central log collection to be set up.' },
    }
  const ids: Record<string, string> = {}
  for (const entry of controlCatalogue) {
    const p = plan[entry.reference]
    const c = await security.controls.create(
      {
        ...entry,
        owner: 'secmgr',
        status: p?.status ?? 'planned',
        implementation: p?.implementation ?? '',
        riskIds: p?.risks ?? [],
        reviewIntervalDays: 365,
        // one control is past its review date
        ...(entry.reference === 'A.8.8'
          ? { nextReviewAt: new Date(today - 5 * DAY).toISOString() }
          : {}),
      },
      secmgr,
    )
    ids[entry.reference] = c.id
  }
  await security.controls.review(
    ids['A.8.5']!,
    { status: 'implemented', effective: true, notes: 'No account takeover this year.' },
    secmgr,
  )

  // 6.6.2 an external party's access
  const supplier = await db.selectFrom('suppliers').select('id').limit(1).executeTakeFirst()
  await security.partyAccess.create(
    supplier
      ? {
          partyType: 'supplier',
          supplierId: supplier.id,
          information: 'Mail server (mail-server-01) and its mailboxes, for maintenance',
          access: 'Remote administrator access through the VPN during agreed windows',
          controlIds: [ids['A.5.15']!, ids['A.5.19']!, ids['A.8.5']!],
          agreedControls:
            'NDA signed; named accounts with MFA; sessions logged; access revoked at contract end.',
          validUntil: new Date(today + 365 * DAY).toISOString(),
        }
      : {
          partyType: 'other',
          partyName: 'External penetration testers',
          information: 'Public web services',
          access: 'Testing from agreed addresses',
          controlIds: [ids['A.5.15']!],
          agreedControls: 'NDA signed; test window agreed.',
          validUntil: new Date(today + 30 * DAY).toISOString(),
        },
    systemActor('demo-seed'),
  )
  // 6.6.1 the security risk assessment at planned intervals (security-risk-assessment.bpmn):
  // a first one, done (the next is due an interval after it)
  const assessment = await security.riskAssessments.openIfDue('demo-seed', 0, 'seed')
  if (assessment) {
    await security.riskAssessments.record(
      assessment,
      {
        assessment: {
          findings:
            'Phishing remains the highest security risk; supplier access is controlled by the agreed controls.',
          riskChanges: 'None',
          treatmentNeeded: true,
        },
        treatment: {
          plan: 'Phishing exercise for every department; the mail filter learns reported domains the same day.',
          actions: 'Run the phishing exercise; automate the filter update.',
          actionOwner: 'secmgr',
          actionDue: new Date(today + 60 * DAY).toISOString().slice(0, 10),
        },
      },
      'secmgr',
      'demo-seed',
    )
  }
  return true
}
