/** A small levelled logger writing one line per entry to stderr. Never pass it secrets. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'
const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 }

export interface Logger {
  debug(msg: string, extra?: unknown): void
  info(msg: string, extra?: unknown): void
  warn(msg: string, extra?: unknown): void
  error(msg: string, extra?: unknown): void
  fatal(err: unknown): void
}

export function createLogger(level: LogLevel = 'info', name = 'sms'): Logger {
  const at = (l: LogLevel) => (msg: string, extra?: unknown) => {
    if (order[l] < order[level]) return
    const tail =
      extra === undefined
        ? ''
        : ` ${extra instanceof Error ? (extra.stack ?? extra.message) : JSON.stringify(extra)}`
    process.stderr.write(
      `${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} [${name}] ${msg}${tail}\n`,
    )
  }
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: (err) =>
      process.stderr.write(
        `${new Date().toISOString()} FATAL [${name}] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      ),
  }
}
