/** Continuity and availability (ISO/IEC 20000-1 6.3): closed sets and API shapes. */

/** Why a continuity test runs (6.3.3). */
export const TestReason = {
  /** The plan's test interval came round (the daily check of continuity-test.bpmn). */
  Scheduled: 'scheduled',
  /** A change with major impact was implemented on a service of the plan. */
  MajorChange: 'major-change',
  /** A service owner or SMS manager asked for one. */
  Requested: 'requested',
} as const
export type TestReason = (typeof TestReason)[keyof typeof TestReason]

export const TestStatus = { Open: 'open', Completed: 'completed' } as const
export type TestStatus = (typeof TestStatus)[keyof typeof TestStatus]

/** The outcome of a test against the plan's targets. */
export const TestResult = { Passed: 'passed', Partial: 'partial', Failed: 'failed' } as const
export type TestResult = (typeof TestResult)[keyof typeof TestResult]

/** 6.3.1 the continuity and availability requirements of a service. */
export interface ContinuityRequirement {
  serviceId: string
  serviceName: string
  /** Percent of the period the service is to be available, e.g. 99.5. */
  availabilityTarget: number
  /** Recovery time objective, minutes. */
  rtoMinutes: number
  /** Recovery point objective (data that may be lost), minutes. */
  rpoMinutes: number
  /** The risks of the register the requirements are derived from. */
  risks: { id: string; title: string; score: number; category: string }[]
  notes: string
  version: number
  updatedBy: string
  updatedAt: string
}

/** 6.3.2 a continuity and availability plan: its document and its test schedule. */
export interface ContinuityPlan {
  documentId: string
  title: string
  /** Effective version of the controlled document (null while not yet effective). */
  effectiveVersion: number | null
  services: string[]
  ownerGroup: string
  testIntervalDays: number
  nextTestAt: string
  lastTest: { id: string; result: string | null; completedAt: string | null } | null
}

/** What a test task works on (the variable `test` of continuity-test.bpmn). */
export interface TestToRun {
  id: string
  planId: string
  title: string
  ownerGroup: string
  reason: TestReason
  changeId: string | null
}

export interface ContinuityTest {
  id: string
  planId: string
  reason: TestReason
  changeId: string | null
  status: TestStatus
  processInstanceKey: string | null
  plan: Record<string, unknown> | null
  run: Record<string, unknown> | null
  result: TestResult | null
  results: Record<string, unknown> | null
  actions: Record<string, unknown> | null
  requestedBy: string
  createdAt: string
  completedAt: string | null
}
