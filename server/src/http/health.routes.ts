/**
 * `GET /api/health`: each dependency checked for real (the engine, its record log, the
 * database, the job workers), the HTTP thread's event-loop lag and the version, for people and load balancers: 200 when all
 * are up, 503 when any is down.
 */
import { Router } from 'express'
import type { EngineStatus } from '../../../engine/api'
import type { Database } from '../db/database'
import type { WorkersStatus } from '../workers/start-workers'
import type { ZeebeClient } from '../zeebe/zeebe-client'
import { openapi } from './openapi'
import type { ReconcilerStatus } from '../outbox/reconciler'
import { productVersion } from '../version'
import type { EventLoopLag } from './event-loop'

export interface HealthDeps {
  database: Database
  zeebe: ZeebeClient
  engine: {
    embedded: boolean
    address: string
    /** The embedded engine's own view of its record log (absent for a remote Zeebe). */
    status?: () => EngineStatus
  }
  /** The job workers, when they run in this process. */
  workers?: { status(): WorkersStatus }
  reconciler?: { status(): ReconcilerStatus }
  /** The HTTP thread's event-loop lag. */
  eventLoop?: { status(): EventLoopLag }
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
    /** Partitions the brokers report, and how many of them are HEALTHY. */
    partitions?: { total: number; healthy: number }
    /** The embedded engine's record log. */
    log?: EngineStatus
    error?: string
  }
  database: { status: 'up' | 'down'; kind: string; latencyMs?: number; error?: string }
  workers?: WorkersStatus
  /** What the reconciler repaired since start (crash recovery), when it runs. */
  reconciler?: ReconcilerStatus
  /** How late the HTTP thread ran its callbacks (last window and worst since start). */
  eventLoop?: EventLoopLag
}

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref(),
    ),
  ])

/** Zeebe's PartitionBrokerHealth: the clients decode it as its name or its number. */
const isHealthy = (health: unknown) => health === 'HEALTHY' || health === 0

function engineHealth(
  engine: HealthDeps['engine'],
  topology: PromiseSettledResult<Awaited<ReturnType<ZeebeClient['topology']>>>,
): Health['engine'] {
  const base = { embedded: engine.embedded, address: engine.address }
  const log = engine.status?.()
  if (topology.status === 'rejected') {
    return {
      status: 'down',
      ...base,
      ...(log ? { log } : {}),
      error: String(topology.reason),
    }
  }
  const partitions = topology.value.brokers.flatMap((b) => b.partitions)
  const healthy = partitions.filter((p) => isHealthy(p.health)).length
  const problems: string[] = []
  if (partitions.length === 0) problems.push('the gateway knows no partition')
  else if (healthy < partitions.length)
    problems.push(`${partitions.length - healthy} of ${partitions.length} partitions unhealthy`)
  if (log && log.log !== 'up')
    problems.push(`record log ${log.log}${log.error ? ` (${log.error})` : ''}`)
  return {
    status: problems.length ? 'down' : 'up',
    ...base,
    gatewayVersion: topology.value.gatewayVersion,
    brokers: topology.value.brokers.length,
    partitions: { total: partitions.length, healthy },
    ...(log ? { log } : {}),
    ...(problems.length ? { error: problems.join('; ') } : {}),
  }
}

export async function checkHealth({
  database,
  zeebe,
  engine,
  workers,
  reconciler,
  eventLoop,
}: HealthDeps): Promise<Health> {
  const [topology, ping] = await Promise.allSettled([
    withTimeout(zeebe.topology(), 3000),
    withTimeout(database.ping(), 3000),
  ])
  const health: Health = {
    status: 'ok',
    version: productVersion,
    engine: engineHealth(engine, topology),
    database:
      ping.status === 'fulfilled'
        ? { status: 'up', kind: database.kind, latencyMs: Math.round(ping.value * 100) / 100 }
        : { status: 'down', kind: database.kind, error: String(ping.reason) },
    ...(workers ? { workers: workers.status() } : {}),
    ...(reconciler ? { reconciler: reconciler.status() } : {}),
    ...(eventLoop ? { eventLoop: eventLoop.status() } : {}),
  }
  if (
    health.engine.status === 'down' ||
    health.database.status === 'down' ||
    health.workers?.status === 'down'
  )
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

openapi.register({
  method: 'get',
  path: '/health',
  tag: 'meta',
  summary: 'Engine, database and version (503 when degraded)',
  roles: 'public',
})
