/**
 * Small pieces the workers share: input-schema fragments, the acting system user and case
 * lookups that end in a BPMN error when the case is gone.
 */
import { isCaseKind, systemActor, type Actor, type CaseKind, type OperationalCase } from '../cases'
import type { WorkerDeps } from './deps'
import { ErrorCode, type JobOutcome, type WorkerJob } from './define-worker'

/** Schema fragment: `caseKind` + `caseId` (the process's case, from the case service). */
export const caseRefProperties = {
  caseKind: { type: 'string', minLength: 1 },
  caseId: { type: 'string', minLength: 1 },
} as const

/** A job's case reference. */
export interface CaseRefInput {
  caseKind: string
  caseId: string
}

/** The user workers act as: `system:<job type>` with administrator rights. */
export const actorFor = (type: string): Actor => systemActor(type)

/**
 * The operational case a job names, or a BPMN error `CASE_NOT_FOUND` (an unknown kind too).
 * Usage: `const found = await loadCase(job, deps); if ('outcome' in found) return found`.
 */
export async function loadCase<In extends CaseRefInput, Out>(
  job: WorkerJob<In, Out>,
  deps: WorkerDeps,
): Promise<{ kind: CaseKind; record: OperationalCase } | JobOutcome<Out>> {
  const { caseKind, caseId } = job.variables
  const record = isCaseKind(caseKind) ? await deps.cases.findCase(caseKind, caseId) : undefined
  if (!isCaseKind(caseKind) || !record) {
    return job.error({
      errorCode: ErrorCode.CASE_NOT_FOUND,
      errorMessage: `No ${caseKind} ${caseId}.`,
    })
  }
  return { kind: caseKind, record }
}

/** Whether a lookup ended in an outcome (the BPMN error) rather than a case. */
export const isOutcome = <Out>(
  v: { kind: CaseKind; record: OperationalCase } | JobOutcome<Out>,
): v is JobOutcome<Out> => 'outcome' in v

/** `date` plus `minutes`. */
export function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000)
}

/** The value as a string array (for data fields that hold ids). */
export const stringList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
