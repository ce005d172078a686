/**
 * The server's service reports (ISO/IEC 20000-1 6.2): definitions, runs and stored snapshots.
 * The figures are computed on the server over all records; the client only shows them.
 */
import { api } from '../../../lib/api'
import type { User } from '../../../lib/user'

/** A cell of a report table. */
export type Cell = string | number | boolean | null

/** A chart over a section's rows (see server/src/reports/report-model.ts). */
export interface ChartSpec {
  kind: 'bar' | 'line'
  label: string
  x: string
  series: string[]
}

export interface ReportSection {
  id: string
  title: string
  clause: string
  measuredAs: string
  columns: { key: string; label: string }[]
  rows: Record<string, Cell>[]
  chart?: ChartSpec
}

export type PeriodSpec =
  | { kind: 'previous-month' }
  | { kind: 'current-month' }
  | { kind: 'fixed'; from: string; to: string }

export interface ReportDefinition {
  id: string
  name: string
  audience: string
  sections: string[]
  period: PeriodSpec
  granularity: 'week' | 'month'
  schedule: 'none' | 'monthly'
  nextRunAt: string | null
  createdBy: string
  createdAt: string
}

export interface SnapshotSummary {
  id: string
  definitionId: string
  definitionName: string
  ranBy: string
  ranAt: string
  period: { from: string; to: string }
  sha256: string
  evidenceSeq: number
}

export interface ReportSnapshot extends Omit<SnapshotSummary, 'definitionName'> {
  content: {
    definition: ReportDefinition
    period: { from: string; to: string }
    ranBy: string
    ranAt: string
    sections: ReportSection[]
  }
}

/** Every standard section, in the order of a full service report. */
export const allSections = [
  'sla-performance',
  'workload',
  'trends',
  'major-incidents',
  'changes-releases',
  'suppliers',
  'nonconformities',
  'complaints',
  'improvements',
  'satisfaction',
  'costs',
] as const

/** Whether the user may define and run reports (the server enforces the same rule). */
export const isReportManager = (u: User) =>
  u.roles.includes('admin') ||
  u.roles.includes('process-owner') ||
  (u.roles.includes('staff') && u.groups.some((g) => g.id === 'top-management'))

export const createDefinition = (body: {
  name: string
  audience: string
  sections: readonly string[]
  period: PeriodSpec
  granularity: 'week' | 'month'
  schedule: 'none' | 'monthly'
}) => api<ReportDefinition>('/reports/definitions', { method: 'POST', body })

export const runDefinition = (id: string) =>
  api<ReportSnapshot>(`/reports/definitions/${encodeURIComponent(id)}/run`, {
    method: 'POST',
    body: {},
  })

/** Where the stored snapshot's exports are downloaded. */
export const exportUrl = (id: string, format: 'csv' | 'html') =>
  `/api/reports/snapshots/${encodeURIComponent(id)}/export.${format}`
