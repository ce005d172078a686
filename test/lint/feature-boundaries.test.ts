/**
 * The lint rules that keep the client's features apart and the shared API types plain: a feature
 * reaching into another feature's folders, or shared/ importing product code, is an error.
 */
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname })

/** The messages of `no-restricted-imports` for `code` as if it were the file at `path`. */
async function restricted(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path })
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message)
}

describe('feature boundaries', () => {
  // existing files, so that the typed lint finds them in the project
  const inboxFile = 'client/src/features/inbox/components/TaskView.tsx'
  const sharedFile = 'shared/api/tasks.ts'

  it('refuses a feature reaching into another feature’s folders', async () => {
    const messages = await restricted(
      inboxFile,
      "import { ActivityStream } from '../../cases/components/ActivityStream'\nexport const x = ActivityStream\n",
    )
    expect(messages.join('\n')).toMatch(/only through its index\.ts/)
  })

  it('lets a feature use another’s index, lib/ and shared/', async () => {
    const messages = await restricted(
      inboxFile,
      [
        "import { ActivityStream } from '../../cases'",
        "import { api } from '../../../lib/api'",
        "import type { Task } from '@shared/api/tasks'",
        "import { claimTask } from '../api/tasks'",
        'export const x = [ActivityStream, api, claimTask] as const',
        'export type T = Task',
        '',
      ].join('\n'),
    )
    expect(messages).toEqual([])
  })

  it('keeps shared/ free of server, client and engine code', async () => {
    const messages = await restricted(
      sharedFile,
      "import type { DB } from '../../server/src/db/schema'\nexport type X = DB\n",
    )
    expect(messages.join('\n')).toMatch(/shared\/ holds API types only/)
  })
})
