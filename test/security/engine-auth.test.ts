/**
 * The engine's gateway is no way around the app (ISO/IEC 20000-1 6.6): the embedded engine
 * serves only the server, which holds a random token of this start; a standalone engine binds
 * loopback unless given a token, and then serves gRPC and its record log only to callers that
 * send it. The official @camunda8/sdk connects with CAMUNDA_AUTH_STRATEGY=BEARER.
 */
import { Camunda8 } from '@camunda8/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEngineDatabase, startEngine } from '../../engine/index'
import { startHarness, type Harness } from '../support/harness'

/** The official client's topology call, settled within `ms` (it may retry refusals). */
async function topologyWith(address: string, auth: Record<string, string>, ms = 8_000) {
  const camunda = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://${address}`,
    CAMUNDA_LOG_LEVEL: 'none',
    zeebeGrpcSettings: { ZEEBE_GRPC_CLIENT_RETRY: false },
    ...auth,
  } as ConstructorParameters<typeof Camunda8>[0])
  const zeebe = camunda.getZeebeGrpcApiClient()
  try {
    return await Promise.race([
      zeebe.topology().then(
        (t) => ({ ok: true as const, brokers: t.brokers.length }),
        (err: unknown) => ({ ok: false as const, error: String(err) }),
      ),
      new Promise<{ ok: false; error: string }>((r) =>
        setTimeout(() => r({ ok: false, error: 'timeout' }), ms),
      ),
    ])
  } finally {
    await zeebe.close()
  }
}

describe('the embedded engine of a running server', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ deployProcesses: false })
  })
  afterAll(async () => {
    await h?.stop()
  })

  it('serves the server (through the SDK with its bearer token) and refuses another local caller', async () => {
    // given
    const address = h.server.engine!.address
    // when
    const asServer = await h.server.zeebe.topology()
    const anonymous = await topologyWith(address, { CAMUNDA_AUTH_STRATEGY: 'NONE' })
    const guessing = await topologyWith(address, {
      CAMUNDA_AUTH_STRATEGY: 'BEARER',
      CAMUNDA_OAUTH_TOKEN: 'guess',
    })
    // then
    expect(asServer.brokers.length).toBe(1)
    expect(anonymous.ok).toBe(false)
    expect(guessing.ok).toBe(false)
    expect(`${'error' in anonymous ? anonymous.error : ''}`).not.toBe('timeout')
  })
})

describe('a standalone engine', () => {
  it('refuses to bind beyond loopback without a token', async () => {
    // given
    const database = await openEngineDatabase({ dataDir: 'memory://' })
    try {
      // when / then
      await expect(startEngine({ sql: database.sql, host: '0.0.0.0', port: 0 })).rejects.toThrow(
        /ENGINE_TOKEN/,
      )
    } finally {
      await database.close()
    }
  })

  it('with a token, serves the SDK sending it, and refuses gRPC, HTTP and REST callers without it', async () => {
    // given
    const database = await openEngineDatabase({ dataDir: 'memory://' })
    const engine = await startEngine({
      sql: database.sql,
      port: 0,
      httpPort: 0,
      restPort: 0,
      token: 's3cret',
    })
    try {
      // when
      const withToken = await topologyWith(engine.address, {
        CAMUNDA_AUTH_STRATEGY: 'BEARER',
        CAMUNDA_OAUTH_TOKEN: 's3cret',
      })
      const without = await topologyWith(engine.address, { CAMUNDA_AUTH_STRATEGY: 'NONE' })
      const httpWithout = await fetch(`${engine.httpUrl!}/records`)
      const httpWith = await fetch(`${engine.httpUrl!}/records`, {
        headers: { authorization: 'Bearer s3cret' },
      })
      const restWithout = await fetch(`${engine.restUrl!}/v2/topology`)
      const restWrong = await fetch(`${engine.restUrl!}/v2/topology`, {
        headers: { authorization: 'Bearer guess' },
      })
      const restWith = await fetch(`${engine.restUrl!}/v2/topology`, {
        headers: { authorization: 'Bearer s3cret' },
      })
      // then
      expect(withToken).toEqual({ ok: true, brokers: 1 })
      expect(without.ok).toBe(false)
      expect(httpWithout.status).toBe(401)
      expect(httpWith.status).not.toBe(401)
      expect(restWithout.status).toBe(401)
      expect(((await restWithout.json()) as { title: string }).title).toBe('UNAUTHORIZED')
      expect(restWrong.status).toBe(401)
      expect(restWith.status).toBe(200)
    } finally {
      await engine.stop()
      await database.close()
    }
  })
})
