import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
/** The product's version, from package.json. */
export const productVersion: string = (require('../../package.json') as { version: string }).version
