/**
 * Path coverage of the procedures: runs the procedure tests (test/processes/*.e2e.test.ts) with
 * the harness's path recorder on, then prints per process of processes/*.bpmn the sequence
 * flows and the events (boundary events, event subprocesses, timer / message / error events,
 * receive tasks) that no test took.
 *
 *   npm run coverage:paths                          # run every procedure test, then report
 *   npm run coverage:paths -- test/processes/x.e2e.test.ts   # only these test files
 *   npm run coverage:paths -- --from <dir>          # report on recordings made earlier
 *
 * Exits 1 when a test failed, or with `--strict` when some path was not taken.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  list,
  parseProcessFile,
  processFiles,
  repoRoot,
  str,
  type ModdleElement,
  type ParsedProcess,
} from './bpmn-model'
import type { PathsTaken } from './path-recorder'

/** A path of a diagram that a test should take at least once. */
interface PathElement {
  id: string
  /** e.g. `sequence flow`, `timer boundary event`, `message receive task`. */
  kind: string
}

const definitionKinds: Record<string, string> = {
  'bpmn:TimerEventDefinition': 'timer',
  'bpmn:MessageEventDefinition': 'message',
  'bpmn:ErrorEventDefinition': 'error',
  'bpmn:EscalationEventDefinition': 'escalation',
  'bpmn:SignalEventDefinition': 'signal',
  'bpmn:CompensateEventDefinition': 'compensation',
  'bpmn:ConditionalEventDefinition': 'conditional',
  'bpmn:TerminateEventDefinition': 'terminate',
}

const eventNames: Record<string, string> = {
  'bpmn:BoundaryEvent': 'boundary event',
  'bpmn:StartEvent': 'start event',
  'bpmn:IntermediateCatchEvent': 'intermediate catch event',
  'bpmn:IntermediateThrowEvent': 'intermediate throw event',
  'bpmn:EndEvent': 'end event',
}

/** The events and special paths of a process: what beyond its sequence flows must be taken. */
function eventPaths(p: ParsedProcess): PathElement[] {
  const out: PathElement[] = []
  for (const el of p.elements) {
    const id = el.id ?? ''
    if (el.$type === 'bpmn:SubProcess' && el.triggeredByEvent === true) {
      out.push({ id, kind: 'event subprocess' })
      continue
    }
    if (el.$type === 'bpmn:ReceiveTask') {
      out.push({ id, kind: 'message receive task' })
      continue
    }
    const name = eventNames[el.$type]
    if (!name) continue
    const definitions = list(el, 'eventDefinitions').map((d) => definitionKinds[d.$type] ?? d.$type)
    // every boundary event is a path; other events only when they wait for or throw something
    if (el.$type !== 'bpmn:BoundaryEvent' && definitions.length === 0) continue
    out.push({ id, kind: [...definitions, name].join(' ') })
  }
  return out
}

function sequenceFlows(p: ParsedProcess): PathElement[] {
  return p.elements
    .filter((el: ModdleElement) => el.$type === 'bpmn:SequenceFlow')
    .map((el) => ({ id: el.id ?? '', kind: 'sequence flow' }))
}

function parseArgs(argv: string[]) {
  let from: string | undefined
  let strict = false
  const files: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--from') from = argv[++i]
    else if (arg === '--strict') strict = true
    else files.push(arg)
  }
  return { from, strict, files }
}

function runTests(dir: string, files: string[]): boolean {
  const tests =
    files.length > 0
      ? files
      : readdirSync(join(repoRoot, 'test', 'processes'))
          .filter((f) => f.endsWith('.e2e.test.ts'))
          .sort()
          .map((f) => `test/processes/${f}`)
  process.stdout.write(`running ${tests.join(' ')} with PATH_COVERAGE_DIR=${dir}\n`)
  const run = spawnSync('npx', ['vitest', 'run', ...tests], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, PATH_COVERAGE_DIR: dir },
  })
  return run.status === 0
}

/** Merges the recordings of every harness (every file, every database) in `dir`. */
interface Merged {
  flows: Set<string>
  reached: Set<string>
  started: number
  ended: number
  waitingAt: Map<string, number>
}

function readRecordings(dir: string): Map<string, Merged> {
  const merged = new Map<string, Merged>()
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'))
  if (files.length === 0) throw new Error(`no path recordings in ${dir}`)
  for (const file of files) {
    const taken = JSON.parse(readFileSync(join(dir, file), 'utf8')) as PathsTaken
    for (const [process, paths] of Object.entries(taken)) {
      let entry = merged.get(process)
      if (!entry) {
        entry = { flows: new Set(), reached: new Set(), started: 0, ended: 0, waitingAt: new Map() }
        merged.set(process, entry)
      }
      entry.started += paths.instances.started
      entry.ended += paths.instances.ended
      for (const [element, n] of Object.entries(paths.waitingAt)) {
        entry.waitingAt.set(element, (entry.waitingAt.get(element) ?? 0) + n)
      }
      for (const f of paths.flows) entry.flows.add(f)
      // a boundary event or event subprocess that was triggered completes (or, interrupted
      // by an end of its scope, is terminated): either way its path was taken
      for (const e of [...paths.completed, ...paths.terminated]) entry.reached.add(e)
    }
  }
  return merged
}

async function main() {
  const { from, strict, files } = parseArgs(process.argv.slice(2))
  const dir = from ?? mkdtempSync(join(tmpdir(), 'path-coverage-'))
  const passed = from ? true : runTests(dir, files)
  const recorded = readRecordings(dir)

  let missing = 0
  const lines: string[] = ['', 'Path coverage of processes/*.bpmn', '']
  for (const file of processFiles()) {
    const p = await parseProcessFile(file)
    const processId = str(p.process, 'id') ?? file.replace(/\.bpmn$/, '')
    const taken: Merged = recorded.get(processId) ?? {
      flows: new Set(),
      reached: new Set(),
      started: 0,
      ended: 0,
      waitingAt: new Map(),
    }
    const flows = sequenceFlows(p)
    const events = eventPaths(p)
    const flowsMissed = flows.filter((f) => !taken.flows.has(f.id))
    const eventsMissed = events.filter((e) => !taken.reached.has(e.id))
    missing += flowsMissed.length + eventsMissed.length
    lines.push(
      `${processId}: sequence flows ${flows.length - flowsMissed.length}/${flows.length}, ` +
        `events ${events.length - eventsMissed.length}/${events.length}, ` +
        `instances ended ${taken.ended}/${taken.started}`,
    )
    for (const m of [...flowsMissed, ...eventsMissed]) lines.push(`  not taken: ${m.kind} ${m.id}`)
    // instances a test left waiting: their path was not driven to an end
    for (const [element, n] of [...taken.waitingAt].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`  left waiting: ${n} at ${element}`)
    }
  }
  lines.push('', missing === 0 ? 'every path was taken' : `${missing} paths not taken`, '')
  process.stdout.write(lines.join('\n'))
  if (!passed) process.stdout.write('some procedure tests failed: the figures are partial\n')
  process.exit(!passed || (strict && missing > 0) ? 1 : 0)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
