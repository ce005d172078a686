/**
 * Reading DMN on the server: parse a `.dmn` with dmn-moddle, describe its decisions (decision
 * tables cell by cell, literal expressions) for the approver, check what a draft must hold, and
 * diff two versions rule by rule (ISO/IEC 20000-1 4.3.2: the approver sees the whole change).
 * The engine validates FEEL and deploys; this module never evaluates.
 */
import { createRequire } from 'node:module'
import { UserError } from '../errors'

const require = createRequire(import.meta.url)
const { DmnModdle } = require('dmn-moddle') as {
  DmnModdle: new () => {
    fromXML(
      xml: string,
      type: string,
    ): Promise<{ rootElement: unknown; warnings: { message: string }[] }>
    toXML(element: unknown, options?: { format?: boolean }): Promise<{ xml: string }>
  }
}

/** A dmn-moddle, for code that rewrites DMN (draft-merge.ts); read with `dmnAsVersion13`. */
export const dmnModdle = () => new DmnModdle()

/** A dmn-moddle element as far as this module reads it. */
interface Node {
  $type: string
  id?: string
  name?: string
  label?: string
  text?: string
  description?: string
  hitPolicy?: string
  aggregation?: string
  typeRef?: string
  drgElement?: Node[]
  decisionLogic?: Node
  input?: Node[]
  output?: Node[]
  rule?: Node[]
  inputEntry?: Node[]
  outputEntry?: Node[]
  inputExpression?: Node
  [key: string]: unknown
}

export interface DecisionTableInfo {
  hitPolicy: string
  inputs: { id: string; label: string; expression: string }[]
  outputs: { id: string; label: string; name: string }[]
  rules: DecisionRuleInfo[]
}

export interface DecisionRuleInfo {
  id: string
  /** 1-based position in the table. */
  index: number
  inputs: string[]
  outputs: string[]
  description: string
}

export interface DecisionInfo {
  id: string
  name: string
  /** `decisionTable`, `literalExpression`, or what else the decision's logic is. */
  logic: string
  table?: DecisionTableInfo
  expression?: string
}

export interface DmnInfo {
  /** The decision requirements id (the definitions' id). */
  id: string
  name: string
  decisions: DecisionInfo[]
}

const DMN13 = 'https://www.omg.org/spec/DMN/20191111/MODEL/'
/** Namespaces of DMN 1.1, 1.2, 1.4 and 1.5 models, read as 1.3 (what dmn-moddle knows). */
const aliases = [
  'http://www.omg.org/spec/DMN/20151101/dmn.xsd',
  'http://www.omg.org/spec/DMN/20180521/MODEL/',
  'https://www.omg.org/spec/DMN/20211108/MODEL/',
  'https://www.omg.org/spec/DMN/20230324/MODEL/',
]

const typeName = (t: string) => t.replace(/^dmn:/, '').replace(/^./, (c) => c.toLowerCase())
const textOf = (n: Node | undefined) => (typeof n?.text === 'string' ? n.text : '')

/** The XML with the namespaces of other DMN versions replaced by 1.3's. */
export function dmnAsVersion13(xml: string): string {
  let normalized = xml
  for (const ns of aliases) normalized = normalized.split(`"${ns}"`).join(`"${DMN13}"`)
  return normalized
}

/** Parses DMN XML; a malformed file is a 400 naming the parser's reason. */
async function parseDmnXml(xml: string): Promise<Node> {
  const normalized = dmnAsVersion13(xml)
  try {
    const { rootElement, warnings } = await new DmnModdle().fromXML(normalized, 'dmn:Definitions')
    const fatal = warnings.find((w) => /unparsable|unexpected|duplicate id/i.test(w.message))
    if (fatal) throw new Error(fatal.message)
    if (!rootElement) throw new Error('no dmn:definitions element')
    return rootElement as Node
  } catch (err) {
    const text = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''
    throw new UserError(`Malformed DMN: the XML cannot be read: ${text}`)
  }
}

function tableInfo(t: Node): DecisionTableInfo {
  return {
    hitPolicy: t.hitPolicy ?? 'UNIQUE',
    inputs: (t.input ?? []).map((i) => ({
      id: i.id ?? '',
      label: i.label ?? textOf(i.inputExpression),
      expression: textOf(i.inputExpression),
    })),
    outputs: (t.output ?? []).map((o) => ({
      id: o.id ?? '',
      label: o.label ?? o.name ?? '',
      name: o.name ?? '',
    })),
    rules: (t.rule ?? []).map((r, i) => ({
      id: r.id ?? `#${i + 1}`,
      index: i + 1,
      inputs: (r.inputEntry ?? []).map((e) => textOf(e).trim() || '-'),
      outputs: (r.outputEntry ?? []).map((e) => textOf(e).trim()),
      description: typeof r.description === 'string' ? r.description : '',
    })),
  }
}

