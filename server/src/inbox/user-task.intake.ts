/**
 * The inbox's job worker: activates `io.camunda.zeebe:userTask` jobs with a long timeout,
 * stores each as a task, and keeps the jobs locked while the tasks are open by extending their
 * timeout (UpdateJobTimeout). A job the engine no longer has (the instance moved on through a
 * boundary event, or was cancelled) answers NOT_FOUND: its task is closed as cancelled.
 */
import type { Logger } from '../log'
import { grpcCode, type ZeebeClient } from '../zeebe/zeebe-client'
import { USER_TASK_JOB_TYPE } from './task-model'
import type { TasksService } from './tasks.service'

export interface IntakeOptions {
  zeebe: ZeebeClient
  tasks: TasksService
  log: Logger
  /** Job lock per activation/extension. Default 1 hour. */
  lockMs?: number
  /** How often the keep-alive runs. Default 1 minute. */
  keepAliveEveryMs?: number
  workerName?: string
}

export interface RunningIntake {
  /** Runs one keep-alive pass now (tests call it). */
  keepAlive(): Promise<void>
  stop(): Promise<void>
}

export function startUserTaskIntake(options: IntakeOptions): RunningIntake {
  const { zeebe, tasks, log } = options
  const lockMs = options.lockMs ?? 3600_000
  const worker = zeebe.createWorker({
    taskType: USER_TASK_JOB_TYPE,
    id: options.workerName ?? 'sms-inbox',
    timeout: lockMs,
    maxJobsToActivate: 32,
    pollInterval: 300,
    loglevel: 'ERROR',
    taskHandler: async (job) => {
      try {
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
        return job.forward()
      } catch (err) {
        log.error(`storing user task job ${job.key} failed`, err)
        // The job stays locked until its timeout, then comes back: nothing is lost.
        return job.forward()
      }
    },
  })

  let running: Promise<void> | undefined
  const keepAlive = async () => {
    const before = new Date(Date.now() + lockMs / 2)
    for (const { jobKey } of await tasks.expiringJobs(before)) {
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
