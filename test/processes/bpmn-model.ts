/**
 * Reads processes/*.bpmn for the static checks: parse with bpmn-moddle + zeebe-bpmn-moddle and
 * flatten what the tests inspect (elements, Zeebe extensions, flows, messages, errors).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, join } from 'node:path'
import { formsDir, repoRoot } from '../../server/src/paths'

const require = createRequire(import.meta.url)

interface Moddle {
  fromXML(
    xml: string,
    type: string,
  ): Promise<{ rootElement: unknown; warnings: { message: string }[] }>
}
const { BpmnModdle } = require('bpmn-moddle') as {
  BpmnModdle: new (packages: Record<string, unknown>) => Moddle
}
const zeebeModdle = require('zeebe-bpmn-moddle/resources/zeebe.json') as Record<string, unknown>

/** A moddle element as far as the tests read it. */
export interface ModdleElement {
  $type: string
  id?: string
  name?: string
  [key: string]: unknown
}

export { formsDir, repoRoot }
export const processesDir = join(repoRoot, 'processes')

export function isModdleElement(value: unknown): value is ModdleElement {
  return !!value && typeof value === 'object' && typeof (value as { $type?: unknown }).$type === 'string'
}

/** The moddle elements in `el[prop]` (a list property). */
export function list(el: ModdleElement, prop: string): ModdleElement[] {
  const v = el[prop]
  return Array.isArray(v) ? v.filter(isModdleElement) : []
}

/** The element in `el[prop]` (a reference or single child). */
export function one(el: ModdleElement, prop: string): ModdleElement | undefined {
  const v = el[prop]
  return isModdleElement(v) ? v : undefined
}

/** The string in `el[prop]`, if any. */
export function str(el: ModdleElement, prop: string): string | undefined {
  const v = el[prop]
  return typeof v === 'string' ? v : undefined
}

/** The Zeebe extension elements of `el` of one type, e.g. `zeebe:TaskDefinition`. */
export function extensions(el: ModdleElement, type: string): ModdleElement[] {
  const ext = one(el, 'extensionElements')
  return ext ? list(ext, 'values').filter((v) => v.$type === type) : []
}

export interface ParsedProcess {
  file: string
  xml: string
  warnings: string[]
  definitions: ModdleElement
  process: ModdleElement
  /** Every flow element, nested ones (subprocesses) included. */
  elements: ModdleElement[]
  messages: ModdleElement[]
  errors: ModdleElement[]
}

function flatten(container: ModdleElement, out: ModdleElement[]) {
  for (const el of list(container, 'flowElements')) {
    out.push(el)
    if (el.$type === 'bpmn:SubProcess') flatten(el, out)
  }
}

/** The stems of processes/*.bpmn. */
export function processFiles(): string[] {
  return readdirSync(processesDir)
    .filter((f) => f.endsWith('.bpmn'))
    .sort()
}

export async function parseProcessFile(file: string): Promise<ParsedProcess> {
  const xml = readFileSync(join(processesDir, file), 'utf8')
  const { rootElement, warnings } = await new BpmnModdle({ zeebe: zeebeModdle }).fromXML(
    xml,
    'bpmn:Definitions',
  )
  if (!isModdleElement(rootElement)) throw new Error(`${file}: no definitions`)
  const roots = list(rootElement, 'rootElements')
  const process = roots.find((r) => r.$type === 'bpmn:Process')
  if (!process) throw new Error(`${file}: no bpmn:Process`)
  const elements: ModdleElement[] = []
  flatten(process, elements)
  return {
    file: basename(file),
    xml,
    warnings: warnings.map((w) => w.message),
    definitions: rootElement,
    process,
    elements,
    messages: roots.filter((r) => r.$type === 'bpmn:Message'),
    errors: roots.filter((r) => r.$type === 'bpmn:Error'),
  }
}

/** Job types of the service tasks of a process. */
export function jobTypes(p: ParsedProcess): string[] {
  return p.elements.flatMap((el) =>
    extensions(el, 'zeebe:TaskDefinition').map((d) => str(d, 'type') ?? ''),
  )
}

/** formIds (or formKeys) the user tasks reference. */
export function formRefs(p: ParsedProcess): { element: string; formId: string }[] {
  return p.elements.flatMap((el) =>
    extensions(el, 'zeebe:FormDefinition').map((d) => ({
      element: el.id ?? '',
      formId: str(d, 'formId') ?? str(d, 'formKey') ?? '',
    })),
  )
}

interface LintReport {
  id?: string
  message: string
  category?: string
}

/** One lint finding. */
export interface LintFinding {
  rule: string
  id: string
  message: string
  category: string
}

/**
 * Lints BPMN XML with bpmnlint:recommended and camunda-compat's camunda-cloud-8-8. A fresh
 * Linter per call: some bpmnlint rules (no-duplicate-sequence-flows) keep state per Linter, so a
 * shared one reports duplicates across files that reuse flow ids.
 */
export async function lintProcess(p: ParsedProcess): Promise<LintFinding[]> {
  const { Linter } = require('bpmnlint') as {
    Linter: new (opts: { config: unknown; resolver: unknown }) => {
      lint(definitions: unknown): Promise<Record<string, LintReport[]>>
    }
  }
  const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as new () => unknown
  const linter = new Linter({
    config: { extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-8'] },
    resolver: new NodeResolver(),
  })
  const results = await linter.lint(p.definitions)
  return Object.entries(results).flatMap(([rule, reports]) =>
    reports.map((r) => ({ rule, id: r.id ?? '', message: r.message, category: r.category ?? '' })),
  )
}
