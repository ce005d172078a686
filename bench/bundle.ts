/**
 * Bundle figures of the web client (issue 19): the JavaScript the login page loads (the entry
 * and every chunk it imports statically) must stay below 150 KB gzip, and the modeler's chunk
 * (bpmn-js, its properties panel, the minimap) must load only when the modeler opens — a
 * dynamic import, never in the entry's static closure. Reads the Vite manifest of
 * `npm run build:client` (run first, or pass --build), prints the figures, and exits 1 when a
 * budget is broken.
 *
 *   npm run build:client && npm run bench:bundle
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { repoRoot } from '../server/src/paths'

interface Chunk {
  file: string
  src?: string
  isEntry?: boolean
  isDynamicEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
  css?: string[]
}

const LOGIN_BUDGET_GZIP = 150 * 1024
const MODELER_SOURCE = 'src/features/modeler/components/ModelerPage.tsx'

const dist = join(repoRoot, 'client', 'dist')
const manifestPath = join(dist, '.vite', 'manifest.json')
if (process.argv.includes('--build') || !existsSync(manifestPath)) {
  execFileSync('npm', ['run', 'build:client'], { cwd: repoRoot, stdio: 'inherit' })
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, Chunk>

const gzip = (file: string) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
const raw = (file: string) => readFileSync(join(dist, file)).length
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`

/** The chunks a key loads before it runs: itself and its static imports, transitively. */
function staticClosure(key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen
  seen.add(key)
  for (const k of manifest[key]?.imports ?? []) staticClosure(k, seen)
  return seen
}

const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry)
if (!entryKey) throw new Error(`No entry in ${manifestPath}`)
const login = [...staticClosure(entryKey)]
const loginJs = login.map((k) => manifest[k]!.file).filter((f) => f.endsWith('.js'))
const loginCss = [...new Set(login.flatMap((k) => manifest[k]!.css ?? []))]
const loginGzip = loginJs.reduce((n, f) => n + gzip(f), 0)

const modelerKey = Object.keys(manifest).find((k) => k.endsWith(MODELER_SOURCE))
if (!modelerKey) throw new Error(`The manifest has no chunk for ${MODELER_SOURCE}`)
const modeler = manifest[modelerKey]!
const modelerOwn = [...staticClosure(modelerKey)].filter((k) => !login.includes(k))
const modelerGzip = modelerOwn.reduce((n, k) => n + gzip(manifest[k]!.file), 0)
const modelerRaw = modelerOwn.reduce((n, k) => n + raw(manifest[k]!.file), 0)
const modelerLazy = !!modeler.isDynamicEntry && !login.includes(modelerKey)

console.log('Login page (entry and its static imports):')
for (const f of loginJs) console.log(`  ${f}  ${kb(raw(f))} raw, ${kb(gzip(f))} gzip`)
for (const f of loginCss) console.log(`  ${f}  ${kb(raw(f))} raw, ${kb(gzip(f))} gzip (CSS)`)
console.log(
  `  JS total: ${kb(loginGzip)} gzip (budget ${kb(LOGIN_BUDGET_GZIP)}) ${loginGzip < LOGIN_BUDGET_GZIP ? 'OK' : 'OVER'}`,
)
console.log(
  `Modeler (${modeler.file} and the chunks only it loads): ${kb(modelerRaw)} raw, ${kb(modelerGzip)} gzip; ` +
    `${modelerLazy ? 'loaded only when the modeler opens (dynamic import) OK' : 'IN THE LOGIN PAGE’S STATIC IMPORTS'}`,
)
const largest = Object.values(manifest)
  .filter((c) => c.file.endsWith('.js'))
  .map((c) => ({ file: c.file, src: c.src ?? '', size: gzip(c.file) }))
  .sort((a, b) => b.size - a.size)
  .slice(0, 5)
console.log('Largest chunks (gzip):')
for (const c of largest) console.log(`  ${kb(c.size).padStart(9)}  ${c.file}  ${c.src}`)

if (loginGzip >= LOGIN_BUDGET_GZIP || !modelerLazy) process.exit(1)
