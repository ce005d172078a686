/**
 * Which tests prove which requirements: a test names the requirement ids it proves as tags in
 * its name, `#8.1-c` (one or more), e.g.
 * `test('allocates the priority from impact and urgency #8.1-b #8.1-1', …)`. Tags on a
 * `describe` apply to its file's tests as well. Found by reading the test files (`*.test.ts`,
 * `*.test.tsx`) under the repository's source folders.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

/** One tagged test. */
export interface TestTag {
  /** The file, relative to the repository root. */
  file: string
  line: number
  /** The test's name as written (tags included). */
  name: string
  requirements: string[]
}

/** A requirement tag in a test name. */
export const TAG_RE = /#([4-9](?:\.[0-9]{1,2}){0,3}-(?:[a-l]|[0-9]{1,2}))(?![0-9a-z.-])/g
const CALL_RE = /\b(?:test|it|describe)(?:\.[a-zA-Z]+)*\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g

const SOURCE_DIRS = ['server', 'client', 'engine', 'test']

async function testFiles(dir: string, out: string[]): Promise<void> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return // a folder a deployment does not ship: no tests there
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue
    const path = join(dir, e.name)
    if (e.isDirectory()) await testFiles(path, out)
    else if (/\.test\.tsx?$/.test(e.name)) out.push(path)
  }
}

/** The tags of one file's text. */
export function tagsOf(file: string, text: string): TestTag[] {
  const tags: TestTag[] = []
  const lines = text.split('\n')
  lines.forEach((line, i) => {
    for (const call of line.matchAll(CALL_RE)) {
      const name = call[2] ?? ''
      const requirements = [...name.matchAll(TAG_RE)].map((m) => m[1]!)
      if (requirements.length > 0) tags.push({ file, line: i + 1, name, requirements })
    }
  })
  return tags
}

/** Every tagged test of the repository at `root`. */
export async function scanTestTags(root: string): Promise<TestTag[]> {
  const files: string[] = []
  for (const d of SOURCE_DIRS) await testFiles(join(root, d), files)
  const all: TestTag[] = []
  for (const f of files.sort()) {
    all.push(...tagsOf(relative(root, f), await readFile(f, 'utf8')))
  }
  return all
}
