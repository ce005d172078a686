/**
 * Supplier performance per contract target (ISO/IEC 20000-1 7.2): each service target of a
 * supplier's contract is measured on its own: the value achieved in the period, and whether the
 * target was met or missed. A numeric target with a direction is judged by the rule (at least /
 * at most the agreed value); any other target by the reviewer. Nothing is judged from the count
 * of SLA breaches. The supplier review procedure records the results (`record-supplier-review`)
 * and the service report counts them (6.2, supplier performance). The targets are the contract's
 * as agreed now: its controlled document's version in force, else its record's
 * (`contractTargetsInForce`).
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import { inForce } from '../sms/documents/controlled-documents'
import type { ContractDocumentData } from '../sms/documents/controlled-model'

/** A service target as a contract states it (`data.serviceTargets[]`). */
export interface ContractTarget {
  measure: string
  target: string | number
  direction?: 'at-least' | 'at-most'
}

/** What the reviewer recorded for one target (form `supplier-review-prepare`). */
export interface MeasuredTarget {
  target: string
  agreed?: string | null
  achieved?: number | string | null
  /** The reviewer's judgement, used when the rule cannot judge. */
  met?: 'met' | 'missed' | null
}

/** One target's result as the review records it. */
export interface TargetResult {
  target: string
  agreed: string
  direction: 'at-least' | 'at-most' | null
  /** The value achieved in the period, as recorded; null when nobody measured it. */
  achieved: number | string | null
  /** Met (true), missed (false), or not assessed (null). */
  met: boolean | null
  /** Who judged: the direction rule, the reviewer, or nobody (not assessed). */
  judgedBy: 'rule' | 'reviewer' | null
}

const numeric = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  return null
}

/** A target's result from its contract definition and what was measured for it. */
export function assessTarget(t: ContractTarget, measured?: MeasuredTarget): TargetResult {
  const achievedRaw = measured?.achieved
  const achieved =
    achievedRaw === undefined || achievedRaw === null || achievedRaw === '' ? null : achievedRaw
  const base = {
    target: t.measure,
    agreed: String(t.target),
    direction: t.direction ?? null,
    achieved,
  }
  const value = numeric(achieved)
  const agreed = numeric(t.target)
  if (t.direction && value !== null && agreed !== null) {
    const met = t.direction === 'at-least' ? value >= agreed : value <= agreed
    return { ...base, met, judgedBy: 'rule' }
  }
  if (measured?.met === 'met' || measured?.met === 'missed') {
    return { ...base, met: measured.met === 'met', judgedBy: 'reviewer' }
  }
  return { ...base, met: null, judgedBy: null }
}

/** Results of all targets, matching what was measured to each target by its measure. */
export function assessTargets(
  targets: readonly ContractTarget[],
  measured: readonly MeasuredTarget[],
): TargetResult[] {
  return targets.map((t) =>
    assessTarget(
      t,
      measured.find((m) => m.target === t.measure),
    ),
  )
}

/** Targets of the contracts, as the contracts' data holds them (ill-formed entries skipped). */
export function contractTargets(data: readonly Record<string, unknown>[]): ContractTarget[] {
  return data.flatMap((d) =>
    Array.isArray(d.serviceTargets)
      ? (d.serviceTargets as unknown[]).filter(
          (t): t is ContractTarget =>
            typeof t === 'object' &&
            t !== null &&
            typeof (t as ContractTarget).measure === 'string' &&
            ['string', 'number'].includes(typeof (t as ContractTarget).target),
        )
      : [],
  )
}

/** Where a contract's targets were read: its document's version in force, or its record. */
export interface TargetSource {
  contractId: string
  /** The contract document's version in force; null: no document, the record's targets. */
  document: { id: string; version: number } | null
}

/**
 * 7.2, 4.3.2: the targets of the contracts as agreed now: each contract's controlled document
 * (`contract:<id>`), its version in force at `now`, or the contract record's service targets
 * while it has no document in force.
 */
export async function contractTargetsInForce(
  db: Kysely<DB>,
  contracts: readonly { id: string; data: Record<string, unknown> }[],
  now: Date,
): Promise<{ targets: ContractTarget[]; sources: TargetSource[] }> {
  const targets: ContractTarget[] = []
  const sources: TargetSource[] = []
  for (const c of contracts) {
    const doc = await inForce<ContractDocumentData>(db, `contract:${c.id}`, now)
    if (doc && Array.isArray(doc.data.targets)) {
      targets.push(
        ...doc.data.targets.map((t) => ({
          measure: t.name,
          target: t.target,
          direction: t.direction,
        })),
      )
      sources.push({ contractId: c.id, document: { id: doc.documentId, version: doc.version } })
    } else {
      targets.push(...contractTargets([c.data]))
      sources.push({ contractId: c.id, document: null })
    }
  }
  return { targets, sources }
}
