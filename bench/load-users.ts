/**
 * Simulated people for `npm run bench:load`: customers raise incidents and follow them, staff
 * work the incident procedure from the inbox, auditors read evidence and histories, managers
 * read reports. Each holds a socket.io connection and reloads on events as the web app does;
 * each waits 1–5 s between steps. Every request is timed by route; every operation the server
 * acknowledged is remembered so a run with SIGKILLs can check nothing was lost.
 */
import { randomInt } from 'node:crypto'
import { io, type Socket } from 'socket.io-client'

export type Role = 'customer' | 'staff' | 'auditor' | 'manager'

export interface Sample {
  route: string
  write: boolean
  ms: number
  status: number
}

export interface Acknowledged {
  cases: string[]
  completions: string[]
  notes: { caseId: string; body: string }[]
}

export interface Recorder {
  request(s: Sample): void
  /** The server was down (killed): the request got no answer at all. */
  unavailable(route: string): void
  nextTaskVisible(ms: number): void
  /** Never seen within the bound: counted as an error of the run. */
  nextTaskMissing(): void
  conflict(route: string): void
  ack: Acknowledged
  running(): boolean
}

interface Api {
  call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const think = () => sleep(randomInt(1000, 5001))
const pick = <T>(items: readonly T[]): T | undefined =>
  items.length ? items[randomInt(0, items.length)] : undefined

/** `/incidents/INC-000123/activity` → `/incidents/:id/activity`, for statistics per route. */
export function routeOf(method: string, path: string): string {
  const bare = path.split('?')[0]!
  const template = bare
    .split('/')
    .map((seg, i) => (i > 1 && /\d|^[0-9a-f-]{20,}$/.test(seg) && !/^v\d$/.test(seg) ? ':id' : seg))
    .join('/')
  return `${method} ${template}`
}

class Person implements Api {
  private cookie = ''
  private csrf = ''
  socket?: Socket

  constructor(
    readonly url: string,
    readonly username: string,
    private readonly password: string,
    private readonly rec: Recorder,
  ) {}

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const route = routeOf(method, path)
    const write = method !== 'GET'
    for (;;) {
      const started = performance.now()
      let res: Response
      try {
        res = await fetch(`${this.url}/api${path}`, {
          method,
          headers: {
            cookie: this.cookie,
            'x-csrf-token': this.csrf,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        })
      } catch (err) {
        const ms = performance.now() - started
        if ((err as Error).name === 'TimeoutError') {
          this.rec.request({ route, write, ms, status: 0 })
          return { status: 0, body: undefined as T }
        }
        // connection refused: the server is being restarted; wait for it, as a browser would
        this.rec.unavailable(route)
        if (!this.rec.running()) return { status: 0, body: undefined as T }
        await sleep(500)
        continue
      }
      const text = await res.text()
      const ms = performance.now() - started
      if (res.status === 401 && path !== '/auth/login') {
        // a session lost with a killed server before it was stored: log in again
        await this.login()
        continue
      }
      this.rec.request({ route, write, ms, status: res.status })
      let parsed: unknown = text
      try {
        parsed = text ? JSON.parse(text) : null
      } catch {
        // exports answer HTML or CSV
      }
      return { status: res.status, body: parsed as T }
    }
  }

