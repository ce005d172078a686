/** `GET /v2/topology`: the single-node cluster as Camunda 8.8 describes a cluster. */
import type { RestRoute } from './types'

export const clusterRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/v2/topology',
    operationId: 'getTopology',
    handler: async (_req, ctx) => {
      const { version, partitionsCount } = ctx.engine.info
      return {
        status: 200,
        body: {
          brokers: [
            {
              nodeId: 0,
              host: '127.0.0.1',
              port: 26501,
              partitions: Array.from({ length: partitionsCount }, (_, i) => ({
                partitionId: i + 1,
                role: 'leader',
                health: ctx.engine.status.log === 'up' ? 'healthy' : 'unhealthy',
              })),
              version,
            },
          ],
          clusterSize: 1,
          partitionsCount,
          replicationFactor: 1,
          gatewayVersion: version,
          lastCompletedChangeId: '-1',
        },
      }
    },
  },
]
