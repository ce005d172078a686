/**
 * The inbox's job worker: activates `io.camunda.zeebe:userTask` jobs, stores each as a task,
 * and keeps the jobs locked while the tasks are open by extending their timeout
 * (UpdateJobTimeout). A job the engine no longer has (the instance moved on through a boundary
 * event, or was cancelled) answers NOT_FOUND: its task is closed as cancelled.
 *
 * Crash safety: an activated job is invisible to every ActivateJobs until its deadline, so a
 * process that dies after the engine activated a job and before the inbox stored it would leave
 * the task out of the inbox for the whole lock. Hence the two locks: jobs are activated with a
 * short one (`activationLockMs`, 30 s) and extended to the long one (`lockMs`, 1 h) only once
 * their task is stored. A job lost between activation and storage comes back after at most the
 * short lock, on any engine; the reconciler usually does not even wait for that: v2's job search
 * shows which jobs the inbox worker holds (see `intake-recovery.ts`).
 */
import type { Logger } from '../log'
import { CrashPoint, type Checkpoint } from '../outbox/outbox'
import { grpcCode, type ZeebeClient } from '../zeebe/zeebe-client'
import { USER_TASK_JOB_TYPE } from './task-model'
import type { TasksService } from './tasks.service'

export interface IntakeOptions {
  zeebe: ZeebeClient
  tasks: TasksService
  log: Logger
  /** Job lock once the task is stored, renewed by the keep-alive. Default 1 hour. */
  lockMs?: number
  /** Job lock from activation until the task is stored. Default 30 seconds. */
  activationLockMs?: number
  /** Crash-test hook (see {@link CrashPoint}). */
  checkpoint?: Checkpoint
  /** How often the keep-alive runs. Default 1 minute. */
  keepAliveEveryMs?: number
  workerName?: string
}

export interface RunningIntake {
  /** Runs one keep-alive pass now (tests call it). */
  keepAlive(): Promise<void>
  stop(): Promise<void>
}

/** The inbox worker's name, as the engine records it on activated jobs. */
export const INBOX_WORKER = 'sms-inbox'

export function startUserTaskIntake(options: IntakeOptions): RunningIntake {
  const { zeebe, tasks, log } = options
  const lockMs = options.lockMs ?? 3600_000
  /** Locks the job for `lockMs` from now; a job the engine no longer has closes its task. */
  const extend = async (jobKey: string) => {
    try {
      await zeebe.updateJobTimeout({ jobKey, timeout: lockMs })
      await tasks.extended(jobKey, new Date(Date.now() + lockMs))
    } catch (err) {
      if (grpcCode(err) === 5) {
        await tasks.cancelByJobKey(jobKey, 'The process no longer waits for this task.')
      } else {
        log.warn(`extending the lock of job ${jobKey} failed; retrying later`, err)
      }
    }
  }
  const worker = zeebe.createWorker({
    taskType: USER_TASK_JOB_TYPE,
    id: options.workerName ?? INBOX_WORKER,
    timeout: options.activationLockMs ?? 30_000,
    maxJobsToActivate: 32,
    pollInterval: 300,
    loglevel: 'ERROR',
    taskHandler: async (job) => {
      try {
        options.checkpoint?.(CrashPoint.UserTaskActivated)
        await tasks.intake({
          key: job.key,
          processInstanceKey: job.processInstanceKey,
          bpmnProcessId: job.bpmnProcessId,
          processDefinitionVersion: job.processDefinitionVersion,
          // present on every activated job; the SDK's type omits it
          processDefinitionKey: String(
            (job as unknown as { processDefinitionKey?: string }).processDefinitionKey ?? '',
          ),
          elementId: job.elementId,
          elementInstanceKey: job.elementInstanceKey,
          customHeaders: job.customHeaders as Record<string, unknown>,
          variables: job.variables as Record<string, unknown>,
          deadline: job.deadline,
        })
        options.checkpoint?.(CrashPoint.UserTaskStored)
        await extend(job.key)
        return job.forward()
      } catch (err) {
        log.error(`storing user task job ${job.key} failed`, err)
        // The job stays locked until its (short) activation lock ends, then comes back.
        return job.forward()
      }
    },
  })

  let running: Promise<void> | undefined
  const keepAlive = async () => {
    const before = new Date(Date.now() + lockMs / 2)
    for (const { jobKey } of await tasks.expiringJobs(before)) await extend(jobKey)
  }
  const timer = setInterval(() => {
    running ??= keepAlive()
      .catch((err: unknown) => log.error('inbox keep-alive failed', err))
      .finally(() => (running = undefined))
  }, options.keepAliveEveryMs ?? 60_000)
  timer.unref()

  return {
    keepAlive: async () => {
      await running
      await keepAlive()
    },
    async stop() {
      clearInterval(timer)
      await running
      await worker.close()
    },
  }
}
