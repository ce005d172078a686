/**
 * An instance's element instances as a tree, as Camunda Operate shows its instance history
 * (`GET /api/history/…`, the `tree` of the instance history). Built by
 * server/src/history/activity-tree.ts, shown by the replay page.
 */

/** Who did a step (ISO/IEC 20000-1 4.3.3: records say who acted). */
export interface Actor {
  /** A person logged in to the product, a job worker, or the engine itself. */
  kind: 'person' | 'worker'
  /** The username, or the worker's name as the engine recorded it. */
  id: string
  /** What a reader sees: the person's display name, or "automated (worker name)". */
  name: string
}

/** One incident on an element instance. */
export interface NodeIncident {
  key: string
  errorType: string
  errorMessage: string
  resolved: boolean
}

/** One element instance of the tree. */
export interface ActivityNode {
  key: string
  elementId: string
  elementName: string
  /** 8.8's element type: `PROCESS`, `USER_TASK`, `SUB_PROCESS`, `MULTI_INSTANCE_BODY`, … */
  elementType: string
  /** The element instance that contains this one; null at the root. */
  scopeKey: string | null
  state: 'active' | 'completed' | 'terminated'
  /** 1, 2, … for the iterations of a multi-instance body, in the order they were created. */
  iteration: number | null
  startedAt: string
  endedAt: string | null
  /** Timeline positions of the activation and of the end (null while active). */
  startPosition: number
  endPosition: number | null
  who: Actor | null
  incidents: NodeIncident[]
  /** Variables local to this scope, with their current values (v2 keeps no older ones). */
  variables: { name: string; value: unknown; position: number }[]
  children: ActivityNode[]
}
