import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openEngineDatabase, startEngine, type EngineDatabase, type RunningEngine } from '../index'

/** One gRPC call over raw HTTP/2: the request frame as given, the response as received. */
async function rawCall(
  session: ClientHttp2Session,
  path: string,
  frame: Buffer,
  encoding: 'gzip' | 'identity',
): Promise<{ headers: IncomingHttpHeaders; trailers: IncomingHttpHeaders; body: Buffer }> {
  const req = session.request({
    [constants.HTTP2_HEADER_METHOD]: 'POST',
    [constants.HTTP2_HEADER_PATH]: path,
    'content-type': 'application/grpc+proto',
    te: 'trailers',
    'grpc-encoding': encoding,
    'grpc-accept-encoding': 'identity,gzip',
  })
  return new Promise((resolve, reject) => {
    let headers: IncomingHttpHeaders = {}
    let trailers: IncomingHttpHeaders = {}
    const chunks: Buffer[] = []
    req.on('response', (h) => (headers = h))
    req.on('data', (d: Buffer) => chunks.push(d))
    req.on('trailers', (t) => (trailers = t))
    req.on('close', () => resolve({ headers, trailers, body: Buffer.concat(chunks) }))
    req.on('error', reject)
    req.end(frame)
  })
}

/** A gRPC length-prefixed message frame; `compressed` sets the flag byte. */
function grpcFrame(payload: Buffer, compressed: boolean): Buffer {
  const header = Buffer.alloc(5)
  header.writeUInt8(compressed ? 1 : 0, 0)
  header.writeUInt32BE(payload.length, 1)
  return Buffer.concat([header, payload])
}

describe('the gateway server and request compression', () => {
  let database: EngineDatabase
  let running: RunningEngine
  let session: ClientHttp2Session

  beforeAll(async () => {
    database = await openEngineDatabase({ dataDir: 'memory://' })
    running = await startEngine({ sql: database.sql, port: 0 })
    session = connect(`http://${running.address}`)
  })
  afterAll(async () => {
    session?.close()
    await running?.stop()
    await database?.close()
  })

  test('accepts a gzip-compressed request and asks for uncompressed ones from then on', async () => {
    // TopologyRequest has no fields: its encoding is empty, gzipped it is a non-empty frame
    const res = await rawCall(
      session,
      '/gateway_protocol.Gateway/Topology',
      grpcFrame(gzipSync(Buffer.alloc(0)), true),
      'gzip',
    )
    expect(res.trailers['grpc-status']).toBe('0')
    expect(res.headers['grpc-accept-encoding']).toBe('identity')
    expect(res.body.length).toBeGreaterThan(5)
  })

  test('answers an uncompressed request the same way', async () => {
    const res = await rawCall(
      session,
      '/gateway_protocol.Gateway/Topology',
      grpcFrame(Buffer.alloc(0), false),
      'identity',
    )
    expect(res.trailers['grpc-status']).toBe('0')
    expect(res.headers['grpc-accept-encoding']).toBe('identity')
  })

  test('errors carry the same preference', async () => {
    // CompleteJob of a job that does not exist: NOT_FOUND (5); field 1 is the job key (int64)
    const completeUnknown = Buffer.from([0x08, 0x01])
    const res = await rawCall(
      session,
      '/gateway_protocol.Gateway/CompleteJob',
      grpcFrame(gzipSync(completeUnknown), true),
      'gzip',
    )
    expect(res.headers['grpc-accept-encoding'] ?? res.trailers['grpc-accept-encoding']).toBe(
      'identity',
    )
    expect(res.trailers['grpc-status'] ?? res.headers['grpc-status']).toBe(
      String(5 /* NOT_FOUND */),
    )
  })
})
