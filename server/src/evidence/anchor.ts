/**
 * The anchor: the newest checkpoint this server signed, held outside the database — in memory
 * and, when the database outlives the process, in the anchor file. It only moves forward, and
 * only while the trail still contains it: once the trail was rewritten under it, it stays as
 * the evidence of that.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { Logger } from '../log'
import { readAnchorFile, writeAnchorFile } from './anchor-file'
import type { Checkpoint, EvidenceSigner } from './checkpoint'

export class EvidenceAnchor {
  private current: Checkpoint | undefined
  private unusable: string | undefined
  private writes: Promise<void> = Promise.resolve()

  constructor(
    private readonly db: Kysely<DB>,
    private readonly signer: EvidenceSigner,
    private readonly file: string | undefined,
    private readonly log: Logger | undefined,
  ) {}

  /** The anchored checkpoint, if any. */
  get checkpoint(): Checkpoint | undefined {
    return this.current
  }

  /** Why the anchor file cannot be trusted (altered, another key, unreadable), if so. */
  get problem(): string | undefined {
    return this.unusable
  }

  /** Reads the anchor file and warns when the trail no longer contains what it anchors. */
  async load(): Promise<void> {
    if (this.file) {
      const content = await readAnchorFile(this.file)
      if (content.kind === 'unreadable') this.unusable = content.problem
      if (content.kind === 'checkpoint') {
        const check = this.signer.check(content.checkpoint)
        if (check === 'valid') this.current = content.checkpoint
        else if (check === 'other-key') {
          this.unusable = `the anchor file ${this.file} was signed with key ${content.checkpoint.keyId}, not the configured key ${this.signer.keyId}`
        } else {
          this.unusable = `the signature of the anchor file ${this.file} does not verify: it was altered`
        }
      }
      if (this.unusable) this.log?.error(`evidence anchor: ${this.unusable}`)
    }
    if (this.current && !(await this.contained(this.current))) {
      this.log?.error(
        `the evidence trail no longer contains the anchored entry ${this.current.seq} (signed ${this.current.signedAt}): see GET /api/evidence/verify`,
      )
    }
  }

  /** Signs the newest committed entry and anchors it. */
  async advanceToHead(): Promise<Checkpoint | undefined> {
    const last = await this.db
      .selectFrom('evidence')
      .select(['seq', 'hash'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst()
    if (!last) return this.current
    return this.advance(this.signer.sign(Number(last.seq), last.hash, new Date()))
  }

  /** Anchors `checkpoint` if it is newer and the trail still contains the current anchor. */
  advance(checkpoint: Checkpoint): Promise<Checkpoint | undefined> {
    const step = this.writes.then(async () => {
      const current = this.current
      if (current && checkpoint.seq <= current.seq) return current
      if (current && !(await this.contained(current))) {
        this.log?.error(
          `the evidence trail no longer contains the anchored entry ${current.seq}: the anchor stays; see GET /api/evidence/verify`,
        )
        return current
      }
      if (this.file) await writeAnchorFile(this.file, checkpoint)
      this.current = checkpoint
      return checkpoint
    })
    this.writes = step.then(
      () => undefined,
      () => undefined,
    )
    return step
  }

  private async contained(checkpoint: Checkpoint): Promise<boolean> {
    const row = await this.db
      .selectFrom('evidence')
      .select('hash')
      .where('seq', '=', String(checkpoint.seq))
      .executeTakeFirst()
    return row?.hash === checkpoint.hash
  }
}
