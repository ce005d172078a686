import { describe, expect, test } from 'vitest'
import { ConfigError, configSchema, loadConfig, redactConfig } from './config'

describe('configuration', () => {
  test('uses the embedded defaults when nothing is set', () => {
    // given an empty environment
    // when
    const config = loadConfig({})
    // then
    expect(config.ZEEBE_GRPC_ADDRESS).toBe('')
    expect(config.DATABASE_URL).toBe('')
    expect(config.PORT).toBe(3000)
    expect(config.DATA_DIR).toBe('./data')
    expect(config.SEED_DEMO_DATA).toBe(true)
  })

  test('coerces numbers and booleans from strings', () => {
    const config = loadConfig({ PORT: '8080', SEED_DEMO_DATA: 'no', COOKIE_SECURE: 'true' })
    expect(config.PORT).toBe(8080)
    expect(config.SEED_DEMO_DATA).toBe(false)
    expect(config.COOKIE_SECURE).toBe(true)
  })

  test('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' }).PORT).toBe(3000)
  })

  test('names every bad variable at once', () => {
    // given three invalid values
    const env = { PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' }
    // when
    let error: unknown
    try {
      loadConfig(env)
    } catch (err) {
      error = err
    }
    // then
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems.join('\n')
    expect(problems).toMatch(/^PORT=/m)
    expect(problems).toMatch(/^LOG_LEVEL=/m)
    expect(problems).toMatch(/^DATABASE_URL=/m)
  })

  test("a cluster REST address must be a URL and comes with the same cluster's gRPC address", () => {
    expect(() =>
      loadConfig({
        CAMUNDA_REST_ADDRESS: 'camunda:8080',
        ZEEBE_GRPC_ADDRESS: 'grpc://camunda:26500',
      }),
    ).toThrow(/CAMUNDA_REST_ADDRESS=/)
    expect(() => loadConfig({ CAMUNDA_REST_ADDRESS: 'http://camunda:8080' })).toThrow(
      /CAMUNDA_REST_ADDRESS=.*set ZEEBE_GRPC_ADDRESS/,
    )
    const config = loadConfig({
      CAMUNDA_REST_ADDRESS: 'http://camunda:8080',
      ZEEBE_GRPC_ADDRESS: 'grpc://camunda:26500',
    })
    expect(config.CAMUNDA_REST_ADDRESS).toBe('http://camunda:8080')
    expect(loadConfig({}).ENGINE_REST_PORT).toBe(8080)
  })

  test('never prints a secret, even when it is invalid', () => {
    let message = ''
    try {
      loadConfig({ DATABASE_URL: 'secret-password-in-url' })
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toContain('DATABASE_URL=(hidden)')
    expect(message).not.toContain('secret-password-in-url')
    const redacted = redactConfig(loadConfig({ DATABASE_URL: 'postgres://u:pw@h/db' }))
    expect(redacted.DATABASE_URL).toBe('(set)')
  })

  test.each(Object.entries(configSchema))('documents %s with a description', (_name, spec) => {
    expect(spec.description.length).toBeGreaterThan(10)
  })
})
