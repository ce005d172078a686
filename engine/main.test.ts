import { describe, expect, test } from 'vitest'
import { parseMainOptions } from './main'

describe('standalone engine options', () => {
  test('defaults to port 26500, PGlite under ./data/engine and the HTTP endpoint on 26580', () => {
    expect(parseMainOptions([], {})).toEqual({
      port: 26500,
      host: '127.0.0.1',
      dataDir: './data/engine',
      databaseUrl: '',
      httpPort: 26580,
      restPort: 8080,
      token: '',
    })
  })

  test('the command line wins over the environment', () => {
    const options = parseMainOptions(['--port', '0', '--database-url', 'postgres://db/engine'], {
      ENGINE_PORT: '1234',
      ENGINE_DATABASE_URL: 'postgres://other/x',
      ENGINE_HTTP_PORT: 'off',
      ENGINE_REST_PORT: 'off',
      ENGINE_HOST: '0.0.0.0',
    })
    expect(options).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      databaseUrl: 'postgres://db/engine',
      httpPort: undefined,
      restPort: undefined,
    })
  })

  test('refuses a port that is not a number and an unknown option', () => {
    expect(() => parseMainOptions(['--port', 'abc'], {})).toThrow(/--port must be a port number/)
    expect(() => parseMainOptions(['--verbose'], {})).toThrow()
  })
})
