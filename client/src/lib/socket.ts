/**
 * One socket.io connection per tab (same origin, session cookie), opened on first use, and a
 * hook that subscribes a component to server events.
 */
import { useEffect, useRef, useState } from 'react'
import { io, type Socket } from 'socket.io-client'

/** Payload of the task events. */
export interface TaskEvent {
  task: {
    taskId: string
    candidateGroups: string[]
    candidateUsers: string[]
    assignee: string | null
    actor?: string
    /** The task as the inbox lists it after the change (the inbox's `Task`). */
    view?: unknown
  }
}

/** Payload of the case events. */
export interface CaseEvent {
  case: { kind: string; caseId: string; status: string }
}

/** Every event the server pushes, by name. */
export interface ServerEvents {
  'task.created': TaskEvent
  'task.claimed': TaskEvent
  'task.unclaimed': TaskEvent
  'task.assigned': TaskEvent
  'task.completed': TaskEvent
  'task.cancelled': TaskEvent
  'case.created': CaseEvent
  'case.updated': CaseEvent
  /** A new entry in a case's activity (work notes reach staff only). */
  'case.activity': CaseEvent & { entry: { id: string; type: string; visibility: string } }
  'process.changed': { bpmnProcessId: string }
}
export type ServerEventName = keyof ServerEvents

let socket: Socket | undefined

/** The shared connection. */
export function getSocket(): Socket {
  socket ??= io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] })
  return socket
}

/** Closes the shared connection (on logout). */
export function closeSocket(): void {
  socket?.close()
  socket = undefined
}

/** Whether the live connection is up; re-renders on connect/disconnect. */
export function useLiveStatus(): boolean {
  const [up, setUp] = useState(() => getSocket().connected)
  useEffect(() => {
    const s = getSocket()
    const on = () => setUp(true)
    const off = () => setUp(false)
    s.on('connect', on)
    s.on('disconnect', off)
    setUp(s.connected)
    return () => {
      s.off('connect', on)
      s.off('disconnect', off)
    }
  }, [])
  return up
}

/** Calls `handler` for each of `events` while the component is mounted. */
export function useServerEvents<E extends ServerEventName>(
  events: readonly E[],
  handler: (name: E, payload: ServerEvents[E]) => void,
): void {
  const ref = useRef(handler)
  ref.current = handler
  const key = events.join(',')
  useEffect(() => {
    const s = getSocket()
    const names = key.split(',') as E[]
    const fns = names.map((name) => {
      const fn = (payload: ServerEvents[E]) => ref.current(name, payload)
      s.on(name as string, fn)
      return [name, fn] as const
    })
    return () => {
      for (const [name, fn] of fns) s.off(name as string, fn)
    }
  }, [key])
}
