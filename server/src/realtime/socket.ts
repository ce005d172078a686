/**
 * Live updates over socket.io. A connection is authenticated by the session cookie (and must
 * come from the app's own origin); each socket joins rooms for its user, its groups and its
 * roles, and every bus event goes only to the rooms allowed to see it. Sockets only listen:
 * no client event changes anything.
 */
import type { Server as HttpServer } from 'node:http'
import { Server } from 'socket.io'
import { parseCookies, SESSION_COOKIE } from '../auth/auth.middleware'
import { isSameOrigin } from '../auth/origin'
import { sessionIdOf, type SessionStore } from '../auth/sessions'
import type { Logger } from '../log'
import type { EventBus, ServerEvent } from './bus'

/** The rooms an event is delivered to. */
export function roomsFor(event: ServerEvent): string[] {
  const readers = ['role:admin', 'role:auditor']
  switch (event.type) {
    case 'task.created':
    case 'task.claimed':
    case 'task.unclaimed':
    case 'task.assigned':
    case 'task.completed':
    case 'task.cancelled':
      return [
        ...readers,
        ...event.task.candidateGroups.map((g) => `group:${g}`),
        ...event.task.candidateUsers.map((u) => `user:${u}`),
        ...(event.task.assignee ? [`user:${event.task.assignee}`] : []),
      ]
    case 'case.created':
    case 'case.updated':
      return [
        ...readers,
        // the responsible group when there is one; unassigned cases concern every staff member
        event.case.group ? `group:${event.case.group}` : 'role:staff',
        ...(event.case.requester ? [`user:${event.case.requester}`] : []),
      ]
    case 'case.activity':
      // a work note reaches staff roles only: never a group or user room a customer may be in
      if (event.entry.visibility === 'staff') {
        return [...readers, 'role:staff', 'role:process-owner']
      }
      return [
        ...readers,
        event.case.group ? `group:${event.case.group}` : 'role:staff',
        ...(event.case.requester ? [`user:${event.case.requester}`] : []),
      ]
    case 'process.changed':
      return [...readers, 'role:process-owner']
    case 'notification.created':
      // a group notification names its recipient `group:<id>`
      return [event.recipient.startsWith('group:') ? event.recipient : `user:${event.recipient}`]
  }
}

export interface RealtimeOptions {
  http: HttpServer
  sessions: SessionStore
  bus: EventBus
  log: Logger
  /** How often connected sockets' sessions are checked for expiry, ms (default 30 s). */
  sweepEveryMs?: number
}

export function startRealtime({
  http,
  sessions,
  bus,
  log,
  sweepEveryMs = 30_000,
}: RealtimeOptions) {
  const io = new Server(http, {
    path: '/socket.io',
    serveClient: false,
    // same-origin only: a page elsewhere cannot ride the session cookie. The check never throws
    // (`Origin: null` or any non-URL is refused with 403): a throw here would end the process.
    allowRequest: (req, callback) => {
      callback(null, isSameOrigin(req.headers.origin, req.headers.host))
    },
  })
  io.use((socket, next) => {
    const token = parseCookies(socket.handshake.headers.cookie)[SESSION_COOKIE]
    if (!token) return next(new Error('Log in first.'))
    sessions
      .get(token)
      .then((session) => {
        if (!session) return next(new Error('Log in first.'))
        socket.data.username = session.user.username
        socket.data.sessionId = sessionIdOf(token)
        void socket.join([
          `user:${session.user.username}`,
          ...session.user.groups.map((g) => `group:${g.id}`),
          ...session.user.roles.map((r) => `role:${r}`),
        ])
        next()
      })
      .catch((err: unknown) => {
        log.error('socket authentication failed', err)
        next(new Error('Authentication failed.'))
      })
  })
  const unsubscribe = bus.subscribe((event) => {
    const { type, ...payload } = event
    const rooms = roomsFor(event)
    if (rooms.length) io.to(rooms).emit(type, payload)
  })

  // A socket lives no longer than its session (6.6): dropped at once on logout, and within
  // `sweepEveryMs` when the session expires, its user is deactivated or its password changed.
  const sessionIdOfSocket = (s: { data: { sessionId?: unknown } }) =>
    typeof s.data.sessionId === 'string' ? s.data.sessionId : undefined
  const stopOnEnded = sessions.onEnded((ended) => {
    for (const s of io.of('/').sockets.values()) {
      if (sessionIdOfSocket(s) === ended) s.disconnect(true)
    }
  })
  /** Disconnects every socket whose session is no longer live; returns how many. */
  const sweep = async (): Promise<number> => {
    const connected = [...io.of('/').sockets.values()]
    const ids = [...new Set(connected.map(sessionIdOfSocket).filter((id) => id !== undefined))]
    const live = await sessions.liveOf(ids)
    let dropped = 0
    for (const s of connected) {
      const id = sessionIdOfSocket(s)
      if (id === undefined || !live.has(id)) {
        s.disconnect(true)
        dropped++
      }
    }
    return dropped
  }
  const timer = setInterval(() => {
    sweep().catch((err: unknown) => log.warn('checking the sockets’ sessions failed', err))
  }, sweepEveryMs)
  timer.unref()

  return {
    io,
    sweep,
    async close() {
      clearInterval(timer)
      stopOnEnded()
      unsubscribe()
      await new Promise<void>((resolve) => {
        void io.close(() => resolve())
      })
    },
  }
}
