/**
 * The express application: security headers, JSON bodies (anything else is 415; NUL characters
 * and runaway nesting are 400 before a route sees them), the API routers under `/api`, the
 * built client with single-page fallback, and one error middleware that writes problem JSON.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import express, { type ErrorRequestHandler, type Router } from 'express'
import { NotFoundError, toProblem } from '../errors'
import type { Logger } from '../log'
import { refuseUnsafeInput, requireJsonBody } from './validation'
import { APP_CSP } from './content-security'

export interface AppOptions {
  /** Routers mounted under `/api`, in order. The session middleware comes first. */
  apiRouters: (Router | express.RequestHandler)[]
  /** Folder of the built client (index.html and assets); skipped when absent. */
  clientDist: string
  log: Logger
  /**
   * Proxies trusted to name the client in `X-Forwarded-For` (TRUST_PROXY): '' = none, digits = a
   * hop count, else addresses / CIDR ranges / `loopback`, comma-separated.
   */
  trustProxy?: string
}

export function createApp({
  apiRouters,
  clientDist,
  log,
  trustProxy = '',
}: AppOptions): express.Express {
  const app = express()
  app.disable('x-powered-by')
  // by default nobody: a client must not choose its own address with a header (login throttle)
  app.set(
    'trust proxy',
    trustProxy === '' ? false : /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy,
  )
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Referrer-Policy', 'same-origin')
    // HTML exports set a stricter one of their own
    res.setHeader('Content-Security-Policy', APP_CSP)
    next()
  })

  const api = express.Router()
  api.use(requireJsonBody)
  api.use(express.json({ limit: '2mb', type: ['application/json', 'application/*+json'] }))
  api.use(refuseUnsafeInput)
  for (const r of apiRouters) api.use(r)
  api.use((req) => {
    throw new NotFoundError(`No API route ${req.method} ${req.path}.`)
  })
  app.use('/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store')
    next()
  })
  app.use('/api', api)

  if (existsSync(join(clientDist, 'index.html'))) {
    app.use(express.static(clientDist, { index: false, maxAge: '1h' }))
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache')
      res.sendFile(join(clientDist, 'index.html'))
    })
  } else {
    app.get('/', (_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send('The web app is not built. Run `npm run build:client` (npm start does it).')
    })
  }

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const problem = toProblem(err)
    // an outage answers 503 to many requests: one line each, without a stack
    if (problem.status === 503) log.warn(`${req.method} ${req.originalUrl}: ${problem.detail}`)
    else if (problem.status >= 500) log.error(`${req.method} ${req.originalUrl} failed`, err)
    res.status(problem.status).type('application/problem+json').json(problem)
  }
  app.use(onError)
  return app
}
