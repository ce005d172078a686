/**
 * The deployment and resource RPCs of Zeebe's gateway: DeployResource, DeployProcess
 * (deprecated), DeleteResource, EvaluateDecision.
 */
import * as grpc from '@grpc/grpc-js'
import type { DeployResource, EngineApi } from '../api'
import { DEFAULT_TENANT, GatewayError, requireKey, tenantOf } from './convert'
import { dmnDeployments, evaluateDecisionRpc } from './decision'
import { type Handlers, str, unary } from './unary'

function resourcesOf(list: unknown, nameField: string, contentField: string): DeployResource[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw new GatewayError(
      grpc.status.INVALID_ARGUMENT,
      'Expected to deploy at least one resource, but none given',
    )
  }
  return list.map((r: unknown) => {
    const o = (r && typeof r === 'object' ? r : {}) as Record<string, unknown>
    const raw = o[contentField]
    const content = Buffer.isBuffer(raw)
      ? raw
      : raw instanceof Uint8Array
        ? Buffer.from(raw)
        : Buffer.from(str(raw))
    return { name: str(o[nameField]), content }
  })
}

export function resourceRpcs(engine: EngineApi): Handlers {
  const handlers: Handlers = {}

  handlers.DeployResource = unary(async (req) => {
    const resources = resourcesOf(req.resources, 'name', 'content')
    const result = await engine.deployResources(resources, tenantOf(req.tenantId, 'DeployResource'))
    return {
      key: result.key,
      tenantId: result.tenantId || DEFAULT_TENANT,
      deployments: [
        ...result.processes.map((p) => ({
          process: { ...p, tenantId: p.tenantId || DEFAULT_TENANT },
        })),
        ...dmnDeployments(result),
        ...result.forms.map((f) => ({ form: { ...f, tenantId: f.tenantId || DEFAULT_TENANT } })),
      ],
    }
  })

  handlers.DeployProcess = unary(async (req) => {
    const resources = resourcesOf(req.processes, 'name', 'definition')
    const result = await engine.deployResources(resources, DEFAULT_TENANT)
    return {
      key: result.key,
      processes: result.processes.map((p) => ({ ...p, tenantId: p.tenantId || DEFAULT_TENANT })),
    }
  })

  handlers.DeleteResource = unary(async (req) => {
    await engine.deleteResource(requireKey(req.resourceKey, 'DeleteResource', 'resourceKey'))
    return {}
  })

  handlers.EvaluateDecision = unary((req) => evaluateDecisionRpc(engine, req))

  return handlers
}
