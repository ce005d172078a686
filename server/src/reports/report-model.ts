/**
 * The shape of a service report (ISO/IEC 20000-1 6.2) as stored in a snapshot and served by the
 * API: sections of one table each, every figure with a sentence saying how it is measured, and
 * an optional chart over the table's columns (drawn as SVG by the web app and the HTML export).
 */

/** The standard sections, one per item of 6.2 (a–f) and the trends it asks for. */
export const SectionId = {
  SlaPerformance: 'sla-performance',
  Workload: 'workload',
  Trends: 'trends',
  MajorIncidents: 'major-incidents',
  ChangesReleases: 'changes-releases',
  Suppliers: 'suppliers',
  Nonconformities: 'nonconformities',
  Complaints: 'complaints',
  Improvements: 'improvements',
  /** 7.1: customer satisfaction surveys (server/src/relationship). */
  Satisfaction: 'satisfaction',
  /** 6.4: costs against budget per service (server/src/finance). */
  Costs: 'costs',
} as const
export type SectionId = (typeof SectionId)[keyof typeof SectionId]
export const allSections: readonly SectionId[] = Object.values(SectionId)

/** A cell of a report table. */
export type Cell = string | number | boolean | null

/** A chart over a section's rows: one bar or line per row value of `x`, one series per column. */
export interface ChartSpec {
  kind: 'bar' | 'line'
  label: string
  /** Field of the rows whose values label the x axis (a column, or a row's `label`). */
  x: string
  /** Numeric columns drawn. */
  series: string[]
}

/** One section of a report: a table, how it is measured, an optional chart. */
export interface ReportSection {
  id: SectionId
  title: string
  /** The ISO/IEC 20000-1 clause it reports on, e.g. `6.2 a`. */
  clause: string
  /** Exactly how the figures are measured (shown with the table and in the export). */
  measuredAs: string
  columns: { key: string; label: string }[]
  rows: Record<string, Cell>[]
  chart?: ChartSpec
}

/** How often a definition runs by itself. */
export const Schedule = { None: 'none', Monthly: 'monthly' } as const
export type Schedule = (typeof Schedule)[keyof typeof Schedule]

/** Buckets of trend tables. */
export const Granularity = { Week: 'week', Month: 'month' } as const
export type Granularity = (typeof Granularity)[keyof typeof Granularity]

/**
 * Which period a run covers: the calendar month before the run (what a monthly report shows),
 * the month so far, or fixed dates (`from` inclusive, `to` exclusive, ISO 8601).
 */
export type PeriodSpec =
  | { kind: 'previous-month' }
  | { kind: 'current-month' }
  | { kind: 'fixed'; from: string; to: string }

/** A report definition as the API shows it. */
export interface ReportDefinition {
  id: string
  name: string
  /** Who the report is for, e.g. `customer service review`, `top management`. */
  audience: string
  sections: SectionId[]
  period: PeriodSpec
  granularity: Granularity
  schedule: Schedule
  nextRunAt: string | null
  createdBy: string
  createdAt: string
}

/** What a snapshot holds: the data exactly as computed, with its definition and the run. */
export interface SnapshotContent {
  definition: ReportDefinition
  period: { from: string; to: string }
  ranBy: string
  ranAt: string
  sections: ReportSection[]
}

/** A stored snapshot as the API returns it. */
export interface ReportSnapshot {
  id: string
  definitionId: string
  ranBy: string
  ranAt: string
  period: { from: string; to: string }
  /** SHA-256 (hex) of `contentText`; the same value is in the evidence entry `evidenceSeq`. */
  sha256: string
  evidenceSeq: number
  content: SnapshotContent
}

/**
 * The requirements of ISO/IEC 20000-1:2011 (ids of `server/src/compliance/requirements.ts`)
 * each section reports on; the compliance matrix counts the stored runs of reports holding it.
 */
export const requirementsOfSection: Readonly<Record<SectionId, readonly string[]>> = {
  'sla-performance': ['6.2-a', '6.1-4', '6.3.3-1', '4.5.3-f', '4.1.4-d'],
  workload: ['6.2-c'],
  trends: ['6.2-e', '6.1-4', '9.2-11'],
  'major-incidents': ['6.2-b'],
  'changes-releases': ['6.2-b', '6.2-c', '9.2-11'],
  suppliers: ['6.2-a', '7.2-5'],
  nonconformities: ['6.2-d'],
  complaints: ['6.2-f', '7.1-7'],
  improvements: ['4.5.5.2-e'],
  satisfaction: ['7.1-7', '6.2-f'],
  costs: ['6.4-3'],
}
