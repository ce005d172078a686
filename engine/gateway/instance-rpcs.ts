/**
 * The process instance RPCs of Zeebe's gateway: CreateProcessInstance (also with result),
 * CancelProcessInstance, SetVariables, ModifyProcessInstance, MigrateProcessInstance,
 * ResolveIncident, and the message and signal RPCs that start or continue instances
 * (PublishMessage, BroadcastSignal).
 */
import * as grpc from '@grpc/grpc-js'
import type { CreateInstanceCommand, EngineApi } from '../api'
import {
  DEFAULT_TENANT,
  GatewayError,
  int64Of,
  keyOf,
  parseVariables,
  requireKey,
  tenantOf,
} from './convert'
import { migrateCommandOf, modifyCommandOf } from './instance-commands'
import { type Handlers, str, stringList, unary } from './unary'

/** Wait of CreateProcessInstanceWithResult when the request says 0 (Zeebe's request timeout). */
export const DEFAULT_RESULT_TIMEOUT_MS = 15_000

function createCommandOf(request: Record<string, unknown>, rpc: string): CreateInstanceCommand {
  const processDefinitionKey = keyOf(request.processDefinitionKey)
  const bpmnProcessId = str(request.bpmnProcessId)
  if (!processDefinitionKey && !bpmnProcessId) {
    throw new GatewayError(
      grpc.status.INVALID_ARGUMENT,
      `Expected ${rpc} to name a process by bpmnProcessId or processDefinitionKey, but neither was given`,
    )
  }
  const version = int64Of(request.version, -1)
  const instructions = Array.isArray(request.startInstructions) ? request.startInstructions : []
  const startInstructions = instructions
    .map((i: unknown) => (i && typeof i === 'object' && 'elementId' in i ? str(i.elementId) : ''))
    .filter((elementId) => elementId !== '')
    .map((elementId) => ({ elementId }))
  const command: CreateInstanceCommand = {
    variables: parseVariables(request.variables, rpc),
    tenantId: tenantOf(request.tenantId, rpc),
  }
  if (processDefinitionKey) command.processDefinitionKey = processDefinitionKey
  else {
    command.bpmnProcessId = bpmnProcessId
    command.version = version === 0 ? -1 : version
  }
  if (startInstructions.length) command.startInstructions = startInstructions
  return command
}

export function instanceRpcs(engine: EngineApi): Handlers {
  const handlers: Handlers = {}

  handlers.CreateProcessInstance = unary(async (req) => {
    const created = await engine.createProcessInstance(
      createCommandOf(req, 'CreateProcessInstance'),
    )
    return { ...created, tenantId: created.tenantId || DEFAULT_TENANT }
  })

  handlers.CreateProcessInstanceWithResult = unary(async (req) => {
    const rpc = 'CreateProcessInstanceWithResult'
    const inner = req.request && typeof req.request === 'object' ? req.request : {}
    const command = createCommandOf(inner as Record<string, unknown>, rpc)
    const requested = int64Of(req.requestTimeout, 0)
    const timeoutMs = requested > 0 ? requested : DEFAULT_RESULT_TIMEOUT_MS
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new GatewayError(
              grpc.status.DEADLINE_EXCEEDED,
              `Expected the process instance to complete within ${timeoutMs} ms, but it did not (it keeps running)`,
            ),
          ),
        timeoutMs,
      )
    })
    try {
      const result = await Promise.race([
        engine.createProcessInstanceWithResult({
          ...command,
          fetchVariables: stringList(req.fetchVariables),
          requestTimeoutMs: timeoutMs,
        }),
        deadline,
      ])
      return {
        processDefinitionKey: result.processDefinitionKey,
        bpmnProcessId: result.bpmnProcessId,
        version: result.version,
        processInstanceKey: result.processInstanceKey,
        variables: JSON.stringify(result.variables ?? {}),
        tenantId: result.tenantId || DEFAULT_TENANT,
      }
    } finally {
      clearTimeout(timer)
    }
  })

  handlers.CancelProcessInstance = unary(async (req) => {
    await engine.cancelProcessInstance(
      requireKey(req.processInstanceKey, 'CancelProcessInstance', 'processInstanceKey'),
    )
    return {}
  })

  handlers.SetVariables = unary(async (req) => {
    const rpc = 'SetVariables'
    const variables = parseVariables(req.variables, rpc)
    const result = await engine.setVariables(
      requireKey(req.elementInstanceKey, rpc, 'elementInstanceKey'),
      variables,
      req.local === true,
    )
    return { key: result.key }
  })

  handlers.ModifyProcessInstance = unary(async (req) => {
    const rpc = 'ModifyProcessInstance'
    await engine.modifyProcessInstance(modifyCommandOf(req, rpc))
    return {}
  })

  handlers.MigrateProcessInstance = unary(async (req) => {
    const rpc = 'MigrateProcessInstance'
    await engine.migrateProcessInstance(migrateCommandOf(req, rpc))
    return {}
  })

  handlers.ResolveIncident = unary(async (req) => {
    await engine.resolveIncident(requireKey(req.incidentKey, 'ResolveIncident', 'incidentKey'))
    return {}
  })

  handlers.PublishMessage = unary(async (req) => {
    const rpc = 'PublishMessage'
    const name = str(req.name)
    if (!name)
      throw new GatewayError(
        grpc.status.INVALID_ARGUMENT,
        `Expected ${rpc} to have a non-empty name`,
      )
    const messageId = str(req.messageId)
    const published = await engine.publishMessage({
      name,
      correlationKey: str(req.correlationKey),
      timeToLiveMs: Math.max(0, int64Of(req.timeToLive, 0)),
      ...(messageId ? { messageId } : {}),
      variables: parseVariables(req.variables, rpc),
      tenantId: tenantOf(req.tenantId, rpc),
    })
    return { key: published.key, tenantId: published.tenantId || DEFAULT_TENANT }
  })

  handlers.BroadcastSignal = unary(async (req) => {
    const rpc = 'BroadcastSignal'
    const signalName = str(req.signalName)
    if (!signalName) {
      throw new GatewayError(
        grpc.status.INVALID_ARGUMENT,
        `Expected ${rpc} to have a non-empty signalName`,
      )
    }
    const signal = await engine.broadcastSignal(
      signalName,
      parseVariables(req.variables, rpc),
      tenantOf(req.tenantId, rpc),
    )
    return { key: signal.key, tenantId: signal.tenantId || DEFAULT_TENANT }
  })

  return handlers
}
