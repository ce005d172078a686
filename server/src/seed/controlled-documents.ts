/**
 * Demo controlled documents for a first start (ISO/IEC 20000-1 4.3.2 with 6.1, 7.2, 9.2, 9.3):
 * one document per SLA (its targets as agreed), the service catalogue, each supplier contract,
 * the change policy, the release policy and the priority matrix (pointing at its DMN), each
 * written by an SMS manager, approved by the other and effective since a month ago. Runs through
 * the same service as the API (evidence for every step) and only for subjects that have no
 * document yet, so an installation seeded before controlled documents existed gets them too.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'
import type { NotificationService } from '../notifications/notification.service'
import { createSmsServices } from '../sms/index'
import type { ChangePolicyData } from '../sms/documents/controlled-model'
import { documentTargets } from '../sms/documents/controlled-issue'
import type { CreateDocumentInput } from '../sms/documents/document-rows'

const DAY = 86_400_000

/**
 * The demo change policy (9.2): standard changes are pre-approved and announced half a working
 * day ahead; normal changes go to the CAB and are planned at least a day (low risk) to ten days
 * (extensive risk) ahead, two days while their risk is not assessed; emergency changes go to the
 * emergency CAB with no lead time.
 */
export const demoChangePolicy: ChangePolicyData = {
  changeClasses: {
    standard: {
      approverGroup: null,
      leadTimeHours: 4,
      description: 'Pre-approved model of the standard change catalogue; announced 4 h ahead',
    },
    normal: {
      approverGroup: 'cab',
      leadTimeHours: 48,
      leadTimeHoursByRisk: { low: 24, medium: 48, high: 120, extensive: 240 },
      description:
        'Assessed and approved by the CAB; planned 1 day (low risk) to 10 days (extensive risk) ahead',
    },
    emergency: {
      approverGroup: 'cab',
      leadTimeHours: 0,
      description: 'Emergency CAB; no lead time: the change restores or protects a service now',
    },
  },
  classificationDecision: 'change-classification',
  serviceTransition: { stepDays: 10 },
}
const author = 'smsmgr'
const approver = 'smsmgr2'

export async function seedControlledDocuments(deps: {
  db: Kysely<DB>
  audit: AuditSink
  notifications: NotificationService
  now: () => Date
}): Promise<number> {
  const { db } = deps
  const managers = await db
    .selectFrom('users')
    .select('username')
    .where('username', 'in', [author, approver])
    .execute()
  if (managers.length < 2) return 0
  const taken = new Set(
    (
      await db
        .selectFrom('sms_documents')
        .select('subject')
        .where('subject', 'is not', null)
        .execute()
    ).map((r) => r.subject),
  )
  let at = deps.now().getTime() - 31 * DAY
  const sms = createSmsServices({ ...deps, now: () => new Date(at) })
  let count = 0
  const issue = async (input: CreateDocumentInput) => {
    if (!input.subject || taken.has(input.subject)) return
    const { id } = await sms.documents.create({ reviewIntervalDays: 365, ...input }, author)
    if (input.kind !== 'decision') {
      await sms.documents.submit(id, author)
      at += 1000
      await sms.documents.approve(id, approver, 'Agreed and fit for issue')
      // demo history: the groups concerned were told back then, not again on this start
      await sms.documents.makeEffective(id, author, { notify: false })
    }
    count++
  }

  const slas = await db
    .selectFrom('slas')
    .select(['id', 'name', 'data'])
    .where('status', '!=', 'draft')
    .orderBy('id')
    .execute()
  for (const s of slas) {
    const data = s.data as {
      targets?: Record<string, { responseMinutes: number; resolutionMinutes: number }>
    }
    if (!data.targets) continue
    await issue({
      kind: 'sla',
      title: s.name,
      subject: `sla:${s.id}`,
      content: `# ${s.name}\nThe response and resolution targets per priority agreed with the customer (6.1).`,
      data: { slaId: s.id, targets: data.targets, serviceHours: 'Mon–Fri 08:00–18:00' },
    })
  }

  const services = await db
    .selectFrom('services')
    .select(['id', 'name', 'description'])
    .where('status', '!=', 'pipeline')
    .orderBy('id')
    .execute()
  const items = await db.selectFrom('catalogue_items').select(['service_id', 'name']).execute()
  if (services.length) {
    await issue({
      kind: 'service-catalogue',
      title: 'Service catalogue',
      subject: 'service-catalogue',
      content: '# Service catalogue\nThe services we deliver and what customers may request (6.1).',
      data: {
        catalogue: services.map((s) => ({
          serviceId: s.id,
          name: s.name,
          description: s.description,
          requestItems: items.filter((i) => i.service_id === s.id).map((i) => i.name),
        })),
      },
    })
  }

  const contracts = await db
    .selectFrom('contracts')
    .select(['id', 'supplier_id', 'title', 'data'])
    .orderBy('id')
    .execute()
  for (const c of contracts) {
    await issue({
      kind: 'contract',
      title: c.title,
      subject: `contract:${c.id}`,
      content: `# ${c.title}\nThe agreed scope, targets and obligations of the supplier (7.2).`,
      data: {
        contractId: c.id,
        supplierId: c.supplier_id,
        // the targets agreed in the contract (its record's service targets)
        targets: documentTargets((c.data as { serviceTargets?: unknown }).serviceTargets),
        obligations: [
          'Monthly service report',
          'Notify incidents affecting our services within 1 h',
        ],
      },
    })
  }

  await issue({
    kind: 'change-policy',
    title: 'Change management policy',
    subject: 'change-policy',
    content:
      '# Change management policy\nChanges are classified by the change classification decision; who approves each class and the lead time before a change may start, by class and assessed risk, are set here (9.2).\n\n| Class | Approved by | Lead time |\n|---|---|---|\n| Standard | pre-approved model | 4 h |\n| Normal | CAB | low risk 24 h, medium 48 h, high 120 h, extensive 240 h; 48 h until assessed |\n| Emergency | emergency CAB | none |\n\nEach step of a service design and transition (plan, design, review, report) is escalated when not done within 10 days (5.2).',
    data: demoChangePolicy,
  })
  await issue({
    kind: 'release-policy',
    title: 'Release and deployment policy',
    subject: 'release-policy',
    content:
      '# Release and deployment policy\nReleases implement approved changes, are accepted against their criteria and measured in early life support (9.3).',
    data: {
      release: {
        approverGroup: 'release-managers',
        requireAcceptance: true,
        maxIncidentsAfterDeployment: 0,
        earlyLifeSupportDays: 14,
      },
    },
  })
  await issue({
    kind: 'decision',
    title: 'Priority matrix',
    subject: 'decision:priority-matrix-drg',
    content: '',
  })
  return count
}
