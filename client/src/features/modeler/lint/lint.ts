/**
 * Live lint of a diagram with bpmnlint and the Camunda 8 compatibility rules, bundled at build
 * time by the `virtual:bpmnlint-config` plugin in client/vite.config.ts.
 */
import { Linter } from 'bpmnlint'
import { cache, config } from 'virtual:bpmnlint-config'

/** One problem found in the diagram. */
export interface LintProblem {
  /** Element id; undefined for problems of the whole diagram. */
  id: string | undefined
  rule: string
  message: string
  category: 'error' | 'warn' | 'info'
}

function lookup(type: string, pkg: string, name: string): unknown {
  const hit = cache[`${type}:${pkg}/${name}`]
  if (!hit) throw new Error(`unknown ${type} <${pkg}/${name}>`)
  return hit
}

const resolver = {
  resolveRule: (pkg: string, name: string) => lookup('rule', pkg, name),
  resolveConfig: (pkg: string, name: string) => lookup('config', pkg, name),
}

/** Lints the moddle definitions of a diagram; problems sorted errors first. */
export async function lintDefinitions(definitions: unknown): Promise<LintProblem[]> {
  // A fresh linter per run: bpmnlint caches rule instances, and some rules keep state.
  const reports = await new Linter({ config, resolver }).lint(definitions)
  const problems: LintProblem[] = []
  for (const [rule, list] of Object.entries(reports)) {
    for (const r of list) {
      problems.push({
        id: r.id,
        rule,
        message: r.message,
        category: r.category === 'rule-error' ? 'error' : r.category,
      })
    }
  }
  const rank = { error: 0, warn: 1, info: 2 }
  return problems.sort((a, b) => rank[a.category] - rank[b.category])
}
