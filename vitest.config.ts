import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { LongFilesFirst } from './test/support/sequencer'

export default defineConfig({
  // API types shared by server and client (shared/README.md); also in tsconfig.json and vite
  resolve: { alias: { '@shared': fileURLToPath(new URL('./shared', import.meta.url)) } },
  test: {
    include: ['{engine,server,client,shared,test,processes,forms}/**/*.test.{ts,tsx}'],
    globalSetup: ['./test/support/global-setup.ts'],
    exclude: ['node_modules/**', 'data/**', 'client/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: integration suites start engines, databases and browsers.
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    // the files that take minutes start first, so both workers finish together
    sequence: { sequencer: LongFilesFirst },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
})
