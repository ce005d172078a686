/**
 * Same-origin checks on request headers. The headers are the client's to choose (`Origin: null`
 * from sandboxed iframes and `file:` pages, or any text at all), so nothing here throws: what
 * does not parse as an http(s) URL is simply not the app's origin.
 */

/** The `host[:port]` of an http(s) origin, or undefined when `origin` is not one. */
export function originHost(origin: string): string | undefined {
  if (!URL.canParse(origin)) return undefined
  const url = new URL(origin)
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : undefined
}

/**
 * Whether a request's `Origin` header names the host it was sent to. No origin (non-browser
 * clients, same-origin navigations) passes; `null`, a non-URL or another host does not.
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true
  if (!host) return false
  return originHost(origin) === host.toLowerCase()
}
