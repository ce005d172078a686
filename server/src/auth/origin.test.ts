import { describe, expect, it } from 'vitest'
import { isSameOrigin, originHost } from './origin'

describe('same-origin check', () => {
  it.each([
    ['null', 'app.example:3000'],
    ['not a url', 'app.example:3000'],
    ['http://[', 'app.example:3000'],
    ['//app.example:3000', 'app.example:3000'],
    ['file:///tmp/x.html', 'app.example:3000'],
    ['javascript:alert(1)', 'app.example:3000'],
    ['http://evil.example', 'app.example:3000'],
    ['http://app.example:3000', undefined],
  ])('refuses origin %j for host %j without throwing', (origin, host) => {
    // when / then
    expect(isSameOrigin(origin, host)).toBe(false)
  })

  it('accepts the app origin, and a request without one', () => {
    // given / when / then
    expect(isSameOrigin('http://app.example:3000', 'app.example:3000')).toBe(true)
    expect(isSameOrigin('https://APP.example', 'app.example')).toBe(true)
    expect(isSameOrigin(undefined, 'app.example')).toBe(true)
    expect(originHost('null')).toBeUndefined()
  })
})
