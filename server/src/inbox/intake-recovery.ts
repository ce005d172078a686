/**
 * Activated user-task jobs the inbox never stored, found through v2's job search and handed back
 * to the engine at once.
 *
 * A process that dies after the engine activated a user-task job for the inbox and before the
 * inbox stored its task leaves the job locked until its activation deadline (see
 * `user-task.intake.ts`). Zeebe's gRPC API cannot list activated jobs, but Camunda 8.8's
 * Orchestration Cluster API can (`POST /v2/jobs/search`: the worker that holds a job and its
 * deadline). This pass searches the user-task jobs the inbox worker holds (deadline still
 * ahead, not ended), and for each one the `tasks` table lacks sends UpdateJobTimeout with a
 * timeout of 1 ms: the job times out, becomes activatable, and the inbox worker activates and
 * stores it again, with all its variables.
 *
 * Secondary storage shows an activation some time after it happened (eventual consistency): one
 * made just before a crash may be missing from the pass at start; the reconciler runs this pass
 * again, so it is handed back at a later pass, at the latest when its lock runs out.
 *
 * A job the running worker has just activated and is storing may be handed back too; storing
 * is idempotent by job key, so that costs one more activation and loses nothing.
 */
import type { Kysely } from 'kysely'
import type { CamundaRest, Job } from '../camunda/camunda-rest'
import type { DB } from '../db/schema'
import type { Logger } from '../log'
import { grpcCode, type ZeebeClient } from '../zeebe/zeebe-client'
import { USER_TASK_JOB_TYPE } from './task-model'

/** Job states of a job that may still be activated and held (8.8's JobStateEnum). */
const OPEN = ['CREATED', 'FAILED', 'TIMED_OUT', 'RETRIES_UPDATED']

export async function releaseUnstoredActivations(deps: {
  db: Kysely<DB>
  camunda: CamundaRest
  zeebe: Pick<ZeebeClient, 'updateJobTimeout'>
  workerName: string
  log?: Logger
}): Promise<number> {
  const { db, camunda, zeebe, workerName, log } = deps
  const held = await camunda.searchAll<Job>('jobs', {
    filter: {
      type: USER_TASK_JOB_TYPE,
      worker: workerName,
      state: { $in: OPEN },
      deadline: { $gt: new Date().toISOString() },
    },
    sort: [{ field: 'jobKey', order: 'ASC' }],
  })
  const stored = new Set<string>()
  for (let i = 0; i < held.length; i += 500) {
    const keys = held.slice(i, i + 500).map((j) => j.jobKey)
    const rows = await db
      .selectFrom('tasks')
      .select('job_key')
      .where('job_key', 'in', keys)
      .execute()
    for (const r of rows) if (r.job_key) stored.add(r.job_key)
  }
  let released = 0
  for (const job of held) {
    if (stored.has(job.jobKey)) continue
    try {
      await zeebe.updateJobTimeout({ jobKey: job.jobKey, timeout: 1 })
      released++
    } catch (err) {
      const code = grpcCode(err)
      // 5: the job is gone, 9: no longer activated (timed out, completed): nothing to hand back
      if (code !== 5 && code !== 9) {
        log?.warn(
          `handing back the unstored user-task job ${job.jobKey} failed; retrying later`,
          err,
        )
      }
    }
  }
  return released
}
