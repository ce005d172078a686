/**
 * The shape of a corpus manifest: how to drive one public Camunda 8 model through
 * `@camunda8/sdk` and what Zeebe's semantics say must happen. Expected paths are derived from
 * the model and Zeebe's documented behaviour (never pasted from a run of our engine).
 */

/** A JSON value as the SDK types variables (it has no null). */
export type Json = string | number | boolean | Json[] | { [key: string]: Json }
export type Vars = { [key: string]: Json }

/** One action of a scripted run, performed through the SDK (or the engine's TestClock). */
export type Step =
  /** Activates one job of `job` and completes it (optionally checking custom headers). */
  | { job: string; complete?: Vars; headers?: Record<string, string> }
  /** Activates one job and fails it (no back-off). */
  | { job: string; fail: { retries: number; message: string } }
  /** Activates one job and throws a BPMN error. */
  | { job: string; throwError: { code: string; message?: string; variables?: Vars } }
  /** PublishMessage with TTL 0 (correlates to open subscriptions only). */
  | { publish: string; correlationKey: string; variables?: Vars }
  /** BroadcastSignal. */
  | { signal: string; variables?: Vars }
  /** Moves the TestClock and lets the engine fire what is due. */
  | { advance: number }
  /** UpdateJobRetries (when the incident has a job) and ResolveIncident of the open incident at an element. */
  | { resolveIncident: string; retries?: number }
  /** Completes a Camunda user task (`zeebe:userTask`) at an element. */
  | { completeUserTask: string; variables?: Vars }

/** How a run's instance comes to exist. */
export type Start =
  | { process: string; variables?: Vars }
  | { process: string; message: string; correlationKey: string; variables?: Vars }
  | { process: string; signal: string; variables?: Vars }
  /** Started by a timer start event once the clock moved `advance` ms (0: what is already due). */
  | { process: string; timer: number }

export interface Run {
  name: string
  start: Start
  steps: Step[]
  /** Element ids of the instance's ELEMENT_COMPLETED records in order (the process itself last when it completed). */
  path: string[]
  /** Include SEQUENCE_FLOW_TAKEN ids in `path`. */
  flows?: boolean
  /** `valueType:intent:elementId` (elementId may be empty) that must occur in this order among the instance's records. */
  records?: string[]
  /** `completed` (default) or `active` (the run ends waiting or at an incident; the test cancels it). */
  end?: 'completed' | 'active'
  /** Our engine is silently wrong in this run: it is checked as an `it.fails` naming the bug. */
  knownBug?: string
  /** Paths of called instances, by bpmnProcessId. */
  children?: Record<string, string[]>
}

export interface Manifest {
  /** Resources deployed together, relative to engine/conformance/camunda8/. The first is the model. */
  resources: string[]
  /** Element kinds and behaviour the model covers. */
  covers: string
  /** Zeebe itself refuses the deployment with this message: the expected outcome. */
  rejected?: RegExp
  /**
   * The model needs something the engine does not do yet: until it does, deployment must be
   * refused with an error matching `refusal`. Removing `pending` turns on the runs.
   */
  pending?: { feature: string; refusal: RegExp }
  /** Our engine is silently wrong here (e.g. accepts what Zeebe refuses): the test is `it.fails`. */
  knownBug?: string
  runs: Run[]
}
