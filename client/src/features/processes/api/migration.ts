/** Running-instance migration (server/src/processes/migration.routes.ts). */
import { api } from '../../../lib/api'

export interface PlanElement {
  id: string
  name: string
  type: string
}

export interface ProposedMapping {
  source: PlanElement
  targetElementId: string | null
  status: 'mapped' | 'changed' | 'type-changed' | 'removed'
}

export interface MigrationPlan {
  bpmnProcessId: string
  sourceVersion: number
  targetVersion: number
  mappings: ProposedMapping[]
  added: PlanElement[]
  targetElements: PlanElement[]
}

export interface RunningInstance {
  processInstanceKey: string
  caseKind: string | null
  caseId: string | null
  startedAt: string | null
  activeElements: { elementInstanceKey: string; elementId: string; elementName: string; type: string }[]
}

export interface MappingInstruction {
  sourceElementId: string
  targetElementId: string
}

export interface MigrationRequest {
  sourceVersion: number
  targetVersion: number
  mappingInstructions: MappingInstruction[]
  processInstanceKeys: string[]
}

export interface DryRunInstance {
  processInstanceKey: string
  caseKind: string | null
  caseId: string | null
  canMigrate: boolean
  /** The engine runs it on the target already; migrating updates the server's records only. */
  inEngineAlready: boolean
  problems: string[]
  activeElements: {
    elementInstanceKey: string
    elementId: string
    elementName: string
    targetElementId: string | null
    targetName: string | null
    problem: string | null
  }[]
}

export interface MigrationResult {
  processInstanceKey: string
  status: 'migrated' | 'failed'
  reason: string | null
  engineMigrated: boolean
}

const base = (id: string) => `/processes/${encodeURIComponent(id)}`

export const planPath = (id: string, from: number, to: number) =>
  `${base(id)}/migration-plan?from=${from}&to=${to}`
export const instancesPath = (id: string, version: number) =>
  `${base(id)}/versions/${version}/instances`
export const dryRun = (id: string, req: MigrationRequest) =>
  api<{ instances: DryRunInstance[] }>(`${base(id)}/migrations/dry-run`, { method: 'POST', body: req })
export const migrate = (id: string, req: MigrationRequest) =>
  api<{ results: MigrationResult[] }>(`${base(id)}/migrations`, { method: 'POST', body: req })