/** What a `.dmn` holds: its DRG id and name, and every decision with its logic. */
export async function describeDmn(xml: string): Promise<DmnInfo> {
  const definitions = await parseDmnXml(xml)
  const decisions: DecisionInfo[] = (definitions.drgElement ?? [])
    .filter((e) => e.$type === 'dmn:Decision')
    .map((d) => {
      const logic = d.decisionLogic
      const info: DecisionInfo = {
        id: d.id ?? '',
        name: d.name ?? d.id ?? '',
        logic: logic ? typeName(logic.$type) : 'none',
      }
      if (logic?.$type === 'dmn:DecisionTable') info.table = tableInfo(logic)
      if (logic?.$type === 'dmn:LiteralExpression') info.expression = textOf(logic)
      return info
    })
  return { id: definitions.id ?? '', name: definitions.name ?? definitions.id ?? '', decisions }
}

/**
 * Checks a `.dmn` for a draft: it parses, keeps its DRG id and every decision the procedures
 * call, and every decision has logic. FEEL is checked by the engine when the draft is deployed.
 */
export async function checkDmn(
  xml: string,
  expect: { decisionRequirementsId?: string; calledDecisionIds?: string[] } = {},
): Promise<DmnInfo> {
  const info = await describeDmn(xml)
  if (!info.id) throw new UserError('The DMN definitions have no id (the decision requirements id).')
  if (expect.decisionRequirementsId && info.id !== expect.decisionRequirementsId) {
    throw new UserError(
      `The draft is for decisions ${expect.decisionRequirementsId}, but the XML defines ${info.id}.`,
      [{ path: '/xml', message: `the definitions id must stay ${expect.decisionRequirementsId}` }],
    )
  }
  if (info.decisions.length === 0) throw new UserError('The DMN file defines no decision.')
  const errors = [
    ...info.decisions
      .filter((d) => !d.id)
      .map(() => ({ path: '/xml', message: 'a decision has no id' })),
    ...info.decisions
      .filter((d) => d.logic === 'none')
      .map((d) => ({ path: `/decisions/${d.id}`, message: 'has no decision logic' })),
    ...(expect.calledDecisionIds ?? [])
      .filter((id) => !info.decisions.some((d) => d.id === id))
      .map((id) => ({
        path: `/decisions/${id}`,
        message: 'is called by a deployed procedure and must stay',
      })),
  ]
  if (errors.length > 0) throw new UserError('The DMN file cannot be used as it is.', errors)
  return info
}

export interface RuleChange {
  id: string
  index: number
  inputs: string[]
  outputs: string[]
  description: string
}

export interface DecisionChange {
  id: string
  name: string
  /** What changed besides rules: name, logic type, hit policy, inputs, outputs, expression. */
  changed: string[]
  rules: {
    added: RuleChange[]
    removed: RuleChange[]
    changed: { id: string; before: RuleChange; after: RuleChange }[]
  }
}

export interface DecisionDiff {
  added: { id: string; name: string }[]
  removed: { id: string; name: string }[]
  changed: DecisionChange[]
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/** Decisions added, removed and changed, and per decision table its rules, by rule id. */
export function diffDmn(before: DmnInfo | null, after: DmnInfo): DecisionDiff {
  const old = new Map((before?.decisions ?? []).map((d) => [d.id, d]))
  const now = new Map(after.decisions.map((d) => [d.id, d]))
  const changed: DecisionChange[] = []
  for (const a of after.decisions) {
    const b = old.get(a.id)
    if (!b) continue
    const what: string[] = []
    if (a.name !== b.name) what.push('name')
    if (a.logic !== b.logic) what.push('logic')
    if (a.expression !== b.expression) what.push('expression')
    if (a.table?.hitPolicy !== b.table?.hitPolicy) what.push('hitPolicy')
    if (!same(a.table?.inputs, b.table?.inputs)) what.push('inputs')
    if (!same(a.table?.outputs, b.table?.outputs)) what.push('outputs')
    const rb = new Map((b.table?.rules ?? []).map((r) => [r.id, r]))
    const ra = new Map((a.table?.rules ?? []).map((r) => [r.id, r]))
    const rules: DecisionChange['rules'] = {
      added: [...ra.values()].filter((r) => !rb.has(r.id)),
      removed: [...rb.values()].filter((r) => !ra.has(r.id)),
      changed: [...ra.values()].flatMap((r) => {
        const o = rb.get(r.id)
        const content = (x: RuleChange) => [x.inputs, x.outputs, x.description]
        return o && !same(content(o), content(r)) ? [{ id: r.id, before: o, after: r }] : []
      }),
    }
    const moved = (a.table?.rules ?? []).some((r) => rb.get(r.id) && rb.get(r.id)!.index !== r.index)
    if (moved && rules.added.length === 0 && rules.removed.length === 0) what.push('rule order')
    if (what.length || rules.added.length || rules.removed.length || rules.changed.length) {
      changed.push({ id: a.id, name: a.name, changed: what, rules })
    }
  }
  return {
    added: after.decisions.filter((d) => !old.has(d.id)).map(({ id, name }) => ({ id, name })),
    removed: [...old.values()].filter((d) => !now.has(d.id)).map(({ id, name }) => ({ id, name })),
    changed,
  }
}
