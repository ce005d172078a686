/**
 * Customers told of changed service terms (ISO/IEC 20000-1 7.1 business relationship, 6.1
 * service level management, 4.3.2 b): when a version of an SLA or of the service catalogue takes
 * effect, the contacts of the customer organisations that take an affected service (users of the
 * organisation, `customer_organisations.services`) get a notification each (in-app, and mailed
 * when SMTP is configured), in the transaction that makes the version effective, with an evidence
 * entry naming the services and the people told. Affected: the SLA's service; for the catalogue,
 * the services whose entry the version adds, changes or removes against the version it replaces.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema'
import type { AuditSink } from '../../evidence/audit-sink'
import type { NotificationService } from '../../notifications/notification.service'
import { Template } from '../../notifications/templates'
import type { CatalogueDocumentData, CatalogueEntry } from './controlled-model'
import type { DocRow, VersionRow } from './document-rows'

/** The services a version changes the terms of. */
async function affectedServices(tx: Kysely<DB>, doc: DocRow, v: VersionRow): Promise<string[]> {
  if (doc.kind === 'sla' && doc.subject?.startsWith('sla:')) {
    const sla = await tx
      .selectFrom('slas')
      .select('service_id')
      .where('id', '=', doc.subject.slice('sla:'.length))
      .executeTakeFirst()
    return sla?.service_id ? [sla.service_id] : []
  }
  if (doc.subject !== 'service-catalogue' || !v.data) return []
  const entries = (data: unknown) =>
    new Map(
      ((data as CatalogueDocumentData | null)?.catalogue ?? []).map((e: CatalogueEntry) => [
        e.serviceId,
        JSON.stringify(e),
      ]),
    )
  const now = entries(v.data)
  const before =
    doc.effective_version === null
      ? new Map<string, string>()
      : entries(
          (
            await tx
              .selectFrom('sms_document_versions')
              .select('data')
              .where('document_id', '=', doc.id)
              .where('version', '=', doc.effective_version)
              .executeTakeFirst()
          )?.data ?? null,
        )
  const ids = new Set([...now.keys(), ...before.keys()])
  return [...ids].filter((id) => now.get(id) !== before.get(id)).sort()
}

/**
 * Tells the customer contacts of the services `v` changes that it takes effect (in `tx`);
 * returns who was told. Nothing for other documents or when no customer takes the services.
 */
export async function noticeToCustomers(
  tx: Kysely<DB>,
  deps: { audit: AuditSink; notifications: NotificationService },
  doc: DocRow,
  v: VersionRow,
  actor: string,
  effectiveAt: Date,
): Promise<string[]> {
  const services = await affectedServices(tx, doc, v)
  if (!services.length) return []
  const contacts = await tx
    .selectFrom('users as u')
    .innerJoin('customer_organisations as o', 'o.id', 'u.organisation_id')
    .select(['u.username', 'o.services'])
    .where('u.active', '=', true)
    .where('o.active', '=', true)
    .orderBy('u.username')
    .execute()
  const names = new Map(
    (
      await tx.selectFrom('services').select(['id', 'name']).where('id', 'in', services).execute()
    ).map((s) => [s.id, s.name]),
  )
  const told: string[] = []
  for (const c of contacts) {
    const theirs = services.filter((s) => (c.services ?? []).includes(s))
    if (!theirs.length) continue
    await deps.notifications.enqueue(
      {
        dedupeKey: `service-terms-changed:${doc.id}:${v.version}:${c.username}`,
        recipient: c.username,
        template: Template.ServiceTermsChanged,
        context: {
          caseKind: 'sms-document',
          caseId: doc.id,
          title: doc.title,
          detail: `version ${v.version}, effective ${effectiveAt.toISOString().slice(0, 10)}, for ${theirs.map((s) => names.get(s) ?? s).join(', ')}`,
        },
      },
      tx,
    )
    told.push(c.username)
  }
  await deps.audit.append(
    {
      actor,
      action: 'sms-document.customers-notified',
      entityType: 'sms-document',
      entityId: doc.id,
      after: { version: v.version, services, recipients: told },
    },
    tx,
  )
  return told
}
