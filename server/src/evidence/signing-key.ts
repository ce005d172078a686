/**
 * Where the evidence signing key comes from: `EVIDENCE_SIGNING_KEY` when set, otherwise a key
 * file in DATA_DIR generated on first start (mode 0600), so `npm start` works without any
 * configuration. The key is never written to the database and never logged.
 */
import { randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../log'
import { EvidenceSigner } from './checkpoint'
import { writeNewFileDurably } from './durable-file'

/** The generated key's file inside DATA_DIR. */
export const signingKeyFileOf = (dataDir: string) => join(dataDir, 'evidence-signing.key')

interface KeySeed {
  hex: string
  /** Whether this call generated it. */
  created: boolean
}

export interface LoadSigningKeyOptions {
  /** `EVIDENCE_SIGNING_KEY`: 64 hex characters, or '' for the key file. */
  configured: string
  dataDir: string
  log: Logger
}

export function loadSigningKey({
  configured,
  dataDir,
  log,
}: LoadSigningKeyOptions): EvidenceSigner {
  if (configured) {
    const signer = EvidenceSigner.fromSeedHex(configured)
    log.info(`evidence checkpoints are signed with key ${signer.keyId} (EVIDENCE_SIGNING_KEY)`)
    return signer
  }
  const file = signingKeyFileOf(dataDir)
  const existing = readKeyFile(file)
  const seed = existing ?? createKeyFile(file)
  if (seed.created) {
    log.warn(
      `generated the evidence signing key ${file} (mode 0600): back it up, or set EVIDENCE_SIGNING_KEY; without it checkpoints of the evidence trail cannot be verified`,
    )
  } else if ((statSync(file).mode & 0o077) !== 0) {
    log.warn(`the evidence signing key ${file} is readable by other users: chmod 600 it`)
  }
  const signer = EvidenceSigner.fromSeedHex(seed.hex)
  log.info(`evidence checkpoints are signed with key ${signer.keyId} (${file})`)
  return signer
}

function readKeyFile(file: string): KeySeed | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  const hex = text.trim()
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new Error(
      `the evidence signing key file ${file} does not hold 64 hex characters: restore it from a backup (a new key would make existing checkpoints unverifiable)`,
    )
  }
  return { hex, created: false }
}

/**
 * Writes a fresh key to a private temporary file and links it into place, so two processes
 * starting on the same DATA_DIR never see a half-written key: the loser reads the winner's.
 */
function createKeyFile(file: string): KeySeed {
  mkdirSync(join(file, '..'), { recursive: true })
  const hex = randomBytes(32).toString('hex')
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  writeNewFileDurably(tmp, `${hex}\n`, 0o600)
  try {
    linkSync(tmp, file)
    return { hex, created: true }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    return readKeyFile(file)!
  } finally {
    unlinkSync(tmp)
  }
}
