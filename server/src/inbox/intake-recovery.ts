/**
 * Activated user-task jobs the inbox never stored, found in the engine's record log and handed
 * back to the engine at once.
 *
 * A process that dies after the engine activated a user-task job for the inbox and before the
 * inbox stored its task leaves the job locked until its activation deadline (see
 * `user-task.intake.ts`). Zeebe's gRPC API cannot list activated jobs, but the record log (the
 * engine's exported history) shows each JOB/ACTIVATED with the worker's name. This pass reads
 * the JOB records after its cursor, takes the user-task jobs whose last record says the inbox
 * worker holds them, and for each one the `tasks` table lacks sends UpdateJobTimeout with a
 * timeout of 1 ms: the job times out, becomes activatable, and the inbox worker activates and
 * stores it again — with all its variables, which the record log does not carry.
 *
 * A job the running worker has just activated and is storing may be handed back too; storing
 * is idempotent by job key, so that costs one more activation and loses nothing.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { RecordSource } from '../history/record-source'
import type { Logger } from '../log'
import { grpcCode, type ZeebeClient } from '../zeebe/zeebe-client'
import { USER_TASK_JOB_TYPE } from './task-model'

const CURSOR = 'inbox-activations'
const HELD = new Set(['ACTIVATED', 'TIMEOUT_UPDATED'])

export async function releaseUnstoredActivations(deps: {
  db: Kysely<DB>
  records: RecordSource
  zeebe: Pick<ZeebeClient, 'updateJobTimeout'>
  workerName: string
  log?: Logger
}): Promise<number> {
  const { db, records, zeebe, workerName, log } = deps
  const cursor = await db
    .selectFrom('record_cursors')
    .select('position')
    .where('name', '=', CURSOR)
    .executeTakeFirst()
  const from = Number(cursor?.position ?? 0)
  // the last record of each user-task job after the cursor
  const last = new Map<string, { intent: string; worker: string; position: number }>()
  let position = from
  for (;;) {
    const page = await records.read({ afterPosition: position, limit: 1000, valueTypes: ['JOB'] })
    for (const r of page) {
      if (r.value.type !== USER_TASK_JOB_TYPE) continue
      last.set(r.key, {
        intent: r.intent,
        worker: typeof r.value.worker === 'string' ? r.value.worker : '',
        position: r.position,
      })
    }
    if (page.length === 0) break
    position = page[page.length - 1]!.position
  }
  const held = [...last].filter(([, j]) => HELD.has(j.intent) && j.worker === workerName)
  const stored = new Set<string>()
  for (let i = 0; i < held.length; i += 500) {
    const keys = held.slice(i, i + 500).map(([k]) => k)
    const rows = await db
      .selectFrom('tasks')
      .select('job_key')
      .where('job_key', 'in', keys)
      .execute()
    for (const r of rows) if (r.job_key) stored.add(r.job_key)
  }
  let released = 0
  let keepFrom = position
  for (const [jobKey, job] of held) {
    if (stored.has(jobKey)) continue
    try {
      await zeebe.updateJobTimeout({ jobKey, timeout: 1 })
      released++
    } catch (err) {
      const code = grpcCode(err)
      // 5: the job is gone, 9: no longer activated (timed out, completed): nothing to hand back
      if (code !== 5 && code !== 9) {
        log?.warn(`handing back the unstored user-task job ${jobKey} failed; retrying later`, err)
        keepFrom = Math.min(keepFrom, job.position - 1)
      }
    }
  }
  if (keepFrom > from) {
    await db
      .insertInto('record_cursors')
      .values({ name: CURSOR, position: keepFrom })
      .onConflict((oc) => oc.column('name').doUpdateSet({ position: keepFrom }))
      .execute()
  }
  return released
}
