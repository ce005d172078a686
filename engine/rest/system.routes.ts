/**
 * `GET /v2/license` and `GET /v2/status`, as Camunda 8.8 answers them on a self-managed
 * install without a license key.
 */
import type { RestRoute } from './types'

export const systemRoutes: RestRoute[] = [
  {
    method: 'GET',
    path: '/v2/license',
    operationId: 'getLicense',
    // 8.8 without a license key: not valid, type unknown, not commercial, no expiry.
    handler: async () => ({
      status: 200,
      body: { validLicense: false, licenseType: 'unknown', isCommercial: false, expiresAt: null },
    }),
  },
  {
    method: 'GET',
    path: '/v2/status',
    operationId: 'getStatus',
    // 204 while a partition has a healthy leader (the engine's log works), else 503.
    handler: async (_req, ctx) => ({ status: ctx.engine.status.log === 'up' ? 204 : 503 }),
  },
]
