/** Zeebe version whose gateway protocol and semantics the engine follows. */
export const ZEEBE_COMPAT_VERSION = '8.8.0'
