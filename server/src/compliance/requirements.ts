/**
 * The requirements catalogue: every requirement of ISO/IEC 20000-1:2011 clauses 4–9, with its
 * own id, in our own words (see `requirement-model.ts`). The product uses the 2011 numbering
 * everywhere; `iso2018` only helps readers who know the later edition.
 */
import { clause4 } from './requirements-4'
import { clauses5to7 } from './requirements-5-7'
import { clauses8to9 } from './requirements-8-9'
import { requirementIdRe, type Requirement } from './requirement-model'

export { RequirementKind, REQUIREMENT_ID_PATTERN, type Requirement } from './requirement-model'

/** The nearest 2018 clause of each 2011 clause (longest prefix wins). */
const iso2018Of: Record<string, string> = {
  '4.1': '5.1, 5.3',
  '4.1.2': '5.2',
  '4.1.4': '5.3',
  '4.2': '8.2.3',
  '4.3': '7.5',
  '4.4.1': '7.1',
  '4.4.2': '7.2, 7.3',
  '4.5.1': '4.3',
  '4.5.2': '6, 8.1',
  '4.5.3': '8.1',
  '4.5.4.1': '9.1',
  '4.5.4.2': '9.2',
  '4.5.4.3': '9.3',
  '4.5.5': '10',
  '5': '8.5.2, 8.5.3',
  '6.1': '8.2.4, 8.3.3',
  '6.2': '9.4',
  '6.3': '8.7.1, 8.7.2',
  '6.4': '8.4.1',
  '6.5': '8.4.3',
  '6.6': '8.7.3',
  '7.1': '8.3.2',
  '7.2': '8.3.4',
  '8.1': '8.6.1, 8.6.2',
  '8.2': '8.6.3',
  '9.1': '8.2.6',
  '9.2': '8.5.1',
  '9.3': '8.5.3',
}

function withIso2018(r: Requirement): Requirement {
  const parts = r.clause.split('.')
  for (let n = parts.length; n > 0; n--) {
    const mapped = iso2018Of[parts.slice(0, n).join('.')]
    if (mapped) return { ...r, iso2018: mapped }
  }
  return r
}

/** Every requirement, in clause order. */
export const requirements: readonly Requirement[] = [
  ...clause4,
  ...clauses5to7,
  ...clauses8to9,
].map(withIso2018)

/** Requirements by id. */
export const requirementsById: ReadonlyMap<string, Requirement> = new Map(
  requirements.map((r) => [r.id, r]),
)

/** Whether `id` is a well-formed id of the catalogue. */
export const isRequirementId = (id: string): boolean =>
  requirementIdRe.test(id) && requirementsById.has(id)

/** The ids of a space- or comma-separated list, e.g. a BPMN `requirements` property value. */
export function parseRequirementList(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((s) => s.length > 0)
}

/** Requirements of a clause and its sub-clauses (`8` → 8.1 and 8.2; `4.5.4` → 4.5.4.1–3). */
export function requirementsOfClause(clause: string): Requirement[] {
  return requirements.filter((r) => r.clause === clause || r.clause.startsWith(`${clause}.`))
}
