/**
 * Information security risk assessments at planned intervals (ISO/IEC 20000-1 6.6.1) as the API
 * answers them (`GET /api/security/risk-assessments[/:id]`): the security risks as the assessment
 * found them, what the information security group found and the treatment it planned.
 */

/** One security risk of the register as the assessment found it. */
export interface AssessedRisk {
  riskId: string
  title: string
  owner: string
  likelihood: number
  impact: number
  score: number
  status: string
  treatment: string
  reviewOverdue: boolean
  controls: { id: string; reference: string; status: string }[]
}

export interface SecurityRiskAssessment {
  id: string
  status: 'open' | 'completed'
  processInstanceKey: string | null
  periodStart: string
  periodEnd: string
  risks: AssessedRisk[]
  assessment: { findings?: string; riskChanges?: string; treatmentNeeded?: boolean } | null
  treatment: { plan?: string; actions?: string; actionOwner?: string; actionDue?: string } | null
  assessedBy: string | null
  createdAt: string
  completedAt: string | null
}
