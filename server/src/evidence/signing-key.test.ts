import { createPublicKey, randomBytes, verify } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import type { Logger } from '../log'
import { checkpointPayload, EvidenceSigner } from './checkpoint'
import { loadSigningKey, signingKeyFileOf } from './signing-key'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sms-key-'))
  dirs.push(d)
  return d
}

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = []
  const at = (msg: string) => void lines.push(msg)
  return { lines, debug: at, info: at, warn: at, error: at, fatal: (e) => at(String(e)) }
}

describe('evidence signing key (4.3.3)', () => {
  it('generates a key file with mode 0600 on first start and reuses it afterwards', () => {
    // given an empty DATA_DIR and no configured key
    const dir = dataDir()
    const log = recordingLog()
    // when started twice
    const first = loadSigningKey({ configured: '', dataDir: dir, log })
    const second = loadSigningKey({ configured: '', dataDir: dir, log })
    // then
    const file = signingKeyFileOf(dir)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(second.keyId).toBe(first.keyId)
    expect(log.lines.filter((l) => l.startsWith('generated'))).toHaveLength(1)
    const seed = readFileSync(file, 'utf8').trim()
    expect(log.lines.join('\n')).not.toContain(seed)
  })

  it('uses EVIDENCE_SIGNING_KEY when set, writes no file and never logs the key', () => {
    // given
    const dir = dataDir()
    const log = recordingLog()
    const seed = randomBytes(32).toString('hex')
    // when
    const signer = loadSigningKey({ configured: seed, dataDir: dir, log })
    // then
    expect(signer.keyId).toBe(EvidenceSigner.fromSeedHex(seed).keyId)
    expect(() => statSync(signingKeyFileOf(dir))).toThrow(/ENOENT/)
    expect(log.lines.join('\n')).not.toContain(seed)
  })

  it('refuses a damaged key file instead of replacing it', () => {
    const dir = dataDir()
    writeFileSync(signingKeyFileOf(dir), 'not a key', { mode: 0o600 })
    expect(() => loadSigningKey({ configured: '', dataDir: dir, log: recordingLog() })).toThrow(
      /does not hold 64 hex characters/,
    )
    expect(readFileSync(signingKeyFileOf(dir), 'utf8')).toBe('not a key')
  })

  it('validates EVIDENCE_SIGNING_KEY in the configuration and hides it in errors', () => {
    expect(() => loadConfig({ EVIDENCE_SIGNING_KEY: 'abc123' })).toThrow(
      /EVIDENCE_SIGNING_KEY=\(hidden\)/,
    )
    const seed = randomBytes(32).toString('hex')
    expect(loadConfig({ EVIDENCE_SIGNING_KEY: seed }).EVIDENCE_SIGNING_KEY).toBe(seed)
    expect(loadConfig({})).toMatchObject({
      EVIDENCE_SIGNING_KEY: '',
      EVIDENCE_CHECKPOINT_ENTRIES: 100,
      EVIDENCE_CHECKPOINT_MINUTES: 60,
    })
  })

  it('signs checkpoints an auditor can check offline with the public key alone', () => {
    // given
    const signer = EvidenceSigner.fromSeedHex(randomBytes(32).toString('hex'))
    const checkpoint = signer.sign(42, 'a'.repeat(64), new Date('2025-01-02T03:04:05.678Z'))
    // when checked with nothing but the PEM public key and the documented payload
    const payload = `{"hash":"${'a'.repeat(64)}","seq":42,"signedAt":"2025-01-02T03:04:05.678Z","type":"sms-evidence-checkpoint","v":1}`
    expect(checkpointPayload(checkpoint)).toBe(payload)
    const ok = verify(
      null,
      Buffer.from(payload),
      createPublicKey(signer.publicKeyPem),
      Buffer.from(checkpoint.signature, 'base64'),
    )
    // then
    expect(ok).toBe(true)
    expect(signer.check(checkpoint)).toBe('valid')
    expect(signer.check({ ...checkpoint, seq: 43 })).toBe('invalid')
    const other = EvidenceSigner.fromSeedHex(randomBytes(32).toString('hex'))
    expect(other.check(checkpoint)).toBe('other-key')
  })
})
