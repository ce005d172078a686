import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['{engine,server,client,test,processes,forms}/**/*.test.{ts,tsx}'],
    globalSetup: ['./test/support/global-setup.ts'],
    exclude: ['node_modules/**', 'data/**', 'client/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: integration suites start engines, databases and browsers.
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
})
