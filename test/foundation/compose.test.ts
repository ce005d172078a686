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
  test('runs a Zeebe 8.8 broker, PostgreSQL 16 and the app', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'postgres', 'zeebe'])
    expect(compose.services.zeebe?.image).toMatch(/^camunda\/(zeebe|camunda):8\.8/)
    expect(compose.services.postgres?.image).toMatch(/^postgres:16/)
    expect(compose.services.app?.build).toBeDefined()
  })

  test('publishes the gRPC gateway, PostgreSQL and the web app ports', () => {
    expect(compose.services.zeebe?.ports).toContain('26500:26500')
    expect(compose.services.postgres?.ports).toContain('5432:5432')
    expect(compose.services.app?.ports).toContain('3000:3000')
  })

  test('points the app at the broker and the database, so no embedded engine or PGlite starts', () => {
    const env = compose.services.app?.environment ?? {}
    expect(env.ZEEBE_GRPC_ADDRESS).toBe('grpc://zeebe:26500')
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
    expect(config.ZEEBE_GRPC_ADDRESS).toBe('grpc://zeebe:26500')
    expect(config.DATABASE_URL).toBe('postgres://sms:pw@postgres:5432/sms')
  })

  test('starts the app only after the database and broker are healthy', () => {
    expect(compose.services.app?.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      zeebe: { condition: 'service_healthy' },
    })
    expect(compose.services.postgres?.healthcheck).toBeDefined()
    expect(compose.services.zeebe?.healthcheck).toBeDefined()
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
