/**
 * The job workers of the engine benchmark, in a process of their own as Camunda's benchmarks run
 * them: `node --import tsx bench/engine-workers.ts <host:port> <tasks>` starts one
 * @camunda8/sdk worker per job type `bench-task-1…<tasks>` that completes every job at once.
 * Prints `workers ready`; SIGTERM closes the workers and exits.
 */
import { Camunda8 } from '@camunda8/sdk'

async function main(): Promise<void> {
  const [address, tasksArg] = process.argv.slice(2)
  if (!address) throw new Error('usage: engine-workers.ts <host:port> <tasks>')
  const tasks = Number(tasksArg ?? 10)
  const c8 = new Camunda8({
    ZEEBE_GRPC_ADDRESS: `grpc://${address}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE' },
    CAMUNDA_LOG_LEVEL: 'none',
  })
  const zeebe = c8.getZeebeGrpcApiClient()
  const workers = Array.from({ length: tasks }, (_, i) =>
    zeebe.createWorker({
      taskType: `bench-task-${i + 1}`,
      maxJobsToActivate: 64,
      pollInterval: 10,
      taskHandler: (job) => job.complete(),
    }),
  )
  const cpu0 = process.cpuUsage(); const w0 = Date.now(); setInterval(() => { const c = process.cpuUsage(cpu0); console.error(`workers cpu ${((c.user + c.system) / 1000 / (Date.now() - w0) * 100).toFixed(0)}%`) }, 2000).unref()
  console.log("workers ready")
  process.once('SIGTERM', () => {
    void Promise.all(workers.map((w) => w.close()))
      .then(() => zeebe.close())
      .finally(() => process.exit(0))
  })
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
