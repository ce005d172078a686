/**
 * The server's in-process event bus: services publish what changed, the socket.io layer
 * forwards each event to the users allowed to see it. Events are a discriminated union on
 * `type`; every payload carries what the realtime layer needs to scope it (groups, owner).
 */
import { EventEmitter } from 'node:events'

/** A task as it concerns live updates. */
export interface TaskEventPayload {
  taskId: string
  /** Candidate groups of the task: members of any of them receive the event. */
  candidateGroups: string[]
  candidateUsers: string[]
  assignee: string | null
  /** Who caused the change (username), if a person did. */
  actor?: string
  /**
   * The task after the change as `GET /api/tasks` lists it, for clients to patch their lists
   * without a reload. It goes only to the rooms above, all of which may see the task.
   */
  view?: Record<string, unknown>
}

/** A case as it concerns live updates. */
export interface CaseEventPayload {
  kind: string
  caseId: string
  status: string
  /** Username of the customer who raised it, if any: they receive the event. */
  requester?: string | null
  /** Group responsible for it, if any. */
  group?: string | null
  actor?: string
}

/** A new entry of a case's activity stream: ids only, readers fetch the stream. */
export interface ActivityEventEntry {
  id: string
  type: string
  /** `staff` entries (work notes) never reach customers. */
  visibility: 'staff' | 'customer'
}

export type ServerEvent =
  | { type: 'task.created'; task: TaskEventPayload }
  | { type: 'task.claimed'; task: TaskEventPayload }
  | { type: 'task.unclaimed'; task: TaskEventPayload }
  | { type: 'task.assigned'; task: TaskEventPayload }
  | { type: 'task.completed'; task: TaskEventPayload }
  | { type: 'task.cancelled'; task: TaskEventPayload }
  | { type: 'case.created'; case: CaseEventPayload }
  | { type: 'case.updated'; case: CaseEventPayload }
  | { type: 'case.activity'; case: CaseEventPayload; entry: ActivityEventEntry }
  | { type: 'process.changed'; bpmnProcessId: string }
  | { type: 'notification.created'; recipient: string; notificationId: string }

export type ServerEventType = ServerEvent['type']

/** Typed publish/subscribe over one EventEmitter. */
export class EventBus {
  private readonly emitter = new EventEmitter()

  constructor() {
    this.emitter.setMaxListeners(1000)
  }

  publish(event: ServerEvent): void {
    this.emitter.emit('event', event)
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: (event: ServerEvent) => void): () => void {
    this.emitter.on('event', listener)
    return () => this.emitter.off('event', listener)
  }
}
