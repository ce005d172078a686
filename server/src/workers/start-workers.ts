/**
 * Starts one Zeebe job worker per entry of the {@link workers} table on the official client
 * (`@camunda8/sdk` gRPC), each fetching only the variables its input schema names, and maps
 * the framework's results onto `complete`, `error` (BPMN error) and `fail` (with back-off).
 */
import type { Logger } from '../log'
import type { ZeebeClient } from '../zeebe/zeebe-client'
import type { AnyWorker, JobData } from './define-worker'
import type { MessagePublisher, WorkerDeps } from './deps'
import { workers as allWorkers } from './index'

export interface RunningWorkers {
  /** Job types served. */
  readonly types: string[]
  /** Whether the workers are polling and their client is connected (for /api/health). */
  status(): WorkersStatus
  close(): Promise<void>
}

/** The job workers as /api/health reports them. */
export interface WorkersStatus {
  /** `down` when closed, or when a worker's client reports its connection lost. */
  status: 'up' | 'down'
  total: number
  connected: number
  /** Job types whose worker has no connection, when any. */
  disconnected?: string[]
}

/** A {@link MessagePublisher} over the Zeebe client (PublishMessage). */
export function zeebeMessagePublisher(zeebe: ZeebeClient): MessagePublisher {
  return {
    async publish(m) {
      await zeebe.publishMessage({
        name: m.name,
        correlationKey: m.correlationKey,
        variables: toJson(m.variables),
        timeToLive: m.timeToLive,
        ...(m.messageId ? { messageId: m.messageId } : {}),
      })
    },
  }
}

/** JSON as the Zeebe client types it (null travels fine at run time). */
type Json = string | number | boolean | Json[] | { [key: string]: Json }

/** A JSON copy of a variables object, typed for the client. */
const toJson = (v: unknown): { [key: string]: Json } =>
  JSON.parse(JSON.stringify(v ?? {})) as { [key: string]: Json }

const asText = (v: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]) => [k, String(x)]),
  )

/** Starts the workers (all of {@link allWorkers} unless a subset is given). */
export function startWorkers({
  zeebe,
  deps,
  log,
  workers = allWorkers,
  pollIntervalMs = 300,
  onJobDone,
}: {
  zeebe: ZeebeClient
  deps: WorkerDeps
  log: Logger
  workers?: readonly AnyWorker[]
  pollIntervalMs?: number
  /** Called after a job's outcome reached the engine (the next user task may exist now). */
  onJobDone?: () => void
}): RunningWorkers {
  // the client's view of each worker's connection: lost on a connection error, back when ready
  const connected = new Map<string, boolean>(workers.map((w) => [w.type, true]))
  let closed = false
  const running = workers.map((w) =>
    zeebe.createWorker({
      // the worker's name on its jobs: the replay shows it as who did the step
      id: w.type,
      onConnectionError: () => connected.set(w.type, false),
      onReady: () => connected.set(w.type, true),
      taskType: w.type,
      timeout: w.timeoutMs,
      pollInterval: pollIntervalMs,
      maxJobsToActivate: 8,
      loglevel: 'ERROR',
      fetchVariable: Object.keys(w.inputSchema.properties),
      taskHandler: async (job) => {
        const data: JobData = {
          key: String(job.key),
          type: job.type,
          processInstanceKey: String(job.processInstanceKey),
          bpmnProcessId: job.bpmnProcessId,
          // on the wire (ActivatedJob.processDefinitionKey); the SDK's Job type omits it
          processDefinitionKey: String(
            (job as unknown as { processDefinitionKey?: string | number }).processDefinitionKey ??
              '',
          ),
          elementId: job.elementId,
          retries: job.retries,
          variables: { ...(job.variables as Record<string, unknown>) },
          customHeaders: asText(job.customHeaders),
        }
        const result = await w.run(data, deps)
        switch (result.outcome) {
          case 'complete':
            return job.complete(toJson(result.variables)).finally(onJobDone)
          case 'error':
            return job
              .error({
                errorCode: result.errorCode,
                errorMessage: result.errorMessage,
                variables: toJson(result.variables),
              })
              .finally(onJobDone)
          case 'fail':
            log.warn(`${w.type} job ${data.key}: ${result.errorMessage}`)
            return job.fail({
              errorMessage: result.errorMessage,
              retries: result.retries,
              retryBackOff: result.retryBackOff,
            })
        }
      },
    }),
  )
  log.info(`started ${running.length} job workers`)
  return {
    types: workers.map((w) => w.type),
    status() {
      const lost = [...connected].filter(([, up]) => !up).map(([type]) => type)
      return {
        status: closed || lost.length > 0 ? 'down' : 'up',
        total: workers.length,
        connected: closed ? 0 : workers.length - lost.length,
        ...(lost.length > 0 ? { disconnected: lost } : {}),
      }
    },
    async close() {
      closed = true
      await Promise.all(running.map((r) => r.close()))
    },
  }
}
