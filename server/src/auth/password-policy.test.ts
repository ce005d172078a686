import { describe, expect, it } from 'vitest'
import { commonPasswords, passwordProblems } from './password-policy'

describe('password policy (8.7.3, NIST SP 800-63B 3.1.1.2)', () => {
  it('ships a list of thousands of common passwords, the most frequent first among them', () => {
    // when
    const list = commonPasswords()
    // then
    expect(list.size).toBeGreaterThan(10_000)
    for (const p of ['123456', 'password', 'qwerty', 'iloveyou', '1q2w3e4r5t6y']) {
      expect(list.has(p)).toBe(true)
    }
  })

  it.each([
    ['1qaz2wsx3edc', 'is one of the most common passwords'],
    ['Password2024!', 'digits or symbols added'],
    ['P@ssw0rd12345', 'digits or symbols added'],
    ['!!sunshine1999', 'digits or symbols added'],
    ['abcabcabcabc', 'repeats a short sequence'],
    ['aaaaaaaaaaaaab', 'fewer than 5 different characters'],
    ['dana.desk.2024', 'from the account'],
  ])('refuses %j: %s', (password, reason) => {
    // when
    const problems = passwordProblems(password, ['dana', 'Dana Desk'])
    // then
    expect(problems.join('; ')).toContain(reason)
  })

  it.each(['paddle orbit velvet 93', 'xK9#mP2$vL7q', 'correct horse battery staple'])(
    'accepts %j',
    (password) => {
      // when / then
      expect(passwordProblems(password, ['dana', 'Dana Desk'])).toEqual([])
    },
  )
})
