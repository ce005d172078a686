/**
 * Retention rules for working data. Tasks, their variables and comments of process instances
 * that ended more than the configured number of days ago are purged; what auditors need stays:
 * the hash-chained evidence trail (who did what, with the submitted data) and the engine's
 * history (read through v2) are not purged here, so an instance's history outlives the purge (4.3.3: records are
 * kept under control and remain legible and retrievable).
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { Logger } from '../log'
import type { AuditSink } from '../evidence/audit-sink'

export interface RetentionOptions {
  db: Kysely<DB>
  audit: AuditSink
  log: Logger
  /** Days after an instance ended; 0 = keep forever (nothing is purged). */
  days: number
  /** How often to sweep. Default 6 hours. */
  everyMs?: number
  now?: () => number
}

/** Purges what has expired; returns the number of instances whose working data went. */
export async function purgeExpiredWorkingData(
  options: Pick<RetentionOptions, 'db' | 'audit' | 'days' | 'now'>,
): Promise<number> {
  const { db, audit, days } = options
  if (days <= 0) return 0
  const cutoff = new Date((options.now?.() ?? Date.now()) - days * 86_400_000)
  const expired = await db
    .selectFrom('process_instances')
    .select(['process_instance_key', 'case_kind', 'case_id', 'ended_at'])
    .where('state', 'in', ['completed', 'cancelled'])
    .where('ended_at', '<', cutoff)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('tasks')
          .select('tasks.id')
          .whereRef('tasks.process_instance_key', '=', 'process_instances.process_instance_key'),
      ),
    )
    .limit(500)
    .execute()
  for (const inst of expired) {
    await db.transaction().execute(async (tx) => {
      const removed = await tx
        .deleteFrom('tasks')
        .where('process_instance_key', '=', inst.process_instance_key)
        .where('state', 'in', ['completed', 'cancelled'])
        .returning('id')
        .execute()
      await audit.append(
        {
          actor: 'system:retention',
          action: 'retention.working-data-purged',
          entityType: inst.case_kind ?? 'process-instance',
          entityId: inst.case_id ?? inst.process_instance_key,
          processInstanceKey: inst.process_instance_key,
          after: {
            tasks: removed.length,
            endedAt: inst.ended_at ? new Date(inst.ended_at).toISOString() : null,
            retentionDays: days,
          },
        },
        tx,
      )
    })
  }
  return expired.length
}

export function startRetention(options: RetentionOptions) {
  let running: Promise<unknown> | undefined
  const timer = setInterval(
    () => {
      running ??= purgeExpiredWorkingData(options)
        .then((n) => n && options.log.info(`retention: purged working data of ${n} instance(s)`))
        .catch((err: unknown) => options.log.error('retention sweep failed', err))
        .finally(() => (running = undefined))
    },
    options.everyMs ?? 6 * 3600_000,
  )
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
