/**
 * The standalone engine (`npm run engine`): Zeebe's gateway on port 26500 for zbctl, the
 * official clients and any other app, with its record log in PGlite under ./data/engine or in a
 * PostgreSQL server.
 *
 * Options (command line first, then environment; the engine has no config module of its own
 * and must not use the server's):
 *   --port N            ENGINE_PORT          gRPC port (default 26500; 0 = any free port)
 *   --host H            ENGINE_HOST          interface (default 127.0.0.1; 0.0.0.0 = all)
 *   --data-dir DIR      ENGINE_DATA_DIR      PGlite folder (default ./data/engine)
 *   --database-url URL  ENGINE_DATABASE_URL  postgres://… instead of PGlite
 *   --http-port N       ENGINE_HTTP_PORT     record log HTTP/JSON endpoint (default 26580;
 *                                            0 = any free port; `off` = not served)
 *   --rest-port N       ENGINE_REST_PORT     Orchestration Cluster REST API v2 (default 8080;
 *                                            0 = any free port; `off` = not served)
 *   (environment only)  ENGINE_TOKEN         shared secret every gRPC call and HTTP request
 *                                            must carry as `authorization: Bearer <token>`
 *                                            (clients: CAMUNDA_AUTH_STRATEGY=BEARER); required
 *                                            when the host is not loopback
 */
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { openEngineDatabase, startEngine } from './index'

/** Options of the standalone engine after parsing. */
export interface MainOptions {
  port: number
  host: string
  dataDir: string
  databaseUrl: string
  /** undefined = no HTTP endpoint. */
  httpPort: number | undefined
  /** undefined = no v2 REST API. */
  restPort: number | undefined
  /** Bearer token clients must send; '' = none (loopback only). */
  token: string
}

function portOf(name: string, raw: string): number {
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n > 65535)
    throw new Error(`${name} must be a port number (0-65535), got '${raw}'`)
  return n
}

/** Parses the command line and environment; throws listing what is wrong. */
export function parseMainOptions(argv: string[], env: NodeJS.ProcessEnv): MainOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      'http-port': { type: 'string' },
      'rest-port': { type: 'string' },
    },
    strict: true,
  })
  const http = values['http-port'] ?? env.ENGINE_HTTP_PORT ?? '26580'
  const rest = values['rest-port'] ?? env.ENGINE_REST_PORT ?? '8080'
  return {
    port: portOf('--port', values.port ?? env.ENGINE_PORT ?? '26500'),
    host: values.host ?? env.ENGINE_HOST ?? '127.0.0.1',
    dataDir: values['data-dir'] ?? env.ENGINE_DATA_DIR ?? './data/engine',
    databaseUrl: values['database-url'] ?? env.ENGINE_DATABASE_URL ?? '',
    httpPort: http === 'off' ? undefined : portOf('--http-port', http),
    restPort: rest === 'off' ? undefined : portOf('--rest-port', rest),
    // a secret stays off the command line (visible in the process list)
    token: env.ENGINE_TOKEN ?? '',
  }
}

async function main(): Promise<void> {
  const options = parseMainOptions(process.argv.slice(2), process.env)
  const started = Date.now()
  const database = await openEngineDatabase(
    options.databaseUrl ? { databaseUrl: options.databaseUrl } : { dataDir: options.dataDir },
  )
  const running = await startEngine({
    sql: database.sql,
    port: options.port,
    host: options.host,
    httpPort: options.httpPort,
    restPort: options.restPort,
    token: options.token,
    onError: (err) => console.error('engine:', err),
  })
  const store = database.kind === 'postgres' ? 'PostgreSQL' : `PGlite in ${options.dataDir}`
  console.log(
    `engine gateway listening on ${running.address} (record log in ${store}, ready in ${Date.now() - started} ms)`,
  )
  if (running.httpUrl) console.log(`engine record log HTTP endpoint on ${running.httpUrl}`)
  if (running.restUrl) console.log(`engine REST API (v2) on ${running.restUrl}/v2`)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`engine stopping (${signal})`)
    running
      .stop()
      .then(() => database.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error('engine: stop failed', err)
          process.exit(1)
        },
      )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

// Runs only as the entry point (`tsx engine/main.ts`), so tests can import the option parser.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error('engine: failed to start:', err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
