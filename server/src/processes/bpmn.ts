/**
 * Reading BPMN on the server: parse with bpmn-moddle + the Zeebe extensions, describe the
 * processes a file holds (ids, names, elements, user-task forms), and lint it with bpmnlint and
 * Camunda 8 rules. Used for drafts under document control (ISO/IEC 20000-1 4.3.2) and to label
 * history steps.
 */
import { createRequire } from 'node:module'
import { UserError } from '../errors'

const require = createRequire(import.meta.url)

interface Moddle {
  fromXML(
    xml: string,
    type: string,
  ): Promise<{ rootElement: unknown; warnings: { message: string }[] }>
  toXML(element: unknown, options?: { format?: boolean }): Promise<{ xml: string }>
  create(type: string, attrs?: Record<string, unknown>): ModdleElement
}
const { BpmnModdle } = require('bpmn-moddle') as {
  BpmnModdle: new (packages: Record<string, unknown>) => Moddle
}
const zeebeModdle = require('zeebe-bpmn-moddle/resources/zeebe.json') as Record<string, unknown>

/** A moddle element as far as this module reads it. */
interface ModdleElement {
  $type: string
  id?: string
  name?: string
  flowElements?: ModdleElement[]
  rootElements?: ModdleElement[]
  extensionElements?: { values?: ModdleElement[] }
  isExecutable?: boolean
  formId?: string
  formKey?: string
  sourceRef?: ModdleElement
  targetRef?: ModdleElement
  [key: string]: unknown
}

/** One element of a process as the history view labels it. */
export interface BpmnElementInfo {
  id: string
  name: string
  type: string
  /** Linked form (`zeebe:formDefinition formId`) or form key of a user task. */
  formId?: string
  formKey?: string
  /** The decision a business rule task evaluates (`zeebe:calledDecision`). */
  calledDecision?: { decisionId: string; bindingType: string }
  /** Custom extension properties (`zeebe:properties`), by name; e.g. the record updates. */
  properties?: Record<string, string>
  /** A sequence flow's source and target element ids. */
  sourceRef?: string
  targetRef?: string
}

export interface BpmnProcessInfo {
  id: string
  name: string
  isExecutable: boolean
  elements: Record<string, BpmnElementInfo>
}

export interface BpmnInfo {
  processes: BpmnProcessInfo[]
  /** Ids of `zeebe:userTaskForm` embedded forms, keyed by id, with their JSON text. */
  embeddedForms: Record<string, string>
}

export interface LintProblem {
  rule: string
  id: string
  message: string
  category: 'error' | 'warn' | 'info'
}

function moddle(): Moddle {
  return new BpmnModdle({ zeebe: zeebeModdle })
}

/** A bpmn-moddle with the Zeebe extensions, for code that rewrites BPMN (draft-merge.ts). */
export const bpmnModdle = (): Moddle => moddle()

const typeName = (t: string) => t.replace(/^bpmn:/, '')

/** Parses BPMN XML; a malformed file is a 400 naming the parser's reason. */
export async function parseBpmn(xml: string): Promise<ModdleElement> {
  try {
    const { rootElement, warnings } = await moddle().fromXML(xml, 'bpmn:Definitions')
    const fatal = warnings.find((w) => /unparsable|unexpected/i.test(w.message))
    if (fatal) throw new Error(fatal.message)
    return rootElement as unknown as ModdleElement
  } catch (err) {
    throw new UserError(`Malformed BPMN: the XML cannot be read: ${errorText(err)}`)
  }
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''
}

function collectElements(container: ModdleElement, out: Record<string, BpmnElementInfo>) {
  for (const el of container.flowElements ?? []) {
    if (!el.id) continue
    const info: BpmnElementInfo = { id: el.id, name: el.name ?? el.id, type: typeName(el.$type) }
    if (el.sourceRef?.id) info.sourceRef = el.sourceRef.id
    if (el.targetRef?.id) info.targetRef = el.targetRef.id
    for (const ext of el.extensionElements?.values ?? []) {
      if (ext.$type === 'zeebe:FormDefinition') {
        if (ext.formId) info.formId = ext.formId
        if (ext.formKey) info.formKey = ext.formKey
      }
      if (ext.$type === 'zeebe:CalledDecision' && typeof ext.decisionId === 'string') {
        const bindingType = typeof ext.bindingType === 'string' ? ext.bindingType : 'latest'
        info.calledDecision = { decisionId: ext.decisionId, bindingType }
      }
      if (ext.$type === 'zeebe:Properties' && Array.isArray(ext.properties)) {
        const props: Record<string, string> = {}
        for (const p of ext.properties as ModdleElement[]) {
          if (typeof p.name === 'string') props[p.name] = typeof p.value === 'string' ? p.value : ''
        }
        info.properties = { ...info.properties, ...props }
      }
    }
    out[el.id] = info
    if (el.flowElements) collectElements(el, out)
  }
}

