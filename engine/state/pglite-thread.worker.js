// @ts-check
/**
 * The worker thread that owns a PGlite instance for {@link ../pglite-thread.ts}: it opens the
 * database, runs what the main thread posts (statements, COPY, dumps, close) one after another
 * and posts back rows or the error with its SQLSTATE fields.
 *
 * Plain JavaScript on purpose: a worker thread starts without the TypeScript loader of its
 * parent (vitest transforms modules inside its own runner, not through a loader a worker would
 * inherit), and it imports nothing but PGlite, so it loads the same under `tsx`, vitest and
 * plain node.
 */
import { writeFileSync } from 'node:fs'
import process from 'node:process'
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'

/** The extensions a caller may name (the server's inbox search uses trigram indexes). */
const EXTENSIONS = { pg_trgm }

const port = parentPort
if (!port) throw new Error('pglite-thread.worker.js runs as a worker thread only')

try {
  // the thread's name on Linux, so CPU per thread (top -H, bench:load) shows the database apart
  writeFileSync('/proc/thread-self/comm', 'pglite')
} catch {
  // another system: the name is only a label
}

/**
 * @typedef {{ dataDir?: string, loadDataDir?: ArrayBuffer, extensions?: string[],
 *   pgliteWasmModule?: WebAssembly.Module, initdbWasmModule?: WebAssembly.Module }} Options
 * @typedef {{ id: number, op: 'query', sql: string, params?: unknown[], blob?: Blob }
 *   | { id: number, op: 'dump' } | { id: number, op: 'close' }} Request
 */

/** @type {Options} */
const options = workerData
/** @type {PGlite} */
let pglite
try {
  pglite = await PGlite.create(options.dataDir, {
    extensions: Object.fromEntries(
      (options.extensions ?? []).map((name) => [name, EXTENSIONS[/** @type {'pg_trgm'} */ (name)]]),
    ),
    ...(options.loadDataDir ? { loadDataDir: new Blob([options.loadDataDir]) } : {}),
    ...(options.pgliteWasmModule ? { pgliteWasmModule: options.pgliteWasmModule } : {}),
    ...(options.initdbWasmModule ? { initdbWasmModule: options.initdbWasmModule } : {}),
  })
  port.postMessage({ id: 0, ok: true })
} catch (err) {
  port.postMessage({ id: 0, ok: false, error: plainError(err) })
  process.exit(1)
}

// one request at a time, in the order they came (PGlite has a single connection anyway)
let tail = Promise.resolve()
port.on('message', (/** @type {Request} */ request) => {
  tail = tail.then(() => answer(request))
})

/** @param {Request} request */
async function answer(request) {
  try {
    switch (request.op) {
      case 'query': {
        const result = await pglite.query(
          request.sql,
          request.params,
          request.blob ? { blob: request.blob } : undefined,
        )
        port?.postMessage({
          id: request.id,
          ok: true,
          result: { rows: result.rows, affectedRows: result.affectedRows },
        })
        return
      }
      case 'dump': {
        const dump = await pglite.dumpDataDir('none')
        const bytes = await dump.arrayBuffer()
        port?.postMessage({ id: request.id, ok: true, result: bytes }, [bytes])
        return
      }
      case 'close': {
        await pglite.close()
        port?.postMessage({ id: request.id, ok: true })
        port?.close()
        return
      }
    }
  } catch (err) {
    port?.postMessage({ id: request.id, ok: false, error: plainError(err) })
  }
}

/**
 * An error as plain data: its message and every scalar field PostgreSQL gave it (code,
 * constraint, detail, table, …), so the main thread can rebuild one the server's error
 * mapping reads as before. PGlite's copy of the parameters is left out (it may be large).
 * @param {unknown} err
 */
function plainError(err) {
  if (!(err instanceof Error)) return { message: String(err), fields: {} }
  /** @type {Record<string, string | number | boolean>} */
  const fields = {}
  for (const [key, value] of Object.entries(err)) {
    if (key === 'params' || key === 'queryOptions') continue
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      fields[key] = value
    }
  }
  return { message: err.message, name: err.name, stack: err.stack, fields }
}
