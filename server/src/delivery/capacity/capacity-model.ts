/** Capacity management (ISO/IEC 20000-1 6.5): closed sets and API shapes. */

/** What a critical breach of a threshold raises. */
export const BreachAction = { Incident: 'incident', Change: 'change' } as const
export type BreachAction = (typeof BreachAction)[keyof typeof BreachAction]

/** Where utilisation stands against the thresholds. */
export const UtilisationLevel = {
  Normal: 'normal',
  Warning: 'warning',
  Critical: 'critical',
} as const
export type UtilisationLevel = (typeof UtilisationLevel)[keyof typeof UtilisationLevel]

export const MeasurementSource = { Api: 'api', Csv: 'csv' } as const
export type MeasurementSource = (typeof MeasurementSource)[keyof typeof MeasurementSource]

/** 6.5 a capacity requirement of a service or a CI. */
export interface CapacityRequirement {
  id: string
  serviceId: string | null
  ciId: string | null
  /** What is measured, e.g. `storage`, `concurrent users`, `CPU`. */
  metric: string
  unit: string
  /** Provisioned capacity, in `unit`. */
  capacity: number
  currentDemand: number
  forecastDemand: number
  /** When the forecast demand is expected (YYYY-MM-DD). */
  forecastDate: string
  performanceTarget: string
  /** Utilisation (percent of capacity) from which a measurement warns … */
  warningPercent: number
  /** … and from which it raises {@link breachAction}. */
  criticalPercent: number
  breachAction: BreachAction
  ownerGroup: string
  version: number
  /** The latest measurement, if any. */
  latest: Measurement | null
}

export interface Measurement {
  id: number
  requirementId: string
  measuredAt: string
  value: number
  utilisationPercent: number
  level: UtilisationLevel
  source: MeasurementSource
  /** The incident or change a critical measurement raised. */
  raisedCaseId: string | null
  recordedBy: string
}

/** One measurement to record. */
export interface MeasurementInput {
  requirementId: string
  measuredAt: string
  value: number
}
