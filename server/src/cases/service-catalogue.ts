/**
 * The service catalogue as published (ISO/IEC 20000-1 6.1 with 4.3.2): what customers see and
 * may request is the `service-catalogue` controlled document's version in force at the product's
 * clock — its services, their descriptions and service hours, and the requestable items it lists
 * (by name, per service) — not whatever the records hold meanwhile — with the service levels the
 * newest agreed SLA of each service promises (targets per priority, the hours they count in). Until
 * a catalogue document is in force, the live services and all their catalogue items are the
 * catalogue.
 */
import type {
  CatalogueItem,
  PublishedCatalogue,
  PublishedService,
  PublishedServiceLevels,
} from '@shared/api/service-catalogue'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { inForce } from '../sms/documents/controlled-documents'
import type { CatalogueDocumentData } from '../sms/documents/controlled-model'
import { agreedSlaOf } from './sla-targets'

/** The published catalogue's types are the API's, shared with the portal (shared/api/service-catalogue.ts). */
export type {
  PublishedCatalogue,
  PublishedService,
  PublishedServiceLevels,
} from '@shared/api/service-catalogue'

const toItem = (r: {
  id: string
  service_id: string
  name: string
  description: string
  requires_approval: boolean
  fulfilment_group: string | null
}): CatalogueItem => ({
  id: r.id,
  serviceId: r.service_id,
  name: r.name,
  description: r.description,
  requiresApproval: r.requires_approval,
  fulfilmentGroup: r.fulfilment_group,
})

/** The service levels of a service as customers see them, or null without an agreed SLA. */
async function serviceLevelsOf(
  db: Kysely<DB>,
  serviceId: string,
  now: Date,
): Promise<PublishedServiceLevels | null> {
  const sla = await agreedSlaOf(db, serviceId, now)
  if (!sla) return null
  return {
    slaId: sla.slaId,
    name: sla.name,
    targets: Object.entries(sla.targets)
      .flatMap(([p, t]) => (t ? [{ priority: Number(p), ...t }] : []))
      .sort((a, b) => a.priority - b.priority),
    serviceHours: sla.serviceHours ?? null,
    calendar: sla.calendar ?? null,
    document: sla.document ?? null,
  }
}

/**
 * 6.1: the service catalogue in force at `now`, with the items it lets customers request and the
 * service levels agreed for each service.
 */
export async function publishedCatalogue(db: Kysely<DB>, now: Date): Promise<PublishedCatalogue> {
  const catalogue = await catalogueInForce(db, now)
  const services: PublishedService[] = []
  for (const s of catalogue.services) {
    services.push({ ...s, serviceLevels: await serviceLevelsOf(db, s.serviceId, now) })
  }
  return { ...catalogue, services }
}

/** The catalogue document's services and items in force (or the live services), without levels. */
async function catalogueInForce(
  db: Kysely<DB>,
  now: Date,
): Promise<{
  document: PublishedCatalogue['document']
  services: Omit<PublishedService, 'serviceLevels'>[]
}> {
  const items = (await db.selectFrom('catalogue_items').selectAll().orderBy('id').execute()).map(
    toItem,
  )
  const doc = await inForce<CatalogueDocumentData>(db, 'service-catalogue', now)
  if (doc && Array.isArray(doc.data.catalogue)) {
    return {
      document: { id: doc.documentId, version: doc.version, effectiveFrom: doc.effectiveFrom },
      services: doc.data.catalogue.map((e) => ({
        serviceId: e.serviceId,
        name: e.name,
        description: e.description,
        serviceHours: e.serviceHours ?? null,
        // the items the document lists by name; all the service's items when it lists none
        items: items.filter(
          (i) =>
            i.serviceId === e.serviceId && (!e.requestItems || e.requestItems.includes(i.name)),
        ),
      })),
    }
  }
  const services = await db
    .selectFrom('services')
    .select(['id', 'name', 'description'])
    .where('status', '=', 'live')
    .orderBy('id')
    .execute()
  return {
    document: null,
    services: services.map((s) => ({
      serviceId: s.id,
      name: s.name,
      description: s.description,
      serviceHours: null,
      items: items.filter((i) => i.serviceId === s.id),
    })),
  }
}

/**
 * Why a customer may not request catalogue item `itemId` now (it is not in the catalogue in
 * force), or undefined when they may.
 */
export async function unpublishedItem(
  db: Kysely<DB>,
  itemId: string,
  now: Date,
): Promise<string | undefined> {
  const catalogue = await catalogueInForce(db, now)
  if (catalogue.services.some((s) => s.items.some((i) => i.id === itemId))) return undefined
  const from = catalogue.document
    ? `the service catalogue in force (${catalogue.document.id} v${catalogue.document.version})`
    : 'the live services'
  return `catalogue item ${itemId} is not offered by ${from} (6.1)`
}
