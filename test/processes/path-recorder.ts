/**
 * Opt-in path recorder for the procedure tests: when PATH_COVERAGE_DIR is set, the harness writes,
 * before it stops, which sequence flows each procedure took and which elements completed or were
 * terminated, read from the engine's record log (all process instances of the run). The script
 * `path-coverage.ts` merges these files and lists what no test took.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunningEngine } from '../../engine/index'
import { fieldsOf } from '../../engine/state/records'

/** The paths one run took, per bpmnProcessId (element ids, sorted). */
export interface PathsTaken {
  [bpmnProcessId: string]: {
    flows: string[]
    completed: string[]
    terminated: string[]
    /** Instances started and ended (completed or terminated) in the run. */
    instances: { started: number; ended: number }
    /** Where instances that did not end were waiting: element id → how many. */
    waitingAt: Record<string, number>
  }
}

interface Taken {
  flows: Set<string>
  completed: Set<string>
  terminated: Set<string>
  /** Process instance key → whether it ended. */
  instances: Map<string, boolean>
  /** Element instance key → element id, of elements active now. */
  active: Map<string, { instance: string; element: string; type: string }>
}

/** Where the recorder writes, or undefined when recording is off. */
export function pathCoverageDir(): string | undefined {
  return process.env.PATH_COVERAGE_DIR || undefined
}

const PAGE = 100_000

/** Reads every PROCESS_INSTANCE record of the engine's log and groups the paths taken. */
export async function readPathsTaken(engine: RunningEngine): Promise<PathsTaken> {
  const taken = new Map<string, Taken>()
  let after = 0
  for (;;) {
    const page = await engine.engine.readRecords({
      afterPosition: after,
      valueTypes: ['PROCESS_INSTANCE'],
      limit: PAGE,
    })
    for (const r of page) {
      const process = String(fieldsOf(r).bpmnProcessId)
      let entry = taken.get(process)
      if (!entry) {
        entry = {
          flows: new Set(),
          completed: new Set(),
          terminated: new Set(),
          instances: new Map(),
          active: new Map(),
        }
        taken.set(process, entry)
      }
      const element = String(fieldsOf(r).elementId)
      const type = String(fieldsOf(r).bpmnElementType)
      const ended = r.intent === 'ELEMENT_COMPLETED' || r.intent === 'ELEMENT_TERMINATED'
      if (r.intent === 'SEQUENCE_FLOW_TAKEN') entry.flows.add(element)
      else if (r.intent === 'ELEMENT_COMPLETED') entry.completed.add(element)
      else if (r.intent === 'ELEMENT_TERMINATED') entry.terminated.add(element)
      if (type === 'PROCESS') {
        if (r.intent === 'ELEMENT_ACTIVATED') entry.instances.set(r.key, false)
        else if (ended) entry.instances.set(r.key, true)
      } else if (r.intent === 'ELEMENT_ACTIVATED') {
        entry.active.set(r.key, { instance: String(fieldsOf(r).processInstanceKey), element, type })
      } else if (ended) {
        entry.active.delete(r.key)
      }
    }
    const last = page.at(-1)
    if (!last || page.length < PAGE) break
    after = last.position
  }
  const out: PathsTaken = {}
  for (const [process, e] of [...taken].sort(([a], [b]) => a.localeCompare(b))) {
    const waitingAt: Record<string, number> = {}
    for (const a of e.active.values()) {
      // the innermost waiting elements: a subprocess waits because of what is active inside it
      if (a.type === 'SUB_PROCESS' || e.instances.get(a.instance) !== false) continue
      waitingAt[a.element] = (waitingAt[a.element] ?? 0) + 1
    }
    out[process] = {
      flows: [...e.flows].sort(),
      completed: [...e.completed].sort(),
      terminated: [...e.terminated].sort(),
      instances: {
        started: e.instances.size,
        ended: [...e.instances.values()].filter(Boolean).length,
      },
      waitingAt,
    }
  }
  return out
}

/** Writes the paths taken in this run to `dir` (one file per harness, never overwritten). */
export async function recordPathsTaken(engine: RunningEngine, dir: string, label: string) {
  const taken = await readPathsTaken(engine)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${label}-${Date.now()}-${randomBytes(4).toString('hex')}.json`)
  writeFileSync(file, JSON.stringify(taken, null, 2))
}
