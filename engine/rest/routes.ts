/** Every route the engine's v2 REST API serves: the route modules' lists, joined. */
import type { RestRoute } from './types'
import { clusterRoutes } from './cluster.routes'
import { commandRoutes } from './command.routes'
import { queryRoutes } from './query.routes'

export function allRoutes(): RestRoute[] {
  return [...clusterRoutes, ...commandRoutes, ...queryRoutes]
}
