/**
 * gateway.proto's ModifyProcessInstanceRequest and MigrateProcessInstanceRequest → the engine's
 * commands (variables as JSON object strings, int64 keys as decimal strings).
 */
import * as grpc from '@grpc/grpc-js'
import type { ActivateInstruction, MigrateInstanceCommand, ModifyInstanceCommand } from '../api'
import { GatewayError, keyOf, parseVariables, requireKey } from './convert'

const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v))
const list = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v)
    ? v.map((o: unknown) => (o && typeof o === 'object' ? (o as Record<string, unknown>) : {}))
    : []

export function modifyCommandOf(req: Record<string, unknown>, rpc: string): ModifyInstanceCommand {
  const activateInstructions = list(req.activateInstructions).map((a): ActivateInstruction => {
    const elementId = str(a.elementId)
    if (!elementId) {
      throw new GatewayError(
        grpc.status.INVALID_ARGUMENT,
        `Expected ${rpc} activate instructions to have a non-empty elementId`,
      )
    }
    const ancestor = keyOf(a.ancestorElementInstanceKey)
    return {
      elementId,
      ...(ancestor !== undefined ? { ancestorElementInstanceKey: ancestor } : {}),
      variableInstructions: list(a.variableInstructions).map((v) => ({
        variables: parseVariables(v.variables, rpc),
        scopeId: str(v.scopeId),
      })),
    }
  })
  const terminateInstructions = list(req.terminateInstructions).map((t) => ({
    elementInstanceKey: requireKey(t.elementInstanceKey, rpc, 'elementInstanceKey'),
  }))
  return {
    processInstanceKey: requireKey(req.processInstanceKey, rpc, 'processInstanceKey'),
    activateInstructions,
    terminateInstructions,
  }
}

export function migrateCommandOf(
  req: Record<string, unknown>,
  rpc: string,
): MigrateInstanceCommand {
  const plan =
    req.migrationPlan && typeof req.migrationPlan === 'object'
      ? (req.migrationPlan as Record<string, unknown>)
      : {}
  return {
    processInstanceKey: requireKey(req.processInstanceKey, rpc, 'processInstanceKey'),
    targetProcessDefinitionKey: requireKey(
      plan.targetProcessDefinitionKey,
      rpc,
      'migrationPlan.targetProcessDefinitionKey',
    ),
    mappingInstructions: list(plan.mappingInstructions).map((m) => ({
      sourceElementId: str(m.sourceElementId),
      targetElementId: str(m.targetElementId),
    })),
  }
}
