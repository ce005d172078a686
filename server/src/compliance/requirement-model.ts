/**
 * The shape of the requirements catalogue (ISO/IEC 20000-1:2011 clauses 4–9): one entry per
 * requirement ("shall") with an id of its own, the clause it sits in, a paraphrase in our own
 * words (never the standard's text) and whether the product carries it or it is about people's
 * conduct (and then what the product can record for it).
 */

/** Whether the product carries a requirement, or it is about what people do. */
export const RequirementKind = {
  /** The product carries it: a procedure step, a record, a register or a control. */
  Carried: 'carried',
  /** It is about people's conduct; the product can only record what they did. */
  Conduct: 'conduct',
} as const
export type RequirementKind = (typeof RequirementKind)[keyof typeof RequirementKind]

/** One requirement of the standard. */
export interface Requirement {
  /** `<clause>-<letter>` for a listed item (`8.1-d`), `<clause>-<n>` for other statements (`9.2-3`). */
  id: string
  /** The 2011 clause, e.g. `8.1` or `4.5.4.2`. */
  clause: string
  /** What is required, paraphrased in our own words. */
  summary: string
  kind: RequirementKind
  /** For conduct requirements: what the product can record as evidence of it. */
  recordable?: string
  /** The nearest clause of the 2018 edition, for readers who know that one. */
  iso2018?: string
}

/** A requirement id: a clause 4–9 with up to four levels, a dash, a letter or a number. */
export const REQUIREMENT_ID_PATTERN = '^[4-9](\\.[0-9]{1,2}){0,3}-([a-l]|[0-9]{1,2})$'
export const requirementIdRe = new RegExp(REQUIREMENT_ID_PATTERN)

/** A carried requirement. */
export const c = (id: string, summary: string): Requirement => ({
  id,
  clause: id.split('-')[0]!,
  summary,
  kind: RequirementKind.Carried,
})

/** A requirement about people's conduct, with what the product records for it. */
export const p = (id: string, summary: string, recordable: string): Requirement => ({
  id,
  clause: id.split('-')[0]!,
  summary,
  kind: RequirementKind.Conduct,
  recordable,
})
