/**
 * The product's configuration: the only module that reads `process.env`.
 *
 * Every variable is declared once below with its type, default and meaning; `loadConfig`
 * validates them all with ajv and throws a {@link ConfigError} naming every bad one, so a
 * misconfigured start-up stops before anything is opened. The README's configuration table is
 * checked against this schema by a test.
 */
import { Ajv } from 'ajv'

/** One entry of the configuration schema: JSON-schema fragment plus documentation. */
interface VariableSpec {
  type: 'string' | 'integer' | 'boolean'
  default: string | number | boolean
  description: string
  enum?: readonly string[]
  minimum?: number
  maximum?: number
  pattern?: string
  maxLength?: number
  /** A secret is never printed, logged or returned by the API. */
  secret?: boolean
}

/** Every environment variable the product reads. */
export const configSchema = {
  PORT: {
    type: 'integer',
    default: 3000,
    minimum: 0,
    maximum: 65535,
    description: 'HTTP port of the API and web app (0 = any free port).',
  },
  HOST: {
    type: 'string',
    default: '127.0.0.1',
    description: 'Interface the HTTP server listens on (`0.0.0.0` in containers).',
  },
  PUBLIC_URL: {
    type: 'string',
    default: '',
    description: 'URL users open, used in links of notifications; empty = http://HOST:PORT.',
  },
  DATA_DIR: {
    type: 'string',
    default: './data',
    description: 'Folder for the embedded database (PGlite) and uploaded attachments.',
  },
  DATABASE_URL: {
    type: 'string',
    default: '',
    pattern: '^$|^postgres(ql)?://',
    description: 'PostgreSQL connection URL; empty = embedded PGlite persisted in DATA_DIR.',
    secret: true,
  },
  PGLITE_WORKER: {
    type: 'boolean',
    default: false,
    description:
      'Run the embedded database (PGlite, when DATABASE_URL is empty) on a worker thread of its own, so its statements do not stop the HTTP thread (lower event-loop lag, but slower requests as measured so far: engine/README.md); false = on the HTTP thread.',
  },
  ZEEBE_GRPC_ADDRESS: {
    type: 'string',
    default: '',
    description:
      'gRPC address of a Zeebe gateway (`grpc://host:26500` plaintext, `host:port` TLS); empty = start the embedded engine.',
  },
  CAMUNDA_REST_ADDRESS: {
    type: 'string',
    default: '',
    pattern: '^$|^https?://[^/\\s]+/?$',
    description:
      "Orchestration Cluster REST API (v2) of a Camunda 8.8 cluster (`http://camunda:8080`), beside ZEEBE_GRPC_ADDRESS and with the same auth settings; required with it (instance histories and tracking are read through it); empty = the embedded engine's.",
  },
  CAMUNDA_SEARCH_LAG_MS: {
    type: 'integer',
    default: 10000,
    minimum: 0,
    maximum: 600000,
    description:
      "How long (ms) a cluster's secondary storage may lag its engine: how far back each instance-tracking pass reads again, and how long crash recovery waits for v2 searches to show what a lost call did. The embedded engine uses 2000.",
  },
  ENGINE_REST_PORT: {
    type: 'integer',
    default: 8080,
    minimum: 0,
    maximum: 65535,
    description:
      "Port of the embedded engine's Orchestration Cluster REST API (v2) when ZEEBE_GRPC_ADDRESS is empty (0 = any free port).",
  },
  ENGINE_PORT: {
    type: 'integer',
    default: 26500,
    minimum: 0,
    maximum: 65535,
    description:
      'gRPC port of the embedded engine when ZEEBE_GRPC_ADDRESS is empty (0 = any free port).',
  },
  ZEEBE_AUTH_STRATEGY: {
    type: 'string',
    default: 'NONE',
    enum: ['NONE', 'OAUTH', 'BASIC', 'BEARER'],
    description:
      'How the server authenticates to a Zeebe gateway given by ZEEBE_GRPC_ADDRESS (`BEARER` = the static ZEEBE_BEARER_TOKEN, e.g. the ENGINE_TOKEN of a standalone `npm run engine`). The embedded engine always gets a random token of its own.',
  },
  ZEEBE_BEARER_TOKEN: {
    type: 'string',
    default: '',
    description: 'Static bearer token for the Zeebe gateway (ZEEBE_AUTH_STRATEGY=BEARER).',
    secret: true,
  },
  ZEEBE_CLIENT_ID: {
    type: 'string',
    default: '',
    description: 'OAuth client id for Zeebe (ZEEBE_AUTH_STRATEGY=OAUTH).',
  },
  ZEEBE_CLIENT_SECRET: {
    type: 'string',
    default: '',
    description: 'OAuth client secret for Zeebe (ZEEBE_AUTH_STRATEGY=OAUTH).',
    secret: true,
  },
  ZEEBE_OAUTH_URL: {
    type: 'string',
    default: '',
    description: 'OAuth token endpoint for Zeebe (ZEEBE_AUTH_STRATEGY=OAUTH).',
  },
  ZEEBE_TOKEN_AUDIENCE: {
    type: 'string',
    default: 'zeebe-api',
    description: 'OAuth audience for Zeebe tokens (ZEEBE_AUTH_STRATEGY=OAUTH).',
  },
  SEED_DEMO_DATA: {
    type: 'boolean',
    default: true,
    description:
      'On first start (no users yet) create demo users for every role and print their passwords.',
  },
  DEPLOY_PROCESSES: {
    type: 'boolean',
    default: true,
    description: 'Deploy the BPMN files of `processes/` and forms of `forms/` on start.',
  },
  SMTP_URL: {
    type: 'string',
    default: '',
    pattern: '^$|^smtps?://',
    description:
      'SMTP server for notifications (`smtp://user:pass@host:587`); empty = in-app only.',
    secret: true,
  },
  COOKIE_SECURE: {
    type: 'boolean',
    default: false,
    description: 'Mark the session cookie `Secure` (set true behind HTTPS).',
  },
  SESSION_TTL_HOURS: {
    type: 'integer',
    default: 12,
    minimum: 1,
    maximum: 720,
    description: 'Idle lifetime of a login session, in hours.',
  },
  TRUST_PROXY: {
    type: 'string',
    default: '',
    pattern: '^$|^[0-9]{1,2}$|^[0-9A-Za-z:./]+( *, *[0-9A-Za-z:./]+)*$',
    description:
      'Reverse proxies whose `X-Forwarded-For` names the client (login throttling and logs): addresses, CIDR ranges or `loopback`/`uniquelocal`, comma-separated, or the number of proxy hops; empty = none, the socket peer is the client.',
  },
  LOGIN_MAX_FAILURES: {
    type: 'integer',
    default: 10,
    minimum: 1,
    maximum: 1000,
    description:
      'Unsuccessful logins allowed per account from one address in 15 minutes (×10 per address over all accounts; ×5 per account over all addresses, after which only addresses the account logged in from before may try). Counted in the database.',
  },
  WORKING_DATA_RETENTION_DAYS: {
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: 36500,
    description:
      'Days after a process instance ends before its working data (tasks, their variables and comments) is purged; 0 = keep forever. The evidence trail and the engine’s history (its secondary storage) are not purged by the server, so histories outlive the purge.',
  },
  MANAGEMENT_REVIEW_INTERVAL_DAYS: {
    type: 'integer',
    default: 365,
    minimum: 1,
    maximum: 365,
    description:
      'Days between management reviews (ISO/IEC 20000-1 4.5.4.3: at planned intervals, at least yearly): the daily check records the next review this long after the last one.',
  },
  RISK_APPETITE_SCORE: {
    type: 'integer',
    default: 12,
    minimum: 1,
    maximum: 25,
    description:
      'The risk appetite (ISO/IEC 20000-1 4.5.2 j, criteria for accepting risks): the highest risk score (likelihood × impact, 1–25) accepted; risks scoring above it are the high risks a management review reads (4.5.4.3 e).',
  },
  EVIDENCE_SIGNING_KEY: {
    type: 'string',
    default: '',
    pattern: '^$|^[0-9a-fA-F]{64}$',
    description:
      'Ed25519 private key (32-byte seed as 64 hex characters, e.g. `openssl rand -hex 32`) that signs the checkpoints of the evidence trail; keep it in a secret store, never in the database. Empty = a key generated on first start in `<DATA_DIR>/evidence-signing.key` (mode 0600, logged once): back that file up.',
    secret: true,
  },
  EVIDENCE_CHECKPOINT_ENTRIES: {
    type: 'integer',
    default: 100,
    minimum: 0,
    maximum: 1000000,
    description:
      'Append a signed checkpoint to the evidence trail after this many entries (0 = not by count; checkpoints still come by time, at start and on demand).',
  },
  EVIDENCE_CHECKPOINT_MINUTES: {
    type: 'integer',
    default: 60,
    minimum: 0,
    maximum: 10080,
    description:
      'Minutes between signed checkpoints of the evidence trail while entries come in (0 = not by time).',
  },
  EVENT_LOOP_LAG_WARN_MS: {
    type: 'integer',
    default: 200,
    minimum: 0,
    maximum: 600000,
    description:
      'Log a warning when the p99 event-loop lag of the HTTP thread over a 10-second window passes this many milliseconds (0 = never); the figures are on `/api/health` either way.',
  },
  ORG_TIME_ZONE: {
    type: 'string',
    default: '',
    maxLength: 64,
    description:
      "The organisation's IANA time zone (`Europe/Berlin`) for times in printed reports; empty = the server's.",
  },
  LOG_LEVEL: {
    type: 'string',
    default: 'info',
    enum: ['debug', 'info', 'warn', 'error', 'silent'],
    description: 'Least severe log level printed.',
  },
} as const satisfies Record<string, VariableSpec>

