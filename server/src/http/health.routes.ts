/** `GET /api/health`: engine, database and version, for people and load balancers. */
import { Router } from 'express'
import type { Database } from '../db/database'
import type { ZeebeClient } from '../zeebe/zeebe-client'
import type { ReconcilerStatus } from '../outbox/reconciler'
import { productVersion } from '../version'

export interface HealthDeps {
  database: Database
  zeebe: ZeebeClient
  engine: { embedded: boolean; address: string }
  reconciler?: { status(): ReconcilerStatus }
}

export interface Health {
  status: 'ok' | 'degraded'
  version: string
  engine: {
    status: 'up' | 'down'
    embedded: boolean
    address: string
    gatewayVersion?: string
    brokers?: number
    error?: string
  }
  database: { status: 'up' | 'down'; kind: string; latencyMs?: number; error?: string }
  /** What the reconciler repaired since start (crash recovery), when it runs. */
  reconciler?: ReconcilerStatus
}

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref(),
    ),
  ])

export async function checkHealth({
  database,
  zeebe,
  engine,
  reconciler,
}: HealthDeps): Promise<Health> {
  const [topology, ping] = await Promise.allSettled([
    withTimeout(zeebe.topology(), 3000),
    withTimeout(database.ping(), 3000),
  ])
  const health: Health = {
    status: 'ok',
    version: productVersion,
    engine:
      topology.status === 'fulfilled'
        ? {
            status: 'up',
            embedded: engine.embedded,
            address: engine.address,
            gatewayVersion: topology.value.gatewayVersion,
            brokers: topology.value.brokers.length,
          }
        : {
            status: 'down',
            embedded: engine.embedded,
            address: engine.address,
            error: String(topology.reason),
          },
    database:
      ping.status === 'fulfilled'
        ? { status: 'up', kind: database.kind, latencyMs: Math.round(ping.value * 100) / 100 }
        : { status: 'down', kind: database.kind, error: String(ping.reason) },
    ...(reconciler ? { reconciler: reconciler.status() } : {}),
  }
  if (health.engine.status === 'down' || health.database.status === 'down')
    health.status = 'degraded'
  return health
}

export function healthRoutes(deps: HealthDeps): Router {
  const router = Router()
  router.get('/health', async (_req, res) => {
    const health = await checkHealth(deps)
    res.status(health.status === 'ok' ? 200 : 503).json(health)
  })
  return router
}