/** What a BPMN file holds: its processes with their elements, and embedded forms. */
export async function describeBpmn(xml: string): Promise<BpmnInfo> {
  const definitions = await parseBpmn(xml)
  const processes: BpmnProcessInfo[] = []
  const embeddedForms: Record<string, string> = {}
  for (const root of definitions.rootElements ?? []) {
    if (root.$type !== 'bpmn:Process' || !root.id) continue
    const elements: Record<string, BpmnElementInfo> = {}
    collectElements(root, elements)
    processes.push({
      id: root.id,
      name: root.name ?? root.id,
      isExecutable: root.isExecutable === true,
      elements,
    })
    for (const ext of root.extensionElements?.values ?? []) {
      if (ext.$type === 'zeebe:UserTaskForm' && ext.id && typeof ext.body === 'string') {
        embeddedForms[ext.id] = ext.body
      }
    }
  }
  if (processes.length === 0) {
    throw new UserError('The BPMN file defines no bpmn:process element.')
  }
  return { processes, embeddedForms }
}

interface LintReport {
  id?: string
  message: string
  category?: string
}

interface BpmnLinter {
  lint(definitions: unknown): Promise<Record<string, LintReport[]>>
}

/**
 * A fresh linter per run: bpmnlint's recommended rules and Camunda 8.8 compatibility. (Some
 * rules keep state between runs, e.g. no-duplicate-sequence-flows, so a linter is not reused.)
 */
