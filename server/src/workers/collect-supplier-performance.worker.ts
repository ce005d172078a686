import { ErrorCode, defineWorker } from './define-worker'
import { actorFor, stringList } from './worker-helpers'

interface In {
  caseId: string
}
interface TargetResult {
  target: string
  agreed: string
  achieved: string
  met: boolean
}
interface Out {
  performance: {
    periodFrom: string
    periodTo: string
    incidents: number
    slaBreaches: number
    targets: TargetResult[]
  }
  relationshipOwner: string
}

/**
 * 7.2: supplier performance is monitored against the contract's service targets: incidents and
 * SLA breaches since the last review on cases the supplier is linked to or on the services the
 * contract supports. A supplier without an active contract with service targets is a BPMN error
 * `NO_CONTRACT_TARGETS` (the diagram asks the supplier manager to define them).
 */
export const collectSupplierPerformance = defineWorker<In, Out>({
  type: 'collect-supplier-performance',
  inputSchema: {
    type: 'object',
    properties: { caseId: { type: 'string', minLength: 1 } },
    required: ['caseId'],
  },
  async handler(job, deps) {
    const supplierId = job.variables.caseId
    const supplier = await deps.cases.find('supplier', supplierId)
    if (!supplier) {
      return job.error({
        errorCode: ErrorCode.CASE_NOT_FOUND,
        errorMessage: `No supplier ${supplierId}.`,
      })
    }
    const contracts = (await deps.catalogue.contracts(supplierId, actorFor(job.type))).filter(
      (c) => c.status !== 'terminated' && c.status !== 'expired',
    )
    const targets = contracts.flatMap((c) =>
      Array.isArray(c.data.serviceTargets)
        ? (c.data.serviceTargets as { measure: string; target: unknown }[])
        : [],
    )
    if (!targets.length) {
      return job.error({
        errorCode: ErrorCode.NO_CONTRACT_TARGETS,
        errorMessage: `Supplier ${supplierId} has no contract with service targets.`,
      })
    }
    const services = [...new Set(contracts.flatMap((c) => stringList(c.data.services)))]
    const intervalDays =
      typeof supplier.reviewIntervalDays === 'number' ? supplier.reviewIntervalDays : 90
    const to = deps.now()
    const from = new Date(to.getTime() - intervalDays * 86_400_000)
    const incidents = await deps.db
      .selectFrom('cases')
      .select('id')
      .where('kind', '=', 'incident')
      .where('created_at', '>=', from)
      .where((eb) =>
        eb.or([
          eb('supplier_id', '=', supplierId),
          ...(services.length ? [eb('service_id', 'in', services)] : []),
        ]),
      )
      .execute()
    const ids = incidents.map((i) => i.id)
    const breaches = ids.length
      ? await deps.db
          .selectFrom('sla_breaches')
          .select('id')
          .where('case_kind', '=', 'incident')
          .where('case_id', 'in', ids)
          .execute()
      : []
    const results = targets.map((t) => ({
      target: t.measure,
      agreed: String(t.target),
      achieved: `${ids.length} incidents, ${breaches.length} SLA breaches`,
      met: breaches.length === 0,
    }))
    return job.complete({
      performance: {
        periodFrom: from.toISOString(),
        periodTo: to.toISOString(),
        incidents: ids.length,
        slaBreaches: breaches.length,
        targets: results,
      },
      relationshipOwner:
        typeof supplier.relationshipOwner === 'string' ? supplier.relationshipOwner : '',
    })
  },
})
