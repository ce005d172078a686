/**
 * Form patterns cannot be turned into a weapon: `^(a+)+$` backtracks exponentially in
 * JavaScript's RegExp (85 s for 32 characters, blocking every request), while the form ajv runs
 * patterns on RE2 in time linear in the input.
 */
import { describe, expect, it } from 'vitest'
import { validateFormData } from '../inbox/form-validation'
import { patternProblem } from './form-ajv'

const hostileForm = {
  id: 'hostile',
  type: 'default',
  schemaVersion: 16,
  components: [
    { type: 'textfield', key: 'code', id: 'Field_Code', validate: { pattern: '^(a+)+$' } },
  ],
}

describe('form patterns on RE2', () => {
  it.each([32, 10_000, 1_000_000])(
    'checks ^(a+)+$ against a hostile %i-character submission in well under a second',
    (n) => {
      // given the form's validator compiled, and a string of a's that fails only at its end
      validateFormData(hostileForm, { code: 'a' })
      const data = { code: `${'a'.repeat(n)}!` }
      // when
      const started = performance.now()
      const error = (() => {
        try {
          validateFormData(hostileForm, data)
          return undefined
        } catch (err) {
          return err as { errors?: { path: string }[] }
        }
      })()
      const ms = performance.now() - started
      // then it is refused, and fast
      expect(error?.errors?.map((e) => e.path)).toEqual(['/code'])
      expect(ms).toBeLessThan(250)
      console.log(`^(a+)+$ on ${n + 1} characters: ${ms.toFixed(1)} ms`)
    },
  )

  it('still accepts what matches', () => {
    // when / then
    expect(validateFormData(hostileForm, { code: 'a'.repeat(10_000) })).toEqual({
      code: 'a'.repeat(10_000),
    })
  })

  it.each([
    ['(a)\\1', /linear time/],
    ['(?=a)b', /linear time/],
    ['(?<=a)b', /linear time/],
    ['[', /not a valid regular expression/],
  ])('refuses the pattern %s with a reason', (pattern, reason) => {
    expect(patternProblem(pattern)).toMatch(reason)
  })

  it.each(['^[A-Z]{2,4}-\\d{6,}$', '^\\+?[0-9 ()-]{5,}$', '^\\p{L}+$', '(?:ab)+', '^a|b$'])(
    'accepts the pattern %s',
    (pattern) => {
      expect(patternProblem(pattern)).toBeUndefined()
    },
  )
})
