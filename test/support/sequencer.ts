/**
 * The order test files start in: the files that take minutes first, longest first, then the rest
 * in vitest's own order (failed, then longest, when its cache knows; else larger files first).
 * With two workers a long file started last keeps one worker busy minutes after the other ran
 * out of files; started first, the short files fill the other worker meanwhile and both finish
 * together. CI starts without vitest's cache, so the long files are named here.
 */
import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * Longest first, as measured in a full run (both database lanes). A file missing here only
 * starts later; keep the few that take minutes.
 */
export const longFiles = [
  'test/inbox/crash-recovery.test.ts',
  'test/browser/every-page.test.ts',
  'test/processes/problem-change-release.e2e.test.ts',
]

export class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const at = longFiles.indexOf(relative(file.project.config.root, file.moduleId))
      return at === -1 ? longFiles.length : at
    }
    // a stable sort: the rest keep vitest's order
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b))
  }
}
