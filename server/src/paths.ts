/** Where the repository's folders are, for the server and the modules it loads at start. */
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (processes/, forms/, client/dist). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The repository's `forms/`: user-task forms and the case kinds' forms. */
export const formsDir = join(repoRoot, 'forms')
