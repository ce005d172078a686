/**
 * Demo data of continuity, availability and capacity (ISO/IEC 20000-1 6.3, 6.5) on a first start:
 * requirements of the Network and E-mail services from a continuity risk, an effective
 * continuity and availability plan with a passed test and its next one planned, two outages of
 * the last month (one planned), capacity requirements of the mail server and the network with a
 * month of utilisation (the latest storage figure at the warning threshold), and an effective
 * capacity plan. Relative to today; skipped when continuity data exists or the catalogue is not
 * seeded.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { AuditSink } from '../evidence/audit-sink'
import { systemActor } from '../cases/access'
import type { SmsServices } from '../sms'
import type { DeliveryServices } from '.'

const DAY = 86_400_000

export async function seedDelivery(deps: {
  db: Kysely<DB>
  audit: AuditSink
  sms: SmsServices
  delivery: DeliveryServices
  now: () => Date
}): Promise<boolean> {
  const { db, sms, delivery } = deps
  if (
    await db.selectFrom('continuity_requirements').select('service_id').limit(1).executeTakeFirst()
  )
    return false
  const services = await db.selectFrom('services').select(['id', 'name']).execute()
  const network = services.find((s) => s.name === 'Network')?.id
  const mail = services.find((s) => s.name === 'E-mail')?.id
  const mailServer = await db
    .selectFrom('cis')
    .select('id')
    .where('name', '=', 'mail-server-01')
    .executeTakeFirst()
  if (!network || !mail || !mailServer) return false
  const admin = systemActor('demo-seed')
  const today = deps.now().getTime()

  const risk = await sms.risks.create(
    {
      title: 'Loss of the primary server room (fire, power, flooding)',
      category: 'continuity',
      likelihood: 2,
      impact: 5,
      owner: 'smsmgr',
      treatmentOption: 'reduce',
      treatment: 'Second site with replicated mail and core network; tested twice a year.',
      links: { services: [network, mail] },
    },
    'smsmgr',
  )
  await delivery.continuity.put(
    network,
    { availabilityTarget: 99.9, rtoMinutes: 60, rpoMinutes: 0, riskIds: [risk.id] },
    admin,
  )
  await delivery.continuity.put(
    mail,
    { availabilityTarget: 99.5, rtoMinutes: 240, rpoMinutes: 15, riskIds: [risk.id] },
    admin,
  )
  const issue = async (input: Parameters<typeof sms.documents.create>[0]) => {
    const { id } = await sms.documents.create(input, 'smsmgr')
    await sms.documents.submit(id, 'smsmgr')
    await sms.documents.approve(id, 'smsmgr2', 'Reviewed with the service owners')
    await sms.documents.makeEffective(id, 'smsmgr')
    return id
  }
  const plan = await issue({
    kind: 'continuity-plan',
    title: 'Network and e-mail continuity and availability plan',
    data: {
      continuityPlan: {
        services: [network, mail],
        procedures:
          'Declare a major loss of service; the network lead fails over to the second site.',
        targets: [
          { serviceId: network, availabilityPercent: 99.9, rtoMinutes: 60, rpoMinutes: 0 },
          { serviceId: mail, availabilityPercent: 99.5, rtoMinutes: 240, rpoMinutes: 15 },
        ],
        recovery: 'Core routing via the second site; mail from the replica (15-minute lag).',
        returnToNormal: 'Fail back in the next maintenance window after the cause is removed.',
        contacts: [
          { name: 'Nico Network', role: 'Network service owner', phone: '+44 20 7946 0001' },
          { name: 'Sam Service-Desk', role: 'Service desk lead', phone: '+44 20 7946 0002' },
        ],
      },
    },
  })
  await delivery.continuity.putPlan(
    plan,
    {
      services: [network, mail],
      ownerGroup: 'network',
      testIntervalDays: 182,
      nextTestAt: new Date(today + 120 * DAY).toISOString(),
    },
    admin,
  )
  // a test done two months ago (recorded as its procedure records it)
  const done = await delivery.continuityTests.request(plan, admin)
  {
    await delivery.continuityTests.recordResults(
      done.id,
      {
        plan: { scenario: 'Server room power loss', successCriteria: 'Network back within 60 min' },
        run: { stepsPerformed: 'Failed over core routing', recoveryMinutes: 38 },
        results: { result: 'passed', findings: 'Fail-over worked; runbook step 4 clarified.' },
      },
      'network',
      'demo',
    )
  }
  const ago = (d: number, h = 0) => new Date(today - d * DAY + h * 3_600_000).toISOString()
  await delivery.availability.recordOutage(
    {
      serviceId: mail,
      startedAt: ago(12),
      endedAt: ago(12, 1.5),
      planned: false,
      description: 'Mail queue stalled',
    },
    admin,
  )
  await delivery.availability.recordOutage(
    {
      serviceId: network,
      startedAt: ago(5),
      endedAt: ago(5, 2),
      planned: true,
      description: 'Core switch firmware',
    },
    admin,
  )

  const storage = await delivery.capacity.create(
    {
      ciId: mailServer.id,
      metric: 'mailbox storage',
      unit: 'TB',
      capacity: 8,
      currentDemand: 5.6,
      forecastDemand: 7.4,
      forecastDate: new Date(today + 180 * DAY).toISOString().slice(0, 10),
      performanceTarget: 'Mailbox opens in under 2 s',
      warningPercent: 75,
      criticalPercent: 90,
      breachAction: 'change',
    },
    admin,
  )
  const bandwidth = await delivery.capacity.create(
    {
      serviceId: network,
      metric: 'internet bandwidth (peak)',
      unit: 'Mbit/s',
      capacity: 1000,
      currentDemand: 450,
      forecastDemand: 620,
      forecastDate: new Date(today + 365 * DAY).toISOString().slice(0, 10),
      performanceTarget: 'Latency under 20 ms at peak',
      warningPercent: 70,
      criticalPercent: 85,
      breachAction: 'incident',
    },
    admin,
  )
  const measurements = []
  for (let d = 28; d >= 0; d -= 4) {
    measurements.push({
      requirementId: storage.id,
      measuredAt: ago(d),
      value: 5.2 + (28 - d) * 0.03,
    })
    measurements.push({
      requirementId: bandwidth.id,
      measuredAt: ago(d),
      value: 380 + ((d * 37) % 90),
    })
  }
  await delivery.capacity.record(measurements, admin)
  await issue({
    kind: 'capacity-plan',
    title: 'Capacity plan',
    data: {
      capacityPlan: {
        currentAndForecastDemand:
          'Mail storage 5.6 of 8 TB, growing 0.3 TB a month; bandwidth 450 of 1000 Mbit/s at peak.',
        expectedImpact: 'Storage reaches the warning threshold within the quarter.',
        performanceTargets: 'Mailbox opens under 2 s; latency under 20 ms at peak.',
        actions: 'Order 4 TB for the mail server before the next quarter.',
      },
    },
  })
  return true
}