type Schema = typeof configSchema
type ValueOf<S extends VariableSpec> = S extends { enum: readonly (infer E)[] }
  ? E
  : S['type'] extends 'integer'
    ? number
    : S['type'] extends 'boolean'
      ? boolean
      : string

/** Validated configuration, one typed field per variable. */
export type Config = { readonly [K in keyof Schema]: ValueOf<Schema[K]> }

/** Thrown when one or more variables are invalid; `problems` names each of them. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true })
const validate = ajv.compile({
  type: 'object',
  properties: Object.fromEntries(
    Object.entries(configSchema).map(([name, spec]) => {
      const { description: _d, secret: _s, ...jsonSchema } = spec as VariableSpec
      return [name, jsonSchema]
    }),
  ),
})

/**
 * Reads and validates the configuration from `env` (default: `process.env`). Empty strings
 * count as unset so `FOO=` falls back to the default.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, unknown> = {}
  for (const name of Object.keys(configSchema)) {
    const raw = env[name]
    if (raw !== undefined && raw !== '') input[name] = raw
  }
  // ajv coerces "true"/"false" and "1"/"0", but people also write yes/no.
  for (const [name, spec] of Object.entries(configSchema)) {
    if (spec.type === 'boolean' && typeof input[name] === 'string') {
      const v = (input[name] as string).toLowerCase()
      if (v === 'yes' || v === 'on') input[name] = 'true'
      if (v === 'no' || v === 'off') input[name] = 'false'
    }
  }
  if (!validate(input)) {
    const problems = (validate.errors ?? []).map((e) => {
      const name = e.instancePath.replace(/^\//, '')
      const spec = (configSchema as Record<string, VariableSpec>)[name]
      const shown = spec?.secret ? '(hidden)' : JSON.stringify(env[name])
      return `${name}=${shown}: ${e.message ?? 'invalid'}${spec ? ` (${spec.description})` : ''}`
    })
    throw new ConfigError(problems)
  }
  // a cluster's REST API without its gateway would leave the server talking to two engines
  if (input.CAMUNDA_REST_ADDRESS && !input.ZEEBE_GRPC_ADDRESS) {
    throw new ConfigError([
      `CAMUNDA_REST_ADDRESS=${JSON.stringify(env.CAMUNDA_REST_ADDRESS)}: set ZEEBE_GRPC_ADDRESS to the same cluster's gateway, or unset both for the embedded engine`,
    ])
  }
  // instance histories, tracking and crash recovery read the cluster's v2 searches
  if (input.ZEEBE_GRPC_ADDRESS && !input.CAMUNDA_REST_ADDRESS) {
    throw new ConfigError([
      `ZEEBE_GRPC_ADDRESS=${JSON.stringify(env.ZEEBE_GRPC_ADDRESS)}: set CAMUNDA_REST_ADDRESS to the same cluster's Orchestration Cluster REST API (v2)`,
    ])
  }
  if (
    typeof input.ORG_TIME_ZONE === 'string' &&
    input.ORG_TIME_ZONE &&
    !isTimeZone(input.ORG_TIME_ZONE)
  ) {
    throw new ConfigError([
      `ORG_TIME_ZONE=${JSON.stringify(env.ORG_TIME_ZONE)}: not an IANA time zone such as Europe/Berlin`,
    ])
  }
  return Object.freeze(input) as Config
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    // Intl refuses a zone it does not know
    return false
  }
}

/** The organisation's time zone: ORG_TIME_ZONE, else the server's. */
export function orgTimeZone(config: Pick<Config, 'ORG_TIME_ZONE'>): string {
  return config.ORG_TIME_ZONE || Intl.DateTimeFormat().resolvedOptions().timeZone
}

/** The configuration with secrets replaced, for logs and diagnostics. */
export function redactConfig(config: Config): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [
      k,
      (configSchema as Record<string, VariableSpec>)[k]?.secret && v ? '(set)' : v,
    ]),
  )
}
