/**
 * Process instance commands of Camunda 8.8's v2 API: create (optionally awaiting completion),
 * cancel, modify, migrate; incident resolution; setting variables on an element instance.
 */
import type { CreateInstanceCommand } from '../api'
import { bodyValidator, command, invalidArgument, keyText, parseBody, pathKey } from './command'
import {
  operationReferenceOnly,
  processInstanceCreation,
  processInstanceMigration,
  processInstanceModification,
  setVariables,
  type MigrationBody,
  type ModificationBody,
  type OperationReferenceBody,
  type ProcessInstanceCreationBody,
  type SetVariablesBody,
} from './schemas/commands'
import { RestProblem, type RestRoute } from './types'

/** How long a creation awaiting completion waits when its requestTimeout is 0 or absent. */
export const DEFAULT_AWAIT_COMPLETION_MS = 15_000

const validateCreation = bodyValidator<ProcessInstanceCreationBody>(processInstanceCreation)
const validateModification = bodyValidator<ModificationBody>(processInstanceModification)
const validateMigration = bodyValidator<MigrationBody>(processInstanceMigration)
const validateOperationOnly = bodyValidator<OperationReferenceBody>(operationReferenceOnly)
const validateSetVariables = bodyValidator<SetVariablesBody>(setVariables)

function creationCommand(body: ProcessInstanceCreationBody): CreateInstanceCommand {
  const fields = '[processDefinitionId, processDefinitionKey]'
  const byId = body.processDefinitionId !== undefined
  const byKey = body.processDefinitionKey !== undefined
  if (!byId && !byKey) throw invalidArgument([`At least one of ${fields} is required`])
  if (byId && byKey) throw invalidArgument([`Only one of ${fields} is allowed`])
  return {
    ...(byId
      ? { bpmnProcessId: body.processDefinitionId, version: body.processDefinitionVersion ?? -1 }
      : { processDefinitionKey: keyText(body.processDefinitionKey) }),
    variables: body.variables ?? {},
    ...(body.startInstructions?.length
      ? { startInstructions: body.startInstructions.map((s) => ({ elementId: s.elementId })) }
      : {}),
    ...(body.tenantId ? { tenantId: body.tenantId } : {}),
  }
}

export const processInstanceRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/v2/process-instances',
    operationId: 'createProcessInstance',
    handler: async (req, ctx) => {
      const body = parseBody(req, validateCreation)
      const cmd = creationCommand(body)
      if (!body.awaitCompletion) {
        const created = await command('CREATE', () => ctx.engine.createProcessInstance(cmd))
        return {
          status: 200,
          body: {
            processDefinitionId: created.bpmnProcessId,
            processDefinitionVersion: created.version,
            tenantId: created.tenantId,
            variables: {},
            processDefinitionKey: created.processDefinitionKey,
            processInstanceKey: created.processInstanceKey,
          },
        }
      }
      const timeoutMs =
        body.requestTimeout && body.requestTimeout > 0
          ? body.requestTimeout
          : DEFAULT_AWAIT_COMPLETION_MS
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new RestProblem(
                504,
                'DEADLINE_EXCEEDED',
                `Expected the process instance to complete within ${timeoutMs} ms, but it did not (it keeps running)`,
              ),
            ),
          timeoutMs,
        )
      })
      try {
        const result = await Promise.race([
          command('CREATE_WITH_AWAITING_RESULT', () =>
            ctx.engine.createProcessInstanceWithResult({
              ...cmd,
              ...(body.fetchVariables?.length ? { fetchVariables: body.fetchVariables } : {}),
              requestTimeoutMs: timeoutMs,
            }),
          ),
          deadline,
        ])
        return {
          status: 200,
          body: {
            processDefinitionId: result.bpmnProcessId,
            processDefinitionVersion: result.version,
            tenantId: result.tenantId,
            variables: result.variables,
            processDefinitionKey: result.processDefinitionKey,
            processInstanceKey: result.processInstanceKey,
          },
        }
      } finally {
        clearTimeout(timer)
      }
    },
  },
  {
    method: 'POST',
    path: '/v2/process-instances/:processInstanceKey/cancellation',
    operationId: 'cancelProcessInstance',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'processInstanceKey')
      parseBody(req, validateOperationOnly, true)
      await command('CANCEL', () => ctx.engine.cancelProcessInstance(key))
      return { status: 204 }
    },
  },
  {
    method: 'POST',
    path: '/v2/process-instances/:processInstanceKey/modification',
    operationId: 'modifyProcessInstance',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'processInstanceKey')
      const body = parseBody(req, validateModification)
      await command('MODIFY', () =>
        ctx.engine.modifyProcessInstance({
          processInstanceKey: key,
          activateInstructions: (body.activateInstructions ?? []).map((a) => ({
            elementId: a.elementId,
            ...(a.ancestorElementInstanceKey !== undefined
              ? { ancestorElementInstanceKey: keyText(a.ancestorElementInstanceKey) }
              : {}),
            variableInstructions: (a.variableInstructions ?? []).map((v) => ({
              variables: v.variables,
              ...(v.scopeId ? { scopeId: v.scopeId } : {}),
            })),
          })),
          terminateInstructions: (body.terminateInstructions ?? []).map((t) => ({
            elementInstanceKey: String(t.elementInstanceKey),
          })),
        }),
      )
      return { status: 204 }
    },
  },
  {
    method: 'POST',
    path: '/v2/process-instances/:processInstanceKey/migration',
    operationId: 'migrateProcessInstance',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'processInstanceKey')
      const body = parseBody(req, validateMigration)
      await command('MIGRATE', () =>
        ctx.engine.migrateProcessInstance({
          processInstanceKey: key,
          targetProcessDefinitionKey: String(body.targetProcessDefinitionKey),
          mappingInstructions: body.mappingInstructions.map((m) => ({
            sourceElementId: m.sourceElementId,
            targetElementId: m.targetElementId,
          })),
        }),
      )
      return { status: 204 }
    },
  },
  {
    method: 'POST',
    path: '/v2/incidents/:incidentKey/resolution',
    operationId: 'resolveIncident',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'incidentKey')
      parseBody(req, validateOperationOnly, true)
      await command('RESOLVE', () => ctx.engine.resolveIncident(key))
      return { status: 204 }
    },
  },
  {
    method: 'PUT',
    path: '/v2/element-instances/:elementInstanceKey/variables',
    operationId: 'createElementInstanceVariables',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'elementInstanceKey')
      const body = parseBody(req, validateSetVariables)
      await command('UPDATE', () =>
        ctx.engine.setVariables(key, body.variables, body.local ?? false),
      )
      return { status: 204 }
    },
  },
]
