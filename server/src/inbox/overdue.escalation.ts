/**
 * Overdue escalation built into the inbox, not left to each diagram author (ISO/IEC 20000-1
 * 8.1: escalation when targets are at risk). Every open task past its due date is escalated
 * once: its candidate groups and its assignee are notified, and the escalation is evidence.
 * SLA timers in the procedures escalate the cases; this catches every human step.
 */
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema'
import type { Logger } from '../log'
import { writeWithEvidence, type AuditSink } from '../evidence/audit-sink'
import { TaskState } from './task-model'

/** Where escalations go: the notification outbox. */
export interface EscalationNotifier {
  enqueue(input: {
    dedupeKey: string
    recipient?: string | null
    recipientGroup?: string | null
    template: 'escalation'
    context: { caseKind?: string; caseId?: string; title?: string; detail?: string }
  }): Promise<unknown>
}

export interface OverdueEscalationOptions {
  db: Kysely<DB>
  notifier: EscalationNotifier
  audit: AuditSink
  log: Logger
  /** How often to look. Default 1 minute. */
  everyMs?: number
  now?: () => number
}

export interface RunningEscalation {
  /** One pass now; resolves to the number of tasks escalated. */
  runOnce(): Promise<number>
  stop(): Promise<void>
}

export function startOverdueEscalation(options: OverdueEscalationOptions): RunningEscalation {
  const { db, notifier, audit, log } = options
  const now = () => new Date(options.now?.() ?? Date.now())

  const runOnce = async () => {
    // claim the tasks to escalate atomically, so two servers never escalate one task twice; the
    // claim and its evidence commit together (4.3.3)
    const due = await writeWithEvidence(db, audit, async (tx) => {
      const claimed = await tx
        .updateTable('tasks')
        .set({ escalated_at: now() })
        .where('state', 'in', [TaskState.Open, TaskState.Claimed])
        .where('due_date', '<', now())
        .where('escalated_at', 'is', null)
        .where(
          'id',
          'in',
          tx
            .selectFrom('tasks')
            .select('id')
            .where('state', 'in', [TaskState.Open, TaskState.Claimed])
            .where('due_date', '<', now())
            .where('escalated_at', 'is', null)
            .limit(200),
        )
        .returning([
          'id',
          'name',
          'candidate_groups',
          'assignee',
          'case_kind',
          'case_id',
          'case_title',
          'due_date',
          'process_instance_key',
        ])
        .execute()
      return {
        result: claimed,
        evidence: claimed.map((t) => ({
          actor: 'system:inbox',
          action: 'task.overdue-escalated',
          entityType: 'task',
          entityId: t.id,
          processInstanceKey: t.process_instance_key,
          after: { groups: t.candidate_groups, assignee: t.assignee, dueDate: t.due_date },
        })),
      }
    })
    for (const t of due) {
      const detail = `the task "${t.name}" was due ${new Date(t.due_date ?? 0).toISOString()}`
      const context = {
        caseKind: t.case_kind ?? 'Task',
        caseId: t.case_id ?? t.id,
        title: t.case_title ?? t.name,
        detail,
      }
      for (const group of t.candidate_groups) {
        await notifier.enqueue({
          dedupeKey: `task-overdue:${t.id}:group:${group}`,
          recipientGroup: group,
          template: 'escalation',
          context,
        })
      }
      if (t.assignee) {
        await notifier.enqueue({
          dedupeKey: `task-overdue:${t.id}:user:${t.assignee}`,
          recipient: t.assignee,
          template: 'escalation',
          context,
        })
      }
    }
    return due.length
  }

  let running: Promise<unknown> | undefined
  const timer = setInterval(() => {
    running ??= runOnce()
      .catch((err: unknown) => log.error('overdue escalation failed', err))
      .finally(() => (running = undefined))
  }, options.everyMs ?? 60_000)
  timer.unref()
  return {
    runOnce: async () => {
      await running
      return runOnce()
    },
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
