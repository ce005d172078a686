/**
 * No Docker engine runs where this project is built, so docker-compose.yml is checked
 * statically: the services, ports and environment the app's configuration expects.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { configSchema, loadConfig } from '../../server/src/config'

const root = join(import.meta.dirname, '..', '..')

interface Service {
  image?: string
  build?: unknown
  environment?: Record<string, string>
  ports?: string[]
  depends_on?: Record<string, { condition: string }>
  healthcheck?: unknown
}
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>
}

describe('docker-compose.yml', () => {
  test('runs a Camunda 8.8 orchestration cluster with its secondary storage, PostgreSQL 16 and the app', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'app',
      'camunda',
      'elasticsearch',
      'postgres',
    ])
    // the orchestration cluster image (broker, gateway, REST API v2, Operate, Tasklist)
    expect(compose.services.camunda?.image).toMatch(/^camunda\/camunda:8\.8\.\d+$/)
    const env = compose.services.camunda?.environment ?? {}
    // its secondary storage backs the v2 search endpoints the app reads histories and tasks from
    expect(env.CAMUNDA_DATA_SECONDARYSTORAGE_TYPE).toBe('elasticsearch')
    expect(env.CAMUNDA_DATA_SECONDARYSTORAGE_ELASTICSEARCH_URL).toBe('http://elasticsearch:9200')
    expect(env.SPRING_PROFILES_ACTIVE?.split(',')).toEqual(
      expect.arrayContaining(['broker', 'operate', 'tasklist']),
    )
    expect(compose.services.elasticsearch?.image).toMatch(/elasticsearch:8\./)
    expect(compose.services.postgres?.image).toMatch(/^postgres:16/)
    expect(compose.services.app?.build).toBeDefined()
  })

  test('publishes the web app, and the cluster and database only on the loopback interface', () => {
    expect(compose.services.camunda?.ports).toEqual(
      expect.arrayContaining(['127.0.0.1:26500:26500', '127.0.0.1:8080:8080']),
    )
    expect(compose.services.postgres?.ports).toContain('127.0.0.1:5432:5432')
    expect(compose.services.app?.ports).toContain('3000:3000')
  })

  test('points the app at the cluster (gRPC and REST) and the database, so no embedded engine or PGlite starts', () => {
    const env = compose.services.app?.environment ?? {}
    expect(env.ZEEBE_GRPC_ADDRESS).toBe('grpc://camunda:26500')
    expect(env.CAMUNDA_REST_ADDRESS).toBe('http://camunda:8080')
    expect(env.DATABASE_URL).toMatch(
      /^postgres:\/\/sms:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\/sms$/,
    )
    expect(env.PORT).toBe(compose.services.app?.ports?.[0]?.split(':')[1])
    expect(env.HOST).toBe('0.0.0.0')
  })

  test('sets only variables the configuration knows, with values it accepts', () => {
    const env = compose.services.app?.environment ?? {}
    for (const name of Object.keys(env)) expect(Object.keys(configSchema)).toContain(name)
    const resolved = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{POSTGRES_PASSWORD[^}]*\}/g, 'pw')]),
    )
    const config = loadConfig(resolved)
    expect(config.ZEEBE_GRPC_ADDRESS).toBe('grpc://camunda:26500')
    expect(config.CAMUNDA_REST_ADDRESS).toBe('http://camunda:8080')
    expect(config.DATABASE_URL).toBe('postgres://sms:pw@postgres:5432/sms')
  })

  test('starts each service only after what it needs is healthy', () => {
    expect(compose.services.app?.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      camunda: { condition: 'service_healthy' },
    })
    expect(compose.services.camunda?.depends_on).toEqual({
      elasticsearch: { condition: 'service_healthy' },
    })
    for (const name of ['postgres', 'camunda', 'elasticsearch'])
      expect(compose.services[name]?.healthcheck).toBeDefined()
  })

  test('keeps the database password out of the repository', () => {
    const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8')
    expect(text).toMatch(/POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?/)
  })
})

describe('README', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')

  test('opens with the start and test commands', () => {
    const firstCommands = [...readme.matchAll(/^```(?:bash|sh)?\n([^`]+)```/gm)].map((m) =>
      m[1]!.trim(),
    )
    expect(firstCommands[0]).toBe('npm install && npm start')
    expect(firstCommands[1]).toBe('npm test')
  })

  test.each(Object.entries(configSchema))('documents %s with its default', (name, spec) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\``))
    expect(row, `README row for ${name}`).toBeDefined()
    expect(row).toContain(spec.default === '' ? '(empty)' : `\`${String(spec.default)}\``)
  })
})
