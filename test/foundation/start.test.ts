/**
 * The newcomer's path: the real entry point of `npm start` on embedded defaults (engine and
 * PGlite in DATA_DIR), started as a child process the way a person starts it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const dataDir = mkdtempSync(join(tmpdir(), 'sms-start-'))
const children: ChildProcess[] = []

interface Started {
  child: ChildProcess
  url: string
  output: () => string
}

function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'server', 'src', 'main.ts')],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  children.push(child)
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 60 s:\n${out}`)), 60_000)
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const ready = /ready: (http:\/\/\S+)/.exec(out)
      if (ready) {
        clearTimeout(timer)
        resolve({ child, url: ready[1]!, output: () => out })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(Object.assign(new Error(`exited with ${code}:\n${out}`), { code, out }))
    })
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

const embedded = {
  DATA_DIR: dataDir,
  PORT: '0',
  ENGINE_PORT: '0',
  ENGINE_REST_PORT: '0',
  LOG_LEVEL: 'warn',
}

describe('npm start on embedded defaults', () => {
  let firstPasswords = ''

  test('serves the page and a health endpoint reporting engine, database and version within 60 s', async () => {
    // given a fresh data folder
    const started = Date.now()
    // when
    const { child, url, output } = await start(embedded)
    // then
    const health = await fetch(`${url}/api/health`)
    expect(health.status).toBe(200)
    const body = (await health.json()) as {
      status: string
      version: string
      engine: { status: string; embedded: boolean }
      database: { status: string; kind: string }
      eventLoop: { p99Ms: number; worstMs: number; thresholdMs: number }
    }
    expect(body).toMatchObject({
      status: 'ok',
      engine: { status: 'up', embedded: true },
      database: { status: 'up', kind: 'pglite' },
      eventLoop: { thresholdMs: 200 },
    })
    expect(body.eventLoop.worstMs).toBeGreaterThanOrEqual(0)
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/)
    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="root">')
    expect(Date.now() - started).toBeLessThan(60_000)
    // demo users of every role are printed with their passwords on the first start
    for (const role of ['admin', 'process-owner', 'staff', 'auditor', 'customer']) {
      expect(output()).toContain(role)
    }
    firstPasswords = output().slice(output().indexOf('Demo users created'))
    expect(firstPasswords).toMatch(/admin\s+\S{16}/)
    // the evidence signing key was generated outside the database, readable by its owner only
    expect(statSync(join(dataDir, 'evidence-signing.key')).mode & 0o777).toBe(0o600)
    await stop(child)
  })

  test('a second start reuses the data folder: nothing re-seeded, the demo login still works', async () => {
    // given the data folder of the first start
    const password = /admin\s+(\S{16})/.exec(firstPasswords)?.[1]
    expect(password).toBeDefined()
    // when
    const { child, url, output } = await start(embedded)
    // then
    expect(output()).not.toContain('Demo users created')
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    })
    expect(login.status).toBe(200)
    // and the evidence trail of the first start verifies against the anchor it left (4.3.3)
    const auditorPassword = /auditor\s+(\S{16})/.exec(firstPasswords)?.[1]
    const auditor = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'auditor', password: auditorPassword }),
    })
    const cookie = (auditor.headers.get('set-cookie') ?? '').split(';')[0]!
    const verified = await fetch(`${url}/api/evidence/verify`, { headers: { cookie } })
    const result = (await verified.json()) as { ok: boolean; anchoredSeq: number | null }
    expect(result).toMatchObject({ ok: true })
    expect(result.anchoredSeq).toBeGreaterThan(0)
    await stop(child)
  })

  test('a bad environment variable stops start-up with a message naming it', async () => {
    // given
    const env = { ...embedded, PORT: 'eighty', LOG_LEVEL: 'chatty' }
    // when
    const failure = await start(env).then(
      () => undefined,
      (err: { code?: number; out?: string }) => err,
    )
    // then
    expect(failure?.code).toBe(2)
    expect(failure?.out).toMatch(/PORT="eighty"/)
    expect(failure?.out).toMatch(/LOG_LEVEL="chatty"/)
  })
})
