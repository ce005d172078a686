/**
 * Runs once before the whole suite: builds the web client when client/dist is missing or older
 * than its sources, so tests that open pages get what `npm start` would serve.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

export default function setup() {
  const index = join(root, 'client', 'dist', 'index.html')
  const sources = Math.max(
    newestMtime(join(root, 'client', 'src')),
    statSync(join(root, 'client', 'index.html')).mtimeMs,
    statSync(join(root, 'client', 'vite.config.ts')).mtimeMs,
  )
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return
  process.stdout.write('building the web client for the tests…\n')
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'client/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  )
}
