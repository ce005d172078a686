/**
 * Continuity and availability (ISO/IEC 20000-1 6.3) and capacity (6.5) as the server keeps them
 * (server/src/delivery). The server enforces who may write (service owners for their services,
 * SMS managers); the client only hides buttons.
 */
import { api } from '../../../lib/api'

export interface ContinuityRequirement {
  serviceId: string
  serviceName: string
  availabilityTarget: number
  rtoMinutes: number
  rpoMinutes: number
  risks: { id: string; title: string; score: number; category: string }[]
  version: number
}
export interface ContinuityPlan {
  documentId: string
  title: string
  effectiveVersion: number | null
  services: string[]
  ownerGroup: string
  testIntervalDays: number
  nextTestAt: string
  lastTest: { id: string; result: string | null; completedAt: string | null } | null
}
export interface ContinuityTest {
  id: string
  planId: string
  reason: string
  changeId: string | null
  status: string
  result: string | null
  results: { findings?: string; rtoMet?: boolean } | null
  run: { recoveryMinutes?: number } | null
  createdAt: string
  completedAt: string | null
}
export interface ServiceAvailability {
  serviceId: string
  serviceName: string
  target: number | null
  availability: number
  downtimeMinutes: number
  plannedDowntimeMinutes: number
  met: boolean | null
}
export interface CapacityRequirement {
  id: string
  serviceId: string | null
  ciId: string | null
  metric: string
  unit: string
  capacity: number
  currentDemand: number
  forecastDemand: number
  forecastDate: string
  performanceTarget: string
  warningPercent: number
  criticalPercent: number
  breachAction: string
  ownerGroup: string
  latest: {
    value: number
    utilisationPercent: number
    level: string
    measuredAt: string
    raisedCaseId: string | null
  } | null
}

export const startContinuityTest = (planId: string) =>
  api<ContinuityTest>(`/continuity/plans/${planId}/tests`, { method: 'POST', body: {} })

export const importMeasurements = (csv: string) =>
  api<{ stored: number; raised: string[] }>('/capacity/measurements/import', {
    method: 'POST',
    body: { csv },
  })
