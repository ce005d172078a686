/**
 * Signed checkpoints of the evidence trail (ISO/IEC 20000-1 4.3.3 control of records).
 *
 * A checkpoint says "entry `seq` of the trail had hash `hash` at `signedAt`", signed with an
 * Ed25519 key that lives in the configuration or a key file, never in the database. Anyone who
 * can write the database can recompute the plain SHA-256 chain, but cannot sign the new hashes:
 * a checkpoint held outside the database (in the server's anchor file, or by an auditor) proves
 * that the trail up to its `seq` is still the one that was signed. Ed25519 rather than an HMAC
 * so auditors can check a checkpoint offline with the public key alone
 * (`GET /api/evidence/signing-key`).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto'
import { canonicalJson } from './canonical-json'

/** A signed statement about one entry of the chain. */
export interface Checkpoint {
  /** The seq of the entry the checkpoint vouches for. */
  seq: number
  /** That entry's hash (SHA-256 hex). */
  hash: string
  /** When it was signed, ISO 8601. */
  signedAt: string
  /** First 16 hex characters of SHA-256 over the raw 32-byte public key. */
  keyId: string
  /** Ed25519 signature (base64) over {@link checkpointPayload}. */
  signature: string
}

/** The `action` of the trail entries that carry a checkpoint of their predecessor. */
export const CHECKPOINT_ACTION = 'evidence.checkpoint'

/** How a checkpoint's signature relates to the configured key. */
export type SignatureCheck = 'valid' | 'invalid' | 'other-key'

/**
 * The exact bytes that are signed: canonical JSON of
 * `{ hash, seq, signedAt, type: "sms-evidence-checkpoint", v: 1 }` (keys sorted, no spaces).
 */
export function checkpointPayload(c: Pick<Checkpoint, 'seq' | 'hash' | 'signedAt'>): string {
  return canonicalJson({
    type: 'sms-evidence-checkpoint',
    v: 1,
    seq: c.seq,
    hash: c.hash,
    signedAt: c.signedAt,
  })
}

/** DER prefix that turns a raw 32-byte Ed25519 seed into a PKCS#8 private key. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/** Signs and checks checkpoints with one Ed25519 key. The private key never leaves it. */
export class EvidenceSigner {
  readonly keyId: string
  /** Raw 32-byte public key, hex. */
  readonly publicKeyHex: string
  readonly publicKeyPem: string
  private readonly publicKey: KeyObject

  private constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey)
    const spki = this.publicKey.export({ format: 'der', type: 'spki' })
    const raw = spki.subarray(spki.length - 32)
    this.publicKeyHex = raw.toString('hex')
    this.publicKeyPem = this.publicKey.export({ format: 'pem', type: 'spki' }).toString()
    this.keyId = createHash('sha256').update(raw).digest('hex').slice(0, 16)
  }

  /** From the 32-byte private key seed, as 64 hex characters. */
  static fromSeedHex(hex: string): EvidenceSigner {
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
      throw new Error('an evidence signing key is 64 hex characters (a 32-byte Ed25519 seed)')
    }
    const der = Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(hex, 'hex')])
    return new EvidenceSigner(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }))
  }

  sign(seq: number, hash: string, signedAt: Date): Checkpoint {
    const body = { seq, hash, signedAt: signedAt.toISOString() }
    const signature = sign(null, Buffer.from(checkpointPayload(body)), this.privateKey)
    return { ...body, keyId: this.keyId, signature: signature.toString('base64') }
  }

  check(c: Checkpoint): SignatureCheck {
    if (c.keyId !== this.keyId) return 'other-key'
    let signature: Buffer
    try {
      signature = Buffer.from(c.signature, 'base64')
    } catch {
      return 'invalid'
    }
    if (signature.length !== 64) return 'invalid'
    const ok = verify(null, Buffer.from(checkpointPayload(c)), this.publicKey, signature)
    return ok ? 'valid' : 'invalid'
  }
}

/** JSON schema of a checkpoint, as auditors send one back (`POST /api/evidence/verify`). */
export const checkpointSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer', minimum: 1 },
    hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    signedAt: { type: 'string', format: 'date-time' },
    keyId: { type: 'string', pattern: '^[0-9a-f]{16}$' },
    signature: { type: 'string', pattern: '^[A-Za-z0-9+/]{86}==$' },
  },
  required: ['seq', 'hash', 'signedAt', 'keyId', 'signature'],
  additionalProperties: false,
} as const

/** Whether `value` has a checkpoint's shape (used on what comes back from the database). */
export function isCheckpoint(value: unknown): value is Checkpoint {
  if (typeof value !== 'object' || value === null) return false
  const c = value as Record<string, unknown>
  return (
    typeof c.seq === 'number' &&
    Number.isSafeInteger(c.seq) &&
    typeof c.hash === 'string' &&
    typeof c.signedAt === 'string' &&
    typeof c.keyId === 'string' &&
    typeof c.signature === 'string'
  )
}
