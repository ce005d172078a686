/**
 * Callers waiting for a user task transition to finish: a command resolves with the task once
 * its final record (ASSIGNED, UPDATED, COMPLETED) is durable, and rejects when a task listener
 * denied it or the task was canceled meanwhile, as Zeebe answers a request only then.
 */
import { EngineError, EngineErrorCode, type UserTask } from '../api'
import type { EngineRecord } from '../state/records'
import { userTaskView } from './query'

interface Waiter {
  resolve: (task: UserTask) => void
  reject: (err: unknown) => void
}

const finalIntents = new Set(['ASSIGNED', 'UPDATED', 'COMPLETED'])
const denials: Record<string, string> = {
  ASSIGNMENT_DENIED: 'Assignment',
  UPDATE_DENIED: 'Update',
  COMPLETION_DENIED: 'Completion',
}

/** One waiter per user task at most: a task runs one transition at a time. */
export class UserTaskRequests {
  private readonly waiters = new Map<string, Waiter>()

  /** Registers the caller of the command now being processed for task `key`. */
  wait(key: string): Promise<UserTask> {
    return new Promise<UserTask>((resolve, reject) => this.waiters.set(key, { resolve, reject }))
  }

  /** The command that registered for `key` failed: nobody waits any more. */
  drop(key: string): void {
    this.waiters.delete(key)
  }

  /** Settles waiters with a durable record (an `onRecord` listener). */
  onRecord(r: EngineRecord): void {
    if (r.valueType !== 'USER_TASK') return
    const w = this.waiters.get(r.key)
    if (!w) return
    if (finalIntents.has(r.intent)) {
      this.waiters.delete(r.key)
      w.resolve(userTaskView(r.value, r.intent === 'COMPLETED' ? 'COMPLETED' : 'CREATED'))
    } else if (denials[r.intent]) {
      this.waiters.delete(r.key)
      w.reject(
        new EngineError(
          EngineErrorCode.FailedPrecondition,
          `${denials[r.intent]} of the User Task with key '${r.key}' was denied by Task Listener. Reason to deny: '${r.value.deniedReason}'`,
        ),
      )
    } else if (r.intent === 'CANCELING' || r.intent === 'CANCELED') {
      // Zeebe rejects the ongoing request when the task starts canceling.
      this.waiters.delete(r.key)
      w.reject(
        new EngineError(
          EngineErrorCode.FailedPrecondition,
          'user task was canceled during ongoing transition',
        ),
      )
    }
  }

  /** The engine closes: every waiter is rejected. */
  close(): void {
    for (const [key, w] of this.waiters) {
      w.reject(
        new EngineError(
          EngineErrorCode.Unimplemented,
          `The engine closed before the transition of user task '${key}' finished`,
        ),
      )
    }
    this.waiters.clear()
  }
}
