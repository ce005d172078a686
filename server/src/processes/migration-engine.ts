/**
 * What running-instance migration needs of the engine, through the Orchestration Cluster REST
 * API (v2) only: an instance's active elements (`POST /v2/element-instances/search`) and the
 * migration itself (`POST /v2/process-instances/{key}/migration`). Implemented with Camunda's
 * own 8.8 client, so it runs the same against the embedded engine and a Camunda 8.8 cluster.
 */
import {
  ElementId,
  EndCursor,
  ProcessDefinitionKey,
  ProcessInstanceKey,
} from '@camunda8/orchestration-cluster-api'
import { ServiceUnavailableError } from '../errors'
import { restErrorText, type CamundaRestClient } from './migration-rest'
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

const PAGE = 100

/** The migration engine over a v2 client. */
export function v2MigrationEngine(rest: CamundaRestClient): MigrationEngine {
  return {
    async activeElements(key) {
      const out: ActiveElement[] = []
      let after: string | undefined
      for (;;) {
        let page
        try {
          page = await rest.searchElementInstances(
            {
              filter: { processInstanceKey: ProcessInstanceKey.assumeExists(key), state: 'ACTIVE' },
              sort: [{ field: 'elementInstanceKey' }],
              page: after ? { limit: PAGE, after: EndCursor.assumeExists(after) } : { limit: PAGE },
            },
            { consistency: { waitUpToMs: 0 } },
          )
        } catch (err) {
          throw new ServiceUnavailableError(
            `The engine's element instances could not be read: ${restErrorText(err)}`,
            { cause: err },
          )
        }
        const items = page.items ?? []
        for (const e of items) {
          if (e.type === 'PROCESS') continue
          out.push({
            elementInstanceKey: String(e.elementInstanceKey),
            elementId: String(e.elementId),
            type: e.type,
            processDefinitionKey: String(e.processDefinitionKey),
          })
        }
        after = page.page?.endCursor ? String(page.page.endCursor) : undefined
        if (items.length < PAGE || !after) return out
      }
    },
    async migrate(key, targetProcessDefinitionKey, mapping) {
      try {
        await rest.migrateProcessInstance({
          processInstanceKey: ProcessInstanceKey.assumeExists(key),
          targetProcessDefinitionKey: ProcessDefinitionKey.assumeExists(targetProcessDefinitionKey),
          mappingInstructions: mapping.map((m) => ({
            sourceElementId: ElementId.assumeExists(m.sourceElementId),
            targetElementId: ElementId.assumeExists(m.targetElementId),
          })),
        })
      } catch (err) {
        throw new Error(restErrorText(err), { cause: err })
      }
    },
  }
}
