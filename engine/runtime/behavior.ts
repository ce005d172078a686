/** The contract every element behaviour (one file per BPMN element kind) implements. */
import type { FlowNode } from '../model/model'
import type { ElementInstanceState } from '../state/state'
import type { EventTrigger, Runtime } from './runtime'

/** One element kind's steps in the element lifecycle. */
export interface ElementBehavior {
  /**
   * Runs after ELEMENT_ACTIVATING and input mappings. Writes ELEMENT_ACTIVATED (via
   * `rt.activated`) and then waits (job, subscription, children) or completes at once. On a
   * failure it raises an incident and returns, leaving the element ACTIVATING.
   */
  activate(rt: Runtime, ei: ElementInstanceState, node: FlowNode, trigger?: EventTrigger): void
  /**
   * Runs in TERMINATING just before ELEMENT_TERMINATED (jobs, subscriptions and children are
   * gone). True = wait (Zeebe's AWAIT): `rt.finishTermination(ei)` is called when done.
   */
  terminating?(rt: Runtime, ei: ElementInstanceState): boolean | void
  /** Runs in COMPLETING before output mappings; false = an incident was raised. */
  completing?(rt: Runtime, ei: ElementInstanceState, node: FlowNode): boolean
  /** Replaces the default leave step (take outgoing flows) after ELEMENT_COMPLETED. */
  completed?(rt: Runtime, ei: ElementInstanceState, node: FlowNode): void
  /** A multi-instance child is completing (after its output mappings); false = incident. */
  childCompleting?(
    rt: Runtime,
    ei: ElementInstanceState,
    child: ElementInstanceState,
    node: FlowNode,
  ): boolean
  /** A child element instance completed or terminated (containers, multi-instance bodies). */
  childLeft?(rt: Runtime, ei: ElementInstanceState, node: FlowNode): void
}
