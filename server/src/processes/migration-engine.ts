/**
 * What running-instance migration needs of the engine, through the Orchestration Cluster REST
 * API (v2) only: an instance's active elements (`POST /v2/element-instances/search`) and the
 * migration itself (`POST /v2/process-instances/{key}/migration`), with the server's one v2
 * client (`camunda/camunda-rest.ts`), so it runs the same against the embedded engine and a
 * Camunda 8.8 cluster.
 */
import { restErrorText, type CamundaRest, type ElementInstance } from '../camunda/camunda-rest'
import { ServiceUnavailableError } from '../errors'
import type { MappingInstruction } from './migration-plan'

/** An active element instance as v2 search reports it. */
export interface ActiveElement {
  elementInstanceKey: string
  elementId: string
  /** 8.8's element type, e.g. `USER_TASK`. */
  type: string
  processDefinitionKey: string
}

/** The engine's side of a migration. */
export interface MigrationEngine {
  /** The active elements of an instance, the process itself left out. */
  activeElements(processInstanceKey: string): Promise<ActiveElement[]>
  /** Migrates an instance; rejects with the engine's reason when it refuses. */
  migrate(
    processInstanceKey: string,
    targetProcessDefinitionKey: string,
    mapping: readonly MappingInstruction[],
  ): Promise<void>
}

/** The migration engine over the v2 client. */
export function v2MigrationEngine(rest: CamundaRest): MigrationEngine {
  return {
    async activeElements(key) {
      let found: ElementInstance[]
      try {
        found = await rest.searchAll<ElementInstance>('element-instances', {
          filter: { processInstanceKey: key, state: 'ACTIVE' },
          sort: [{ field: 'elementInstanceKey' }],
        })
      } catch (err) {
        throw new ServiceUnavailableError(
          `The engine's element instances could not be read: ${restErrorText(err)}`,
          { cause: err },
        )
      }
      return found
        .filter((e) => e.type !== 'PROCESS')
        .map((e) => ({
          elementInstanceKey: String(e.elementInstanceKey),
          elementId: e.elementId,
          type: e.type,
          processDefinitionKey: String(e.processDefinitionKey),
        }))
    },
    async migrate(key, targetProcessDefinitionKey, mapping) {
      try {
        await rest.migrateProcessInstance(
          key,
          targetProcessDefinitionKey,
          mapping.map((m) => ({
            sourceElementId: m.sourceElementId,
            targetElementId: m.targetElementId,
          })),
        )
      } catch (err) {
        throw new Error(restErrorText(err), { cause: err })
      }
    },
  }
}
