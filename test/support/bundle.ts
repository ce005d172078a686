/**
 * A test entry file compiled once, with every source file it imports, into one ES module, for a
 * child process a suite starts many times (the crash server): node then loads one file at each
 * start instead of tsx resolving and compiling hundreds of source files again, which was most of
 * a start's time. Packages stay imports, resolved from the repository's node_modules (linked
 * beside the bundle); in each source file `import.meta.url`, `.dirname` and `.filename` keep
 * naming that file, so paths relative to it (word lists, schemas, fixtures) still resolve.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
// esbuild is what tsx itself compiles with (a dependency of tsx and vite)
import { build, type Plugin } from 'esbuild'
import { repoRoot } from '../../server/src/paths'

export interface NodeBundle {
  /** The bundle: `node --enable-source-maps <file>` runs the entry. */
  readonly file: string
  remove(): void
}

/** Keeps each source file's own `import.meta` paths in the bundle. */
const ownImportMeta: Plugin = {
  name: 'own-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.tsx?$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8'))
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(path)))
        .replaceAll('import.meta.filename', JSON.stringify(path)),
      loader: path.endsWith('.tsx') ? 'tsx' : 'ts',
    }))
  },
}

/** Bundles `entry` (a path under the repository) into a temporary folder. */
export async function bundleForNode(entry: string): Promise<NodeBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'sms-test-bundle-'))
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir')
  const file = join(dir, `${basename(entry).replace(/\.tsx?$/, '')}.mjs`)
  try {
    await build({
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node}`,
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'warning',
      plugins: [ownImportMeta],
    })
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
