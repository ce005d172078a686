/**
 * Demo catalogue for a first start: services with dependencies, catalogue items and SLAs (6.1),
 * configuration items with relations (9.1) and two suppliers with contracts (7.2). Runs only
 * while no service exists, through the same services as the API, so every record has evidence.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { systemActor } from '../cases/access'
import type { CaseService } from '../cases/case.service'
import type { CatalogueService } from '../cases/catalogue.service'
import type { CmdbService } from '../cases/cmdb.service'

export interface CatalogueSeedDeps {
  db: Kysely<DB>
  cases: CaseService
  cmdb: CmdbService
  catalogue: CatalogueService
}

/** What the seed created, by name, for tests and the start-up log. */
export interface SeededCatalogue {
  services: Record<string, string>
  cis: Record<string, string>
  suppliers: Record<string, string>
}

const targets = (
  p1: [number, number],
  p2: [number, number],
  p3: [number, number],
  p4: [number, number],
) =>
  Object.fromEntries(
    [p1, p2, p3, p4].map(([responseMinutes, resolutionMinutes], i) => [
      String(i + 1),
      { responseMinutes, resolutionMinutes },
    ]),
  )

/** Seeds the catalogue when no service exists; returns undefined when it did nothing. */
export async function seedCatalogue(deps: CatalogueSeedDeps): Promise<SeededCatalogue | undefined> {
  const existing = await deps.db.selectFrom('services').select('id').limit(1).executeTakeFirst()
  if (existing) return undefined
  const actor = systemActor('seed')
  const { cases, cmdb, catalogue } = deps
  const out: SeededCatalogue = { services: {}, cis: {}, suppliers: {} }

  const services = [
    {
      key: 'network',
      name: 'Network',
      description: 'LAN, WAN, Wi-Fi and internet access for all sites.',
      ownerGroup: 'network',
      data: { hours: '24x7', customers: ['All staff'] },
    },
    {
      key: 'identity',
      name: 'Identity and access',
      description: 'Single sign-on, accounts and passwords.',
      ownerGroup: 'service-desk',
      data: { hours: '24x7', customers: ['All staff'] },
    },
    {
      key: 'email',
      name: 'E-mail',
      description: 'Mailboxes, calendars and shared mailboxes.',
      ownerGroup: 'service-desk',
      data: { hours: '24x7', customers: ['All staff'] },
    },
    {
      key: 'erp',
      name: 'ERP',
      description: 'Finance, purchasing and logistics (ERP system).',
      ownerGroup: 'service-desk',
      data: { hours: 'Mon-Fri 07:00-19:00', customers: ['Finance', 'Purchasing', 'Logistics'] },
    },
    {
      key: 'desk',
      name: 'Service desk',
      description: 'Single point of contact for incidents and requests.',
      ownerGroup: 'service-desk',
      data: { hours: 'Mon-Fri 08:00-18:00', customers: ['All staff'] },
    },
  ]
  for (const s of services) {
    const { key, ...body } = s
    out.services[key] = (await cases.create('service', body, actor)).id
  }
  const svc = out.services
  const dependsOn: Record<string, string[]> = {
    identity: ['network'],
    email: ['network', 'identity'],
    erp: ['network', 'identity'],
    desk: ['email'],
  }
  for (const [key, deps] of Object.entries(dependsOn)) {
    await catalogue.setDependencies(
      svc[key]!,
      { dependencies: deps.map((d) => ({ dependsOnId: svc[d]!, dependencyType: 'uses' })) },
      actor,
    )
  }

  const items: [string, string, string, boolean, string][] = [
    ['email', 'New mailbox', 'A personal mailbox for a new colleague.', false, 'service-desk'],
    ['email', 'Shared mailbox', 'A mailbox shared by a team.', true, 'service-desk'],
    ['identity', 'Password reset', 'Reset of a forgotten password.', false, 'service-desk'],
    ['network', 'VPN access', 'Remote access to the internal network.', true, 'network'],
    ['erp', 'ERP user account', 'Access to ERP with a role.', true, 'service-desk'],
  ]
  for (const [key, name, description, requiresApproval, group] of items) {
    await catalogue.addCatalogueItem(
      svc[key]!,
      { name, description, requiresApproval, fulfilmentGroup: group },
      actor,
    )
  }

  const slas: [string, Record<string, unknown>][] = [
    [
      'network',
      {
        targets: targets([15, 240], [30, 480], [120, 1440], [480, 4320]),
        availabilityPercent: 99.9,
      },
    ],
    [
      'identity',
      {
        targets: targets([15, 120], [30, 480], [120, 1440], [480, 4320]),
        availabilityPercent: 99.9,
      },
    ],
    [
      'email',
      {
        targets: targets([15, 240], [60, 480], [240, 1440], [480, 4320]),
        availabilityPercent: 99.5,
      },
    ],
    [
      'erp',
      {
        targets: targets([30, 240], [60, 960], [240, 2880], [960, 7200]),
        availabilityPercent: 99.0,
      },
    ],
    ['desk', { targets: targets([5, 60], [15, 240], [60, 960], [240, 2400]) }],
  ]
  for (const [key, data] of slas) {
    await cases.create(
      'sla',
      {
        name: `${services.find((s) => s.key === key)!.name} SLA`,
        serviceId: svc[key],
        data: {
          ...data,
          workload: { maxIncidentsPerMonth: 200, maxRequestsPerMonth: 400 },
          exceptions: ['Planned maintenance announced 5 working days ahead', 'Force majeure'],
        },
      },
      actor,
    )
  }

  const cis: [string, Record<string, unknown>][] = [
    [
      'core-switch',
      {
        name: 'core-switch-01',
        ciType: 'network',
        ciVersion: 'IOS-XE 17.9',
        location: 'HQ data centre, rack A1',
        ownerGroup: 'network',
        description: 'Core switch of the HQ data centre.',
      },
    ],
    [
      'firewall',
      {
        name: 'firewall-01',
        ciType: 'network',
        ciVersion: '7.4.3',
        location: 'HQ data centre, rack A1',
        ownerGroup: 'network',
        description: 'Perimeter firewall.',
      },
    ],
    [
      'vm-host',
      {
        name: 'vm-host-01',
        ciType: 'hardware',
        ciVersion: 'ESXi 8.0',
        location: 'HQ data centre, rack B2',
        ownerGroup: 'network',
        description: 'Virtualisation host.',
      },
    ],
    [
      'mail-app',
      {
        name: 'mail-server-01',
        ciType: 'application',
        ciVersion: '2019 CU14',
        location: 'vm-host-01',
        ownerGroup: 'service-desk',
        description: 'Mail server.',
      },
    ],
    [
      'sso',
      {
        name: 'sso-idp',
        ciType: 'application',
        ciVersion: '24.0',
        location: 'vm-host-01',
        ownerGroup: 'service-desk',
        description: 'Single sign-on identity provider.',
      },
    ],
    [
      'erp-db',
      {
        name: 'erp-db-01',
        ciType: 'database',
        ciVersion: 'PostgreSQL 16',
        location: 'vm-host-01',
        ownerGroup: 'service-desk',
        description: 'ERP database.',
      },
    ],
    [
      'erp-app',
      {
        name: 'erp-app-01',
        ciType: 'application',
        ciVersion: '5.2',
        location: 'vm-host-01',
        ownerGroup: 'service-desk',
        description: 'ERP application server.',
      },
    ],
  ]
  for (const [key, body] of cis) {
    out.cis[key] = (
      await cases.create('ci', { ...body, data: { underChangeControl: true } }, actor)
    ).id
  }
  const ci = out.cis
  const relations: [string, 'ci' | 'service', string, string][] = [
    ['firewall', 'ci', 'core-switch', 'connects-to'],
    ['vm-host', 'ci', 'core-switch', 'connects-to'],
    ['mail-app', 'ci', 'vm-host', 'runs-on'],
    ['sso', 'ci', 'vm-host', 'runs-on'],
    ['erp-db', 'ci', 'vm-host', 'runs-on'],
    ['erp-app', 'ci', 'erp-db', 'depends-on'],
    ['erp-app', 'ci', 'sso', 'depends-on'],
    ['mail-app', 'ci', 'sso', 'depends-on'],
    ['core-switch', 'service', 'network', 'supports'],
    ['firewall', 'service', 'network', 'supports'],
    ['sso', 'service', 'identity', 'supports'],
    ['mail-app', 'service', 'email', 'supports'],
    ['erp-app', 'service', 'erp', 'supports'],
    ['erp-db', 'service', 'erp', 'supports'],
  ]
  for (const [from, targetKind, to, relationType] of relations) {
    await cmdb.addRelation(
      ci[from]!,
      { targetKind, targetId: targetKind === 'ci' ? ci[to]! : svc[to]!, relationType },
      actor,
    )
  }

  const suppliers = [
    {
      key: 'carrier',
      body: {
        name: 'Northwind Networks',
        relationshipOwner: 'supplier',
        reviewIntervalDays: 90,
        data: { contactName: 'Nora North', contactEmail: 'accounts@northwind.example' },
      },
      contract: {
        title: 'WAN and internet access',
        startsOn: '2026-01-01',
        endsOn: '2028-12-31',
        data: {
          scope: 'WAN links between all sites and internet access at HQ.',
          services: [svc.network!],
          requirements: 'Redundant 1 Gbit/s links; 24x7 network operations centre.',
          serviceTargets: [
            { measure: 'Availability per month (%)', target: 99.9, direction: 'at-least' },
            { measure: 'Time to restore a failed link (hours)', target: 4, direction: 'at-most' },
          ],
          responsibilities: 'Supplier operates links and routers up to the hand-over point.',
          interfaces: 'Tickets by e-mail and phone to the NOC.',
          reporting: 'Monthly availability report.',
          paymentBasis: 'Monthly fee per site.',
          termination: '6 months notice; transfer assistance included.',
          reviewIntervalDays: 90,
          relationshipOwner: 'supplier',
        },
      },
    },
    {
      key: 'hosting',
      body: {
        name: 'Contoso Hosting',
        relationshipOwner: 'supplier',
        reviewIntervalDays: 180,
        data: { contactName: 'Carla Contoso', contactEmail: 'service@contoso.example' },
      },
      contract: {
        title: 'Data centre hosting and hardware maintenance',
        startsOn: '2025-07-01',
        endsOn: '2027-06-30',
        data: {
          scope: 'Rack space, power, cooling and next-business-day hardware replacement.',
          services: [svc.email!, svc.erp!],
          requirements: 'Tier III facility; spare parts on site.',
          serviceTargets: [
            { measure: 'Power availability (%)', target: 99.99, direction: 'at-least' },
            { measure: 'Hardware replacement (business days)', target: 1, direction: 'at-most' },
          ],
          responsibilities: 'Supplier maintains facility and hardware; we operate software.',
          reporting: 'Quarterly service report.',
          paymentBasis: 'Annual fee.',
          termination: '12 months notice.',
          reviewIntervalDays: 180,
          relationshipOwner: 'supplier',
        },
      },
    },
  ]
  for (const s of suppliers) {
    const id = (await cases.create('supplier', s.body, actor)).id
    out.suppliers[s.key] = id
    await catalogue.addContract(id, s.contract, actor)
  }
  return out
}
