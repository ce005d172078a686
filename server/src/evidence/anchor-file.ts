/**
 * The anchor: the newest checkpoint this server signed, kept in a file outside the database
 * (`<DATA_DIR>/evidence-anchor.json`). Whoever truncates the trail, cuts its tail or recomputes
 * its chain inside the database cannot make the trail contain the anchored (seq, hash) again,
 * nor sign a new anchor; {@link AuditTrail.verify} reports the difference.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'
import { isCheckpoint, type Checkpoint } from './checkpoint'

export const anchorFileOf = (dataDir: string) => join(dataDir, 'evidence-anchor.json')

/** What the file held: a checkpoint, nothing (no file yet), or why it is unusable. */
export type AnchorFileContent =
  | { kind: 'none' }
  | { kind: 'checkpoint'; checkpoint: Checkpoint }
  | { kind: 'unreadable'; problem: string }

export async function readAnchorFile(file: string): Promise<AnchorFileContent> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' }
    throw err
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { kind: 'unreadable', problem: `the anchor file ${file} is not JSON` }
  }
  const checkpoint = (parsed as { checkpoint?: unknown } | null)?.checkpoint
  if (!isCheckpoint(checkpoint)) {
    return { kind: 'unreadable', problem: `the anchor file ${file} holds no checkpoint` }
  }
  return { kind: 'checkpoint', checkpoint }
}

/** Replaces the file atomically (write, fsync, rename): a crash leaves the old or the new one. */
export async function writeAnchorFile(file: string, checkpoint: Checkpoint): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  const handle = await open(tmp, 'wx', 0o644)
  try {
    await handle.writeFile(`${JSON.stringify({ checkpoint }, null, 2)}\n`)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(tmp, file)
}
