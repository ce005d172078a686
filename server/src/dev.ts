/**
 * `npm run dev`: the server as `npm start` runs it, plus Vite's dev server with hot reload for
 * the client (it proxies /api and /socket.io to the server). Open the Vite URL it prints.
 */
import { join } from 'node:path'
import { createServer } from 'vite'
import { ConfigError, loadConfig } from './config'
import { createLogger } from './log'
import { repoRoot, startServer } from './server'

async function main() {
  const config = loadConfig()
  const log = createLogger(config.LOG_LEVEL)
  const server = await startServer({ config, log })
  for (const u of server.seededUsers)
    process.stdout.write(`demo user ${u.username} ${u.password}\n`)
  const vite = await createServer({ configFile: join(repoRoot, 'client', 'vite.config.ts') })
  await vite.listen()
  vite.printUrls()
  process.stdout.write(`API: ${server.url}\n`)
  const stop = () => {
    void Promise.allSettled([vite.close(), server.stop()]).then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`)
    process.exit(2)
  }
  createLogger('error').fatal(err)
  process.exit(1)
})
