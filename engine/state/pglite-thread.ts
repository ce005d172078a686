/**
 * PGlite on a worker thread of its own. PGlite runs PostgreSQL as WebAssembly on the thread
 * that calls it, synchronously: in-process, every statement stops that thread's event loop
 * (the server's HTTP, socket.io and the embedded engine) while it runs. Here a worker
 * (`pglite-thread.worker.js`) owns the instance and this side posts it statements, COPY
 * blobs, dumps and close, one after another; the main thread only waits.
 *
 * {@link PGliteThread} has the part of PGlite's interface {@link PGlitePool} uses, so the pool's
 * one-borrower-at-a-time discipline (a transaction never interleaves with other statements)
 * holds unchanged. Errors come back as `Error`s carrying PostgreSQL's fields (`code`,
 * `constraint`, `detail`, …) as PGlite's own do; when the thread itself is gone, every waiting
 * and later call fails with SQLSTATE 08006 (connection failure), which callers treat as an
 * outage.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Worker } from 'node:worker_threads'

export interface PGliteThreadOptions {
  /** PGlite's data directory; undefined = in memory. */
  dataDir?: string
  /** A data directory dump (`dumpDataDir`) a new in-memory database starts from. */
  loadDataDir?: Blob
  /** Contrib extensions to load, by name (`pg_trgm`). */
  extensions?: readonly 'pg_trgm'[]
}

interface QueryResult {
  rows: unknown[]
  affectedRows?: number
}

type Request =
  { op: 'query'; sql: string; params?: unknown[]; blob?: Blob } | { op: 'dump' } | { op: 'close' }

type Response =
  { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: PlainError }

interface PlainError {
  message: string
  name?: string
  stack?: string
  fields: Record<string, string | number | boolean>
}

const WORKER_URL = new URL('./pglite-thread.worker.js', import.meta.url)

export class PGliteThread {
  /** Statements are posted as `query` is called and run in that order ({@link PGlitePool}). */
  readonly pipelines = true
  private nextId = 1
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (err: Error) => void }
  >()
  private failure: Error | undefined
  private closing: Promise<void> | undefined

  private constructor(private readonly worker: Worker) {
    worker.on('message', (response: Response) => this.settle(response))
    worker.on('error', (err) => this.fail(err))
    worker.on('exit', (code) => this.fail(new Error(`exited with code ${code}`)))
    // an idle database does not keep the process alive (as PGlite in-process does not)
    worker.unref()
  }

  /** Starts the worker and opens the database in it. */
  static async start(options: PGliteThreadOptions = {}): Promise<PGliteThread> {
    const modules = await compiledModules()
    const loadDataDir = options.loadDataDir ? await options.loadDataDir.arrayBuffer() : undefined
    const worker = new Worker(WORKER_URL, {
      workerData: {
        dataDir: options.dataDir,
        loadDataDir,
        extensions: options.extensions ?? [],
        ...modules,
      },
      transferList: loadDataDir ? [loadDataDir] : [],
      // the worker is plain JavaScript: no TypeScript loader of the parent's to start again
      execArgv: [],
    })
    const thread = new PGliteThread(worker)
    await thread.call(0)
    return thread
  }

  query(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<QueryResult> {
    return this.post({ op: 'query', sql, params, ...(options?.blob ? { blob: options.blob } : {}) })
  }

  /** The data directory as an uncompressed tarball (PGlite's `dumpDataDir('none')`). */
  async dumpDataDir(): Promise<Blob> {
    const bytes = (await this.post({ op: 'dump' })) as ArrayBuffer
    return new Blob([bytes])
  }

  /** Closes the database (a checkpoint when it is on disk) and ends the worker. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.failure) await this.post({ op: 'close' })
      await this.worker.terminate()
    })()
    return this.closing
  }

  private post<T>(request: Request): Promise<T> {
    const id = this.nextId++
    const answer = this.call<T>(id)
    try {
      this.worker.postMessage({ id, ...request })
    } catch (err) {
      // a parameter structured cloning cannot copy (a function, a class with private state)
      this.waiting.get(id)?.reject(err as Error)
    }
    return answer
  }

  /** Waits for the answer to request `id` (0: the database opened). */
  private call<T>(id: number): Promise<T> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.waiting.size === 0) this.worker.ref()
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject })
    })
  }

  private settle(response: Response) {
    const waiter = this.waiting.get(response.id)
    if (!waiter) return
    this.forget(response.id)
    if (response.ok) waiter.resolve(response.result)
    else waiter.reject(rebuildError(response.error))
  }

  private forget(id: number) {
    this.waiting.delete(id)
    if (this.waiting.size === 0) this.worker.unref()
  }

  /** The thread is gone: every waiting and later call fails as an outage. */
  private fail(cause: Error) {
    if (this.failure) return
    const closed = this.closing !== undefined && this.waiting.size === 0
    this.failure = Object.assign(
      new Error(
        closed
          ? 'the embedded database is closed'
          : `the embedded database's thread stopped: ${cause.message}`,
        { cause },
      ),
      { code: '08006' },
    )
    for (const [id, waiter] of this.waiting) {
      this.forget(id)
      waiter.reject(this.failure)
    }
  }
}

/** An error from the worker as the caller would have had it from PGlite in-process. */
function rebuildError(plain: PlainError): Error {
  const err = Object.assign(new Error(plain.message), plain.fields)
  if (plain.name) err.name = plain.name
  if (plain.stack) err.stack = plain.stack
  return err
}

let modules: Promise<{ pgliteWasmModule: WebAssembly.Module; initdbWasmModule: WebAssembly.Module }>
/**
 * PGlite's WebAssembly compiled once per process and handed to every worker (a compiled
 * module is shared between threads), as PGlite in-process compiles it once: otherwise each
 * database opened would compile it again on its worker.
 */
function compiledModules() {
  modules ??= (async () => {
    const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'))
    const [pgliteWasmModule, initdbWasmModule] = await Promise.all(
      ['pglite.wasm', 'initdb.wasm'].map(async (file) =>
        WebAssembly.compile(await readFile(join(dist, file))),
      ),
    )
    return { pgliteWasmModule: pgliteWasmModule!, initdbWasmModule: initdbWasmModule! }
  })()
  return modules
}
