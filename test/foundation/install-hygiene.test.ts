/**
 * Install hygiene: a fresh `npm ci` runs no dependency's install script (IBM's telemetry
 * collector in @carbon/* among them), and every dependency that ships one has been reviewed in
 * package.json's `allowScripts`, so npm 12, which blocks unreviewed scripts, behaves the same.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(__dirname, '..', '..')
const json = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8')) as unknown

interface Lockfile {
  packages: Record<string, { version?: string; hasInstallScript?: boolean }>
}

describe('install hygiene', () => {
  it('turns install scripts off for npm 10 and 11 in the project .npmrc', () => {
    const settings = readFileSync(join(root, '.npmrc'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#') && !line.startsWith(';'))
    expect(settings).toContain('ignore-scripts=true')
  })

  it('has reviewed every dependency with an install script and approves none', () => {
    const lock = json('package-lock.json') as Lockfile
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path && entry.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
    expect(withScripts.length).toBeGreaterThan(0)
    const { allowScripts } = json('package.json') as { allowScripts?: Record<string, boolean> }
    for (const name of withScripts) {
      expect(
        allowScripts,
        `${name} ships an install script: review it in allowScripts`,
      ).toHaveProperty([name])
    }
    expect(Object.values(allowScripts ?? {}).every((allowed) => allowed === false)).toBe(true)
  })

  it('keeps the telemetry collector out', () => {
    const { allowScripts } = json('package.json') as { allowScripts: Record<string, boolean> }
    expect(allowScripts['@carbon/grid']).toBe(false)
    expect(allowScripts['@carbon/layout']).toBe(false)
  })
})
