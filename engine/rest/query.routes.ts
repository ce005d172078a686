/** The read/search side of the v2 API (secondary storage): its route modules, joined. */
import { definitionsQueryRoutes } from './definitions-query.routes'
import { instancesQueryRoutes } from './instances-query.routes'
import { tasksQueryRoutes } from './tasks-query.routes'
import type { RestRoute } from './types'

export const queryRoutes: RestRoute[] = [
  ...instancesQueryRoutes,
  ...definitionsQueryRoutes,
  ...tasksQueryRoutes,
]