function getLinter(): BpmnLinter {
  const { Linter } = require('bpmnlint') as {
    Linter: new (opts: { config: unknown; resolver: unknown }) => BpmnLinter
  }
  const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as new () => unknown
  return new Linter({
    config: { extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-8'] },
    resolver: new NodeResolver(),
  })
}

/**
 * Diagrams whose plane names no element of the file (`bpmnElement` pointing at a missing
 * process): reported as errors and left out of the linted model, because bpmnlint's Camunda
 * rules stop on such a plane and would then check nothing else (a service task without a job
 * type would pass).
 */
function danglingDiagrams(definitions: ModdleElement): LintProblem[] {
  const diagrams = (definitions as { diagrams?: ModdleElement[] }).diagrams
  if (!diagrams?.length) return []
  const problems: LintProblem[] = []
  const kept = diagrams.filter((d) => {
    const plane = (d as { plane?: ModdleElement & { bpmnElement?: unknown } }).plane
    if (!plane || plane.bpmnElement) return true
    problems.push({
      rule: 'diagram-plane',
      id: plane.id ?? d.id ?? '',
      message:
        'The diagram is drawn for an element this file does not define (its plane names a missing process or collaboration); draw it for the process.',
      category: 'error',
    })
    return false
  })
  ;(definitions as { diagrams?: ModdleElement[] }).diagrams = kept
  return problems
}

/**
 * Lints BPMN XML; returns every problem (errors first). Malformed XML is a 400. A rule that
 * fails instead of checking is an error, not information: what it did not check must not pass.
 */
export async function lintBpmn(xml: string): Promise<LintProblem[]> {
  const definitions = await parseBpmn(xml)
  const problems: LintProblem[] = danglingDiagrams(definitions)
  const results = await getLinter().lint(definitions)
  for (const [rule, reports] of Object.entries(results)) {
    for (const r of reports) {
      if (r.category === 'rule-error') {
        problems.push({
          rule,
          id: r.id ?? '',
          message: `This check could not run on the diagram (${r.message}); the diagram cannot be submitted until it can.`,
          category: 'error',
        })
        continue
      }
      const category = r.category === 'error' ? 'error' : r.category === 'warn' ? 'warn' : 'info'
      problems.push({ rule, id: r.id ?? '', message: r.message, category })
    }
  }
  const order = { error: 0, warn: 1, info: 2 }
  return problems.sort((a, b) => order[a.category] - order[b.category])
}

/** The `zeebe:versionTag` of a process, if it has one. */
export async function versionTagOf(xml: string, bpmnProcessId: string): Promise<string | null> {
  const process = (await parseBpmn(xml)).rootElements?.find(
    (r) => r.$type === 'bpmn:Process' && r.id === bpmnProcessId,
  )
  const tag = process?.extensionElements?.values?.find((v) => v.$type === 'zeebe:VersionTag')
  return typeof tag?.value === 'string' ? tag.value : null
}

/**
 * The XML with `zeebe:versionTag value=tag` on the process (added, or replacing the one it has).
 * Zeebe keeps the version of a resource whose bytes it already deployed; a new tag is how a
 * procedure whose diagram is unchanged still gets a new version (e.g. for changed forms).
 */
export async function withVersionTag(
  xml: string,
  bpmnProcessId: string,
  tag: string,
): Promise<string> {
  const m = moddle()
  const { rootElement } = await m.fromXML(xml, 'bpmn:Definitions')
  const definitions = rootElement as ModdleElement
  const process = definitions.rootElements?.find(
    (r) => r.$type === 'bpmn:Process' && r.id === bpmnProcessId,
  )
  if (!process) throw new UserError(`The BPMN file defines no process ${bpmnProcessId}.`)
  let ext = process.extensionElements
  if (!ext) {
    ext = m.create('bpmn:ExtensionElements', { values: [] }) as { values?: ModdleElement[] }
    ;(ext as ModdleElement).$parent = process
    process.extensionElements = ext
  }
  const values = (ext.values ??= [])
  const existing = values.find((v) => v.$type === 'zeebe:VersionTag')
  if (existing) {
    existing.value = tag
  } else {
    const versionTag = m.create('zeebe:VersionTag', { value: tag })
    versionTag.$parent = ext
    values.push(versionTag)
  }
  return (await m.toXML(definitions, { format: true })).xml
}

/** An element as the three-way check compares it: its name, type and whole XML. */
export interface ElementSignature {
  id: string
  name: string
  type: string
  /** The element's XML (with its children, e.g. a subprocess's), as moddle writes it. */
  signature: string
}

/**
 * Every flow element of process `processId` with its XML, so two versions of an element compare
 * on everything they define (conditions, job types, forms, …), not only their name and type.
 */
export async function elementSignatures(
  xml: string,
  processId: string,
): Promise<Record<string, ElementSignature>> {
  const m = moddle()
  const definitions = await parseBpmn(xml)
  const root = definitions.rootElements?.find((r) => r.$type === 'bpmn:Process' && r.id === processId)
  const out: Record<string, ElementSignature> = {}
  const visit = async (container: ModdleElement) => {
    for (const el of container.flowElements ?? []) {
      if (!el.id) continue
      const { xml: own } = await m.toXML(el, { format: false })
      // incoming/outgoing only repeat the flows' source and target: a flow added elsewhere does
      // not change the element it starts from
      const signature = own.replace(/<(\w+:)?(incoming|outgoing)>[^<]*<\/(\w+:)?(incoming|outgoing)>/g, '')
      out[el.id] = { id: el.id, name: el.name ?? el.id, type: typeName(el.$type), signature }
      if (el.flowElements) await visit(el)
    }
  }
  if (root) await visit(root)
  return out
}

/**
 * The activities people do in process `processId` (user and manual tasks, sub-processes' too), by
 * name in the diagram's order: what a RACI (ISO/IEC 20000-1 4.1.3) assigns roles for.
 */
export async function activityNames(xml: string, processId: string): Promise<string[]> {
  const root = (await parseBpmn(xml)).rootElements?.find(
    (r) => r.$type === 'bpmn:Process' && r.id === processId,
  )
  const names: string[] = []
  const visit = (container: ModdleElement) => {
    for (const el of container.flowElements ?? []) {
      if ((el.$type === 'bpmn:UserTask' || el.$type === 'bpmn:ManualTask') && el.name?.trim()) {
        if (!names.includes(el.name.trim())) names.push(el.name.trim())
      }
      if (el.flowElements) visit(el)
    }
  }
  if (root) visit(root)
  return names
}
