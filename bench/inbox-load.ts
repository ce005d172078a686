/**
 * First load of the inbox in a browser (issue: under 2 s on the embedded server). Starts the
 * product as `npm start` does (embedded engine, PGlite, demo data) and Debian's Chromium, then
 * loads /inbox for a logged-in staff member in fresh browser contexts (empty cache each time)
 * and prints each load, the median and the slowest. Builds the web client first when it is
 * missing or stale. Prints figures; it is not a test (a test beside other suites on two cores
 * measures the other suites as much as the inbox).
 *
 *   npm run bench:inbox-load            # 10 loads
 *   npm run bench:inbox-load -- 30
 */
import { loadavg } from 'node:os'
import { buildClient } from '../test/support/global-setup'
import { firstInboxLoad, launchBrowser, startApp } from '../test/browser/support'
import { percentile } from './stats'

const LOADS = Number(process.argv[2] ?? 10)
const TARGET_MS = 2000

async function main(): Promise<void> {
  buildClient()
  const app = await startApp({ DEPLOY_PROCESSES: 'true' })
  const browser = await launchBrowser()
  try {
    const took: number[] = []
    for (let i = 0; i < LOADS; i++) {
      const { took: ms, context } = await firstInboxLoad(browser, app)
      took.push(ms)
      await context.close()
    }
    console.log(
      `first load of the inbox, ${LOADS} fresh browser contexts (load average ${loadavg()[0]!.toFixed(1)}):`,
    )
    console.log(`  each: ${took.map((t) => t.toFixed(0)).join(', ')} ms`)
    console.log(
      `  median ${percentile(took, 50).toFixed(0)} ms, slowest ${Math.max(...took).toFixed(0)} ms (target < ${TARGET_MS} ms)`,
    )
  } finally {
    await browser.close()
    await app.stop()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
