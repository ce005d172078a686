/** The command side of the v2 API (what writes to the engine), joined for routes.ts. */
import { deploymentRoutes } from './deployment.routes'
import { jobRoutes } from './job.routes'
import { messageRoutes } from './message.routes'
import { processInstanceRoutes } from './process-instance.routes'
import { systemRoutes } from './system.routes'
import type { RestRoute } from './types'
import { userTaskRoutes } from './user-task.routes'

export const commandRoutes: RestRoute[] = [
  ...systemRoutes,
  ...deploymentRoutes,
  ...processInstanceRoutes,
  ...jobRoutes,
  ...messageRoutes,
  ...userTaskRoutes,
]