  async login(): Promise<void> {
    const res = await fetch(`${this.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: this.username, password: this.password }),
    })
    if (res.status !== 200) throw new Error(`login as ${this.username}: ${res.status}`)
    this.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    this.csrf = ((await res.json()) as { csrfToken: string }).csrfToken
    this.socket?.close()
    this.socket = io(this.url, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { cookie: this.cookie, origin: this.url },
      reconnectionDelay: 500,
    })
  }

  /**
   * Reloads `reload` as the web app does on `events`: a burst gives one reload 250 ms after its
   * last event, at most one every 2 s (the web app patches its lists from the other events).
   */
  reloadOn(events: string[], reload: () => Promise<unknown>): void {
    let pending: ReturnType<typeof setTimeout> | undefined
    let lastAt = 0
    for (const e of events) {
      this.socket!.on(e, () => {
        if (pending) clearTimeout(pending)
        const wait = Math.max(250, lastAt + 2000 - Date.now())
        pending = setTimeout(() => {
          pending = undefined
          lastAt = Date.now()
          if (this.rec.running()) void reload()
        }, wait)
      })
    }
  }

  close(): void {
    this.socket?.close()
  }
}

interface TaskRow {
  id: string
  elementId: string
  state: string
  processInstanceKey: string
  assignee: string | null
  caseId?: string | null
}

/** What staff enter in each step of incident.bpmn they work here, and the step that follows. */
const steps: Record<string, { data: () => Record<string, unknown>; next?: string }> = {
  Task_ClassifyIncident: {
    data: () => ({
      category: pick(['software', 'hardware', 'network'])!,
      impact: randomInt(2, 4),
      urgency: randomInt(2, 4),
      assignedGroup: 'service-desk',
      securityIncident: false,
      majorIncidentCandidate: false,
      classificationNotes: 'Checked with the caller',
    }),
    next: 'Task_InvestigateAndDiagnose',
  },
  Task_InvestigateAndDiagnose: {
    data: () => ({ diagnosis: 'Queue full on the print server' }),
    next: 'Task_ResolveIncident',
  },
  Task_ResolveIncident: {
    data: () => ({ resolutionCode: 'fixed', resolution: 'Purged the queue and restarted it' }),
  },
}

async function staffStep(p: Person, rec: Recorder): Promise<void> {
  const list = await p.call<{ items: TaskRow[] }>('GET', '/tasks?view=groups&pageSize=50')
  const open = (list.body?.items ?? []).filter(
    (t) =>
      steps[t.elementId] &&
      (t.state === 'open' || (t.state === 'claimed' && t.assignee === p.username)),
  )
  const task = pick(open)
  if (!task) return
  await p.call('GET', `/tasks/${task.id}`)
  await think()
  if (task.assignee !== p.username) {
    const claimed = await p.call('POST', `/tasks/${task.id}/claim`)
    if (claimed.status === 409 || claimed.status === 403) {
      // someone else took it first, or segregation of duties: the person picks another
      rec.conflict('POST /api/tasks/:id/claim')
      return
    }
  }
  if (randomInt(0, 4) === 0) {
    await p.call('POST', `/tasks/${task.id}/activity`, {
      type: 'work-note',
      body: `Looked at it (${p.username})`,
    })
  }
  await think()
  const step = steps[task.elementId]!
  const done = await p.call('POST', `/tasks/${task.id}/complete`, { data: step.data() })
  if (done.status !== 200) {
    if (done.status === 409) rec.conflict('POST /api/tasks/:id/complete')
    return
  }
  rec.ack.completions.push(task.id)
  if (!step.next) return
  // completion → next task visible in the inbox of the group that works it
  const started = performance.now()
  const bound = started + 30_000
  while (performance.now() < bound && rec.running()) {
    const next = await p.call<{ items: TaskRow[] }>(
      'GET',
      `/tasks?view=groups&processInstanceKey=${task.processInstanceKey}&pageSize=20`,
    )
    if (next.body?.items?.some((t) => t.elementId === step.next && t.state === 'open')) {
      rec.nextTaskVisible(performance.now() - started)
      return
    }
    await sleep(100)
  }
  if (rec.running()) rec.nextTaskMissing()
}

async function customerStep(p: Person, rec: Recorder, mine: string[]): Promise<void> {
  const roll = randomInt(0, 10)
  if (roll < 3 || mine.length === 0) {
    const raised = await p.call<{ id: string }>('POST', '/incidents', {
      title: `Printer ${randomInt(1, 99)} does not print`,
      data: { description: 'Jobs stay in the queue since this morning.', channel: 'portal' },
    })
    if (raised.status === 201) {
      mine.push(raised.body.id)
      rec.ack.cases.push(raised.body.id)
    }
    return
  }
  if (roll < 6) {
    await p.call('GET', `/incidents?requester=${p.username}`)
    return
  }
  const id = pick(mine)!
  await p.call('GET', `/incidents/${id}`)
  if (roll === 6) {
    const body = `Any news? (${p.username} ${Date.now()})`
    const reply = await p.call('POST', `/incidents/${id}/activity`, { type: 'reply', body })
    if (reply.status === 201) rec.ack.notes.push({ caseId: id, body })
    return
  }
  // a resolution waiting for the customer's confirmation
  const tasks = await p.call<{ items: TaskRow[] }>('GET', '/tasks?view=mine&pageSize=20')
  const confirm = tasks.body?.items?.find((t) => t.elementId === 'Task_ConfirmResolution')
  if (!confirm) return
  await think()
  const done = await p.call('POST', `/tasks/${confirm.id}/complete`, {
    data: { resolutionConfirmed: true },
  })
  if (done.status === 200) rec.ack.completions.push(confirm.id)
}

async function auditorStep(p: Person): Promise<void> {
  const evidence = await p.call<{ processInstanceKey?: string | null }[]>(
    'GET',
    '/evidence?limit=50',
  )
  const key = pick((evidence.body ?? []).map((e) => e.processInstanceKey).filter(Boolean))
  if (key) await p.call('GET', `/process-instances/${key}/history`)
}

async function managerStep(p: Person): Promise<void> {
  await p.call('GET', '/reports/definitions')
  const snapshots = await p.call<{ items: { id: string }[] }>('GET', '/reports/snapshots')
  const snap = pick(snapshots.body?.items ?? [])
  if (snap) await p.call('GET', `/reports/snapshots/${snap.id}`)
  else await p.call('GET', '/incidents?limit=50')
}

/** One person's session: log in, keep a socket, work until the run ends. */
export async function runPerson(
  url: string,
  username: string,
  password: string,
  role: Role,
  rec: Recorder,
): Promise<void> {
  const p = new Person(url, username, password, rec)
  // people arrive over the first 30 s, not all in one instant
  await sleep(randomInt(0, 30_000))
  await p.login()
  const mine: string[] = []
  if (role === 'staff') {
    // the inbox patches itself from the other task events; a new task needs the list
    p.reloadOn(['task.created'], () => p.call('GET', '/tasks?view=groups&pageSize=50'))
  } else if (role === 'customer') {
    // a status change of a listed case is patched in place; a new case needs the list
    p.reloadOn(['case.created'], () => p.call('GET', `/incidents?requester=${username}`))
  }
  try {
    while (rec.running()) {
      if (role === 'staff') await staffStep(p, rec)
      else if (role === 'customer') await customerStep(p, rec, mine)
      else if (role === 'auditor') await auditorStep(p)
      else await managerStep(p)
      await think()
    }
  } finally {
    p.close()
  }
}

/** An admin session for setting up people and checking what was acknowledged. */
export async function adminOf(url: string, password: string, rec: Recorder): Promise<Api> {
  const p = new Person(url, 'admin', password, rec)
  await p.login()
  p.close()
  return p
}
