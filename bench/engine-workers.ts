/**
 * The job workers of the engine benchmark, in a process of their own as Camunda's benchmarks run
 * them: `node --import tsx bench/engine-workers.ts <host:port> <tasks>` starts one
 * @camunda8/sdk worker per job type `bench-task-1…<tasks>` that completes every job at once.
 * Prints `workers ready`; SIGTERM closes the workers and exits.
 */
import { quietZeebeClient } from './zeebe-client'

async function main(): Promise<void> {
  const [address, tasksArg] = process.argv.slice(2)
  if (!address) throw new Error('usage: engine-workers.ts <host:port> <tasks>')
  const tasks = Number(tasksArg ?? 10)
  const zeebe = quietZeebeClient(address)
  const workers = Array.from({ length: tasks }, (_, i) =>
    zeebe.createWorker({
      taskType: `bench-task-${i + 1}`,
      maxJobsToActivate: 64,
      pollInterval: 10,
      taskHandler: (job) => job.complete(),
    }),
  )
  console.log('workers ready')
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
