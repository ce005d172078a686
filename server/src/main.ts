/** `npm start`: loads the configuration, starts everything and prints where to go. */
import { ConfigError, loadConfig } from './config'
import { createLogger } from './log'
import { startServer } from './server'

async function main() {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(2)
    }
    throw err
  }
  const log = createLogger(config.LOG_LEVEL)
  const server = await startServer({ config, log })
  if (server.seededUsers.length) {
    const lines = server.seededUsers.map(
      (u) =>
        `  ${u.username.padEnd(10)} ${u.password}  ${u.roles.join(',')}${u.groups.length ? ` (${u.groups.join(', ')})` : ''}`,
    )
    process.stdout.write(`\nDemo users created (shown once, keep them):\n${lines.join('\n')}\n`)
  }
  process.stdout.write(`\nService management platform ready: ${server.url}\n`)
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info(`${signal}: shutting down`)
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((err: unknown) => {
  createLogger('error').fatal(err)
  process.exit(1)
})
