/**
 * What a new password must not be (ISO/IEC 20000-1 6.6 information security controls; the
 * rules follow NIST SP 800-63B 3.1.1.2): at least 12 characters (the request schema), and not
 * one an attacker tries first:
 *
 * - a common password: `common-passwords.txt`, the 10,000 most frequent passwords of breach
 *   corpora plus the longer entries of the rest, from the MIT-licensed list of
 *   `@zxcvbn-ts/language-common` (see `common-passwords.LICENSE.txt`);
 * - a common password with digits or symbols around it (`Password2024!`), also written with
 *   look-alike characters (`P@ssw0rd`);
 * - one short piece repeated (`abcabcabcabc`), or fewer than 5 different characters;
 * - one containing the account's username or a part of the person's name.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const listFile = join(fileURLToPath(new URL('.', import.meta.url)), 'common-passwords.txt')
let common: Set<string> | undefined
/** The common-password list, read once. */
export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(listFile, 'utf8')
      .split('\n')
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean),
  )
  return common
}

const lookAlikes: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '(': 'c',
  '3': 'e',
  '6': 'g',
  '1': 'i',
  '!': 'i',
  '|': 'l',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
  '2': 'z',
}
const unLeet = (s: string) => s.replace(/[@48(361!|0$57+2]/g, (c) => lookAlikes[c] ?? c)

/**
 * The reasons `password` is refused, empty when it is acceptable. `context` holds the words of
 * the account (username, display name) the password must not contain.
 */
export function passwordProblems(password: string, context: readonly string[] = []): string[] {
  const list = commonPasswords()
  const lower = password.toLowerCase()
  const problems: string[] = []
  // the letters-and-look-alikes core, without the digits and symbols people add around it
  const core = lower.replace(/^[^a-z@$(|]+|[^a-z@$(|]+$/g, '')
  if (list.has(lower) || list.has(unLeet(lower))) {
    problems.push('is one of the most common passwords')
  } else if (core && (list.has(core) || list.has(unLeet(core)))) {
    problems.push('is a common password with digits or symbols added')
  }
  const repeated = /^(.{1,8}?)\1+$/.exec(lower)
  if (repeated || new Set(lower).size < 5) {
    problems.push('repeats a short sequence or uses fewer than 5 different characters')
  }
  const words = context
    .flatMap((c) => c.toLowerCase().split(/[^a-z0-9]+/))
    .filter((w) => w.length >= 4)
  const named = words.find((w) => lower.includes(w) || unLeet(lower).includes(w))
  if (named) problems.push(`contains "${named}" from the account's name`)
  return problems
}
