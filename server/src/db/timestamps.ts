/**
 * Timestamps as the API writes them: ISO-8601 text in UTC. Columns arrive as `Date` from
 * node-postgres and as `Date` or text from PGlite, so every reader converts through here.
 */
export const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString()

/** {@link iso}, keeping a missing value missing. */
export const isoOrNull = (v: Date | string | null | undefined): string | null =>
  v == null ? null : iso(v)
