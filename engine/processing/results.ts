/**
 * Callers waiting for the result of an instance they created (CreateProcessInstanceWithResult):
 * registered by the creating command, settled once the command in which the instance finished
 * is durable.
 */
import {
  type CreatedInstance,
  type CreateInstanceCommand,
  EngineError,
  EngineErrorCode,
  type InstanceResult,
} from '../api'
import type { Runtime } from '../runtime/runtime'
import type { EngineStateData } from '../state/state'

/** A with-result waiter whose instance finished in a command, settled once that is durable. */
export interface FinishedResult {
  settle: () => void
  fail: (err: unknown) => void
}

interface ResultWaiter {
  resolve: (r: InstanceResult) => void
  reject: (e: unknown) => void
  fetchVariables?: string[]
  created: CreatedInstance
  timer?: NodeJS.Timeout
}

export type WithResultCommand = CreateInstanceCommand & {
  fetchVariables?: string[]
  requestTimeoutMs?: number
}

/** One caller's pending result: `register` it in the creating command, then await `result`. */
export interface PendingResult {
  result: Promise<InstanceResult>
  register: (rt: Runtime, created: CreatedInstance) => void
}

export class ResultWaiters {
  private readonly waiters = new Map<number, ResultWaiter>()

  pending(cmd: WithResultCommand): PendingResult {
    let resolveResult!: (r: InstanceResult) => void
    let rejectResult!: (e: unknown) => void
    const result = new Promise<InstanceResult>((res, rej) => {
      resolveResult = res
      rejectResult = rej
    })
    // the result may be refused before anyone awaits it (the creation itself failing, or an
    // outage); the rejection is what the caller gets through the creation's chain
    result.catch(() => undefined)
    const register = (rt: Runtime, c: CreatedInstance): void => {
      const key = Number(c.processInstanceKey)
      rt.resultWanted.add(key)
      const waiter: ResultWaiter = {
        resolve: resolveResult,
        reject: rejectResult,
        created: c,
        ...(cmd.fetchVariables ? { fetchVariables: cmd.fetchVariables } : {}),
      }
      this.waiters.set(key, waiter)
      if (cmd.requestTimeoutMs && cmd.requestTimeoutMs > 0) {
        waiter.timer = setTimeout(() => {
          if (this.waiters.get(key) !== waiter) return
          this.waiters.delete(key)
          rt.resultWanted.delete(key)
          rejectResult(
            new EngineError(
              EngineErrorCode.Internal,
              `Expected to receive the result of process instance '${key}' within ${cmd.requestTimeoutMs} ms, but it did not complete in time`,
            ),
          )
        }, cmd.requestTimeoutMs)
        waiter.timer.unref()
      }
    }
    return { result, register }
  }

  /** The waiters whose instance finished in this command (settled after durability). */
  collect(s: EngineStateData, rt: Runtime): FinishedResult[] {
    const out: FinishedResult[] = []
    for (const [key, w] of this.waiters) {
      if (s.elementInstances[key]) continue
      const vars = rt.stash.get(key)
      rt.stash.delete(key)
      rt.resultWanted.delete(key)
      this.waiters.delete(key)
      if (w.timer) clearTimeout(w.timer)
      if (vars) {
        const picked =
          w.fetchVariables && w.fetchVariables.length > 0
            ? Object.fromEntries(w.fetchVariables.filter((n) => n in vars).map((n) => [n, vars[n]]))
            : vars
        out.push({
          settle: () => w.resolve({ ...w.created, variables: picked }),
          fail: w.reject,
        })
      } else {
        out.push({
          settle: () =>
            w.reject(
              new EngineError(
                EngineErrorCode.FailedPrecondition,
                `Expected to receive the result of process instance '${key}', but it was terminated`,
              ),
            ),
          fail: w.reject,
        })
      }
    }
    return out
  }

  /** Fails every waiter with `error(key)` (an outage, or the engine closing). */
  failAll(error: (key: number) => unknown): void {
    for (const [key, w] of this.waiters) {
      if (w.timer) clearTimeout(w.timer)
      w.reject(error(key))
    }
    this.waiters.clear()
  }
}
