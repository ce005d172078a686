/**
 * Demo data of information security incidents (ISO/IEC 20000-1 6.6.3, 8.1) for a first start:
 * a phishing e-mail that captured a member of staff's password, recorded as an incident of the
 * E-mail service classified as a security incident (priority 2), handled by the information
 * security group (category unauthorised access, containment, information affected, not reported
 * to the authorities: no personal data left the organisation) and closed within the E-mail SLA's
 * priority 2 resolution target (8 hours): contained 2 hours after it was reported, closed after 5,
 * so the demo's resolution targets stay met (a demo shows the procedure working; the SLA tests
 * show breaches). Past work is inserted
 * as records with their evidence (no procedure runs for it); runs only while no security incident
 * exists and the catalogue is seeded.
 */
import type { Kysely } from 'kysely'
import { nextReference } from '../cases/references'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'
import { SecurityIncidentCategory } from '../security/security-model'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** The demo security incident's title (tests find it by it). */
export const DEMO_SECURITY_INCIDENT_TITLE = 'Phishing e-mail captured a password'

export async function seedSecurityIncident(deps: {
  db: Kysely<DB>
  audit: AuditSink
  now: () => Date
}): Promise<boolean> {
  const { db, audit } = deps
  const existing = await db
    .selectFrom('security_incidents')
    .select('incident_id')
    .limit(1)
    .executeTakeFirst()
  if (existing) return false
  const email = await db
    .selectFrom('services')
    .select('id')
    .where('name', '=', 'E-mail')
    .executeTakeFirst()
  if (!email) return false
  const today = deps.now().getTime()
  const opened = new Date(today - 12 * DAY)
  const handled = new Date(opened.getTime() + 2 * HOUR)
  const closed = new Date(opened.getTime() + 5 * HOUR)

  await db.transaction().execute(async (tx) => {
    const id = await nextReference(tx, 'INC')
    const data = {
      description:
        'A member of Finance entered their password on a page reached from a phishing e-mail; the account sent 40 more phishing e-mails before it was locked.',
      impact: 2,
      urgency: 1,
      category: 'security',
      securityIncident: true,
      channel: 'email',
      classificationNotes: 'Account compromise: information security incident (6.6.3).',
      diagnosis: 'Credential phishing; the e-mail filter did not know the sending domain.',
      resolution:
        'Account locked, password reset with a second factor, the 40 e-mails recalled, the domain blocked.',
      resolutionCode: 'fixed',
      resolutionConfirmed: true,
      closureCode: 'confirmed',
    }
    const row = {
      id,
      kind: 'incident',
      status: 'closed',
      title: DEMO_SECURITY_INCIDENT_TITLE,
      priority: 2,
      service_id: email.id,
      assigned_group: 'information-security',
      requester: 'desk',
      created_by: 'desk',
      created_at: opened,
      updated_at: closed,
      closed_at: closed,
    }
    await tx
      .insertInto('cases')
      .values({ ...row, data: JSON.stringify(data) })
      .execute()
    await audit.append(
      {
        actor: 'desk',
        action: 'incident.created',
        entityType: 'incident',
        entityId: id,
        after: { ...row, data },
      },
      tx,
    )
    const handling = {
      informationAffected:
        'One mailbox (Finance): read access for 40 minutes; the address book used to send phishing e-mails.',
      containment:
        'Account locked, sessions revoked, password reset, sending domain blocked at the filter.',
      personalData: false,
      lessons:
        'Add the reported domains to the filter the same day; phishing exercise for Finance.',
    }
    const security = {
      incident_id: id,
      process_instance_key: null,
      status: 'handled',
      notified_groups: ['information-security'],
      category: SecurityIncidentCategory.UnauthorisedAccess,
      handling: JSON.stringify(handling),
      reported_to_authorities: false,
      authority: null,
      authority_reference: null,
      reported_at: null,
      handled_by: 'secmgr',
      opened_at: opened,
      handled_at: handled,
    }
    await tx.insertInto('security_incidents').values(security).execute()
    await audit.append(
      {
        actor: 'secmgr',
        action: 'security-incident.handled',
        entityType: 'incident',
        entityId: id,
        after: { ...security, handling },
      },
      tx,
    )
  })
  return true
}
