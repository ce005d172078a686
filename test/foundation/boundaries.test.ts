/**
 * The folder boundaries of architecture.md are enforced by eslint: the engine never depends on
 * the product, the client only on the HTTP API.
 */
import { join } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, test } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const eslint = new ESLint({ cwd: root })

async function restrictedImportMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) })
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message)
}

describe('import boundaries', () => {
  test.each([
    [
      'engine/gateway/proto.ts',
      "import { loadConfig } from '../../server/src/config'\nexport const c = loadConfig",
      'engine/ must not import server/ or client/',
    ],
    [
      'engine/gateway/proto.ts',
      "import { App } from '../../client/src/app/App'\nexport const a = App",
      'engine/ must not import server/ or client/',
    ],
    [
      'client/src/lib/api.ts',
      "import { loadConfig } from '../../../server/src/config'\nexport const c = loadConfig",
      'client/ uses the HTTP API only',
    ],
    [
      'server/src/log.ts',
      "import { App } from '../../client/src/app/App'\nexport const a = App",
      'server/ must not import client/',
    ],
  ])('%s may not import across the boundary', async (file, code, message) => {
    const messages = await restrictedImportMessages(file, code)
    expect(messages).toHaveLength(1)
    expect(messages[0]).toContain(message)
  })

  test('the server may start the embedded engine', async () => {
    const code = "import { startEngine } from '../../engine/index'\nexport const s = startEngine"
    expect(await restrictedImportMessages('server/src/log.ts', code)).toEqual([])
  })
})
