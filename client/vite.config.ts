import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))
const require = createRequire(import.meta.url)

/** The Camunda 8 version the processes target; its camunda-compat rule set is bundled. */
const CAMUNDA_CONFIG = 'camunda-cloud-8-8'
/** bpmnlint core rules added on top of the camunda-compat set. */
const CORE_RULES: Record<string, 'error' | 'warn'> = {
  'end-event-required': 'error',
  'no-disconnected': 'error',
  'no-duplicate-sequence-flows': 'error',
  'single-blank-start-event': 'error',
  'superfluous-gateway': 'warn',
  'fake-join': 'warn',
}

interface CompatPlugin {
  rules: Record<string, string>
  configs: Record<string, { rules: Record<string, unknown> }>
}

/**
 * `virtual:bpmnlint-config`: bpmnlint resolves rules by package name at run time, which a
 * browser cannot do. This module imports exactly the rules of the chosen configuration and
 * exports a cache for bpmnlint's StaticResolver (what bpmnlint's own bundler plugins do).
 */
function bpmnlintConfig(): Plugin & { ruleImports: string[] } {
  const compat = require('bpmnlint-plugin-camunda-compat') as CompatPlugin
  const configRules = compat.configs[CAMUNDA_CONFIG]!.rules
  const imports: { key: string; spec: string }[] = []
  for (const name of Object.keys(configRules)) {
    if (name.startsWith('bpmnlint/')) {
      const rule = name.slice('bpmnlint/'.length)
      imports.push({ key: `rule:bpmnlint/${rule}`, spec: `bpmnlint/rules/${rule}` })
    } else {
      const path = compat.rules[name]!.replace(/^\.\//, '')
      imports.push({
        key: `rule:bpmnlint-plugin-camunda-compat/${name}`,
        spec: `bpmnlint-plugin-camunda-compat/${path}`,
      })
    }
  }
  for (const rule of Object.keys(CORE_RULES)) {
    if (!imports.some((i) => i.key === `rule:bpmnlint/${rule}`))
      imports.push({ key: `rule:bpmnlint/${rule}`, spec: `bpmnlint/rules/${rule}` })
  }
  const id = 'virtual:bpmnlint-config'
  return {
    name: 'bpmnlint-config',
    ruleImports: imports.map((i) => i.spec),
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(loaded) {
      if (loaded !== `\0${id}`) return undefined
      const lines = imports.map((i, n) => `import r${n} from '${i.spec}'`)
      const cache = imports.map((i, n) => `  ${JSON.stringify(i.key)}: r${n},`)
      cache.push(
        `  ${JSON.stringify(`config:bpmnlint-plugin-camunda-compat/${CAMUNDA_CONFIG}`)}: ${JSON.stringify({ rules: configRules })},`,
      )
      const config = {
        extends: `plugin:camunda-compat/${CAMUNDA_CONFIG}`,
        rules: {
          ...CORE_RULES,
          // Our user tasks are job-worker user tasks on purpose (architecture.md).
          'camunda-compat/zeebe-user-task': 'off',
        },
      }
      return `${lines.join('\n')}\nexport const cache = {\n${cache.join('\n')}\n}\nexport const config = ${JSON.stringify(config)}\n`
    },
  }
}

const lint = bpmnlintConfig()

export default defineConfig({
  root,
  plugins: [react(), lint],
  // API types shared with the server (shared/README.md); also in tsconfig.json and vitest.config.ts
  resolve: { alias: { '@shared': fileURLToPath(new URL('../shared', import.meta.url)) } },
  optimizeDeps: { include: ['bpmnlint', ...lint.ruleImports] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The modeler and form-js are large; they are lazy-loaded in their own chunks.
    chunkSizeWarningLimit: 2000,
    reportCompressedSize: true,
    // .vite/manifest.json: which chunks the entry loads, read by bench/bundle.ts
    manifest: true,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
})
