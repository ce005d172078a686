/**
 * The monthly due-check of report definitions (6.2: reports at planned intervals), run like the
 * server's other periodic sweeps (retention, overdue escalation): a timer that starts one pass
 * at a time. A run claims its due date in the database, so a pass after a restart, or on a
 * second server, never runs a report twice.
 */
import type { Logger } from '../log'
import type { ReportsService } from './reports.service'

export interface ReportSchedulerOptions {
  reports: ReportsService
  log: Logger
  /** Between due-checks, ms. Default 10 minutes. */
  everyMs?: number
}

export function startReportScheduler({ reports, log, everyMs = 600_000 }: ReportSchedulerOptions) {
  let running: Promise<unknown> | undefined
  const pass = () => {
    running ??= reports
      .runDue()
      .then((taken) => {
        for (const s of taken)
          log.info(`reports: monthly report ${s.definitionId} stored as ${s.id}`)
      })
      .catch((err: unknown) => log.error('report due-check failed', err))
      .finally(() => (running = undefined))
    return running
  }
  const first = setTimeout(pass, 5_000)
  first.unref()
  const timer = setInterval(pass, everyMs)
  timer.unref()
  return {
    /** Runs a due-check now (tests). */
    runNow: () => pass(),
    async stop() {
      clearTimeout(first)
      clearInterval(timer)
      await running
    },
  }
}
