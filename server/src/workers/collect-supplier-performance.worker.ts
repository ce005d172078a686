import {
  assessTargets,
  contractTargetsInForce,
  type MeasuredTarget,
  type TargetResult,
  type TargetSource,
} from '../cases/supplier-targets'
import { ErrorCode, defineWorker } from './define-worker'
import { actorFor, stringList } from './worker-helpers'

interface In {
  caseId: string
}
interface Out {
  performance: {
    periodFrom: string
    periodTo: string
    incidents: number
    slaBreaches: number
    /** Per contract target, not yet measured (the reviewer records the values). */
    targets: TargetResult[]
    /** Where each contract's targets were read: its document version in force, or its record. */
    contracts: TargetSource[]
  }
  /** One row per target for the reviewer to record the value achieved (the form's list). */
  measuredTargets: Required<Pick<MeasuredTarget, 'target' | 'agreed'>>[]
  relationshipOwner: string
}

/**
 * 7.2: supplier performance is monitored against each of the contract's service targets: the
 * targets are listed for the reviewer to record the value achieved per target (met or missed is
 * judged per target, `cases/supplier-targets.ts`, when the review is recorded), with the
 * incidents and SLA breaches since the last review on cases the supplier is linked to or on the
 * services the contract supports as context (not as the verdict). A supplier without an active
 * contract with service targets is a BPMN error `NO_CONTRACT_TARGETS` (the diagram asks the
 * supplier manager to define them).
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
    // 7.2, 4.3.2: the targets as agreed now: each contract document's version in force
    const { targets, sources } = await contractTargetsInForce(deps.db, contracts, deps.now())
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
    const results = assessTargets(targets, [])
    return job.complete({
      performance: {
        periodFrom: from.toISOString(),
        periodTo: to.toISOString(),
        incidents: ids.length,
        slaBreaches: breaches.length,
        targets: results,
        contracts: sources,
      },
      measuredTargets: results.map((r) => ({ target: r.target, agreed: r.agreed })),
      relationshipOwner:
        typeof supplier.relationshipOwner === 'string' ? supplier.relationshipOwner : '',
    })
  },
})
