/**
 * Parses a DMN resource into a {@link DecisionRequirementsGraph} with `dmn-moddle`, and refuses
 * what Zeebe (dmn-scala) refuses at deployment, with dmn-scala's messages: unparsable XML,
 * cyclic required decisions, decisions without supported logic, empty or unparsable FEEL
 * (expressions and unary tests), expression languages other than FEEL, compound outputs
 * without names, COLLECT aggregation over compound outputs. Failures are collected and joined
 * by newlines, as dmn-scala reports them; the deployment prefixes the resource name.
 *
 * DMN 1.3 is what dmn-moddle reads; DMN 1.1, 1.2, 1.4 and 1.5 documents are read by mapping
 * their namespaces onto 1.3's first (the elements we evaluate are the same in all of them).
 */
import { DmnModdle } from 'dmn-moddle'
import { expressionSyntaxError, unaryTestsSyntaxError } from './feel-adapter'
import {
  Aggregation,
  DecisionType,
  HitPolicy,
  type DecisionLogic,
  type DecisionModel,
  type DecisionOutput,
  type DecisionRequirementsGraph,
  type DecisionRule,
  type DecisionTableLogic,
} from './model'

/** The outcome of parsing: the DRG, or why the resource is refused. */
export type ParsedDmn =
  { ok: true; drg: DecisionRequirementsGraph } | { ok: false; message: string }

const DMN13 = 'https://www.omg.org/spec/DMN/20191111/MODEL/'
const DMNDI13 = 'https://www.omg.org/spec/DMN/20191111/DMNDI/'
const ZEEBE_NS = 'http://camunda.org/schema/zeebe/1.0'

/** Model namespaces of the DMN versions Zeebe reads, mapped onto DMN 1.3. */
const namespaceAliases: Record<string, string> = {
  'http://www.omg.org/spec/DMN/20151101/dmn.xsd': DMN13, // 1.1
  'http://www.omg.org/spec/DMN/20180521/MODEL/': DMN13, // 1.2
  'https://www.omg.org/spec/DMN/20211108/MODEL/': DMN13, // 1.4
  'https://www.omg.org/spec/DMN/20230324/MODEL/': DMN13, // 1.5
  'http://www.omg.org/spec/DMN/20180521/DMNDI/': DMNDI13,
  'https://www.omg.org/spec/DMN/20211108/DMNDI/': DMNDI13,
  'https://www.omg.org/spec/DMN/20230324/DMNDI/': DMNDI13,
}

/** `expressionLanguage` values that mean FEEL (dmn-scala's list, compared lower-cased). */
const feelLanguages = new Set(
  [
    'feel',
    'http://www.omg.org/spec/FEEL/20140401',
    'http://www.omg.org/spec/DMN/20180521/FEEL/',
    'https://www.omg.org/spec/DMN/20191111/FEEL/',
    'https://www.omg.org/spec/DMN/20211108/FEEL/',
    'https://www.omg.org/spec/DMN/20230324/FEEL/',
  ].map((l) => l.toLowerCase()),
)

const hitPolicies = new Set<string>(Object.values(HitPolicy))
const aggregations = new Set<string>(Object.values(Aggregation))

/** A moddle element, read through guards. */
type Node = { $type: string; [key: string]: unknown }

const isNode = (v: unknown): v is Node =>
  typeof v === 'object' && v !== null && typeof (v as { $type?: unknown }).$type === 'string'
const str = (n: Node | undefined, key: string): string | undefined => {
  const v = n?.[key]
  return typeof v === 'string' ? v : undefined
}
const nodes = (n: Node | undefined, key: string): Node[] => {
  const v = n?.[key]
  return Array.isArray(v) ? v.filter(isNode) : []
}
const child = (n: Node | undefined, key: string): Node | undefined => {
  const v = n?.[key]
  return isNode(v) ? v : undefined
}

function normalizeNamespaces(xml: string): string {
  let out = xml
  for (const [from, to] of Object.entries(namespaceAliases))
    out = out.split(`"${from}"`).join(`"${to}"`)
  return out
}

/** Collects failures once each (dmn-scala parses each distinct expression text once). */
class Failures {
  readonly list: string[] = []
  add(message: string): void {
    if (!this.list.includes(message)) this.list.push(message)
  }
}

function checkLanguage(n: Node, failures: Failures): boolean {
  const language = (str(n, 'expressionLanguage') ?? 'feel').toLowerCase()
  if (feelLanguages.has(language)) return true
  failures.add(`Expression language '${language}' is not supported`)
  return false
}

/** The FEEL text of a literal expression; validated (present, FEEL, parses). */
function expressionText(n: Node | undefined, ownerId: string, failures: Failures): string {
  const text = str(n, 'text')
  if (!n || text === undefined) {
    failures.add(`The expression '${str(n, 'id') ?? ownerId}' must not be empty.`)
    return ''
  }
  if (!checkLanguage(n, failures)) return text
  const error = expressionSyntaxError(text)
  if (error) failures.add(`FEEL expression: failed to parse expression '${text}': ${error}`)
  return text
}

function unaryTestsText(n: Node, failures: Failures): string {
  const text = str(n, 'text') ?? ''
  if (!checkLanguage(n, failures) || text.trim() === '' || text.trim() === '-') return text
  const error = unaryTestsSyntaxError(text)
  if (error) failures.add(`FEEL unary-tests: failed to parse expression '${text}': ${error}`)
  return text
}

function parseDecisionTable(table: Node, failures: Failures): DecisionTableLogic {
  const id = str(table, 'id') ?? ''
  const hitPolicy = str(table, 'hitPolicy') ?? HitPolicy.Unique
  const aggregation = str(table, 'aggregation')
  if (!hitPolicies.has(hitPolicy)) failures.add(`unsupported hit policy '${hitPolicy}'`)
  if (aggregation !== undefined && !aggregations.has(aggregation)) {
    failures.add(`unsupported aggregation '${aggregation}'`)
  }
  const outputNodes = nodes(table, 'output')
  if (outputNodes.length > 1 && hitPolicy === HitPolicy.Collect && aggregation !== undefined) {
    failures.add("hit policy 'COLLECT' with aggregator is not defined for compound output")
  }
  if (outputNodes.length > 1) {
    for (const o of outputNodes) {
      if (!str(o, 'name')) failures.add(`no output name defined for \`${str(o, 'label') ?? null}\``)
    }
  }
  const inputs = nodes(table, 'input').map((input) => {
    const expression = child(input, 'inputExpression')
    return {
      id: str(input, 'id') ?? '',
      label: str(input, 'label'),
      expression: expressionText(expression, str(input, 'id') ?? '', failures),
      typeRef: str(expression, 'typeRef'),
      inputValues: str(child(input, 'inputValues'), 'text'),
    }
  })
  const outputs: DecisionOutput[] = outputNodes.map((o) => {
    const defaultEntry = child(o, 'defaultOutputEntry')
    return {
      id: str(o, 'id') ?? '',
      name: str(o, 'name'),
      label: str(o, 'label'),
      typeRef: str(o, 'typeRef'),
      outputValues: str(child(o, 'outputValues'), 'text'),
      defaultOutputEntry: defaultEntry
        ? expressionText(defaultEntry, str(o, 'id') ?? '', failures)
        : undefined,
    }
  })
  const rules: DecisionRule[] = nodes(table, 'rule').map((rule, i) => {
    const ruleId = str(rule, 'id') ?? ''
    const inputEntries = nodes(rule, 'inputEntry').map((e) => unaryTestsText(e, failures))
    const outputEntries = nodes(rule, 'outputEntry').map((e) => expressionText(e, ruleId, failures))
    // dmn-scala pairs entries with clauses by position and silently drops the surplus; a
    // rule that does not fit its table is refused here instead of evaluated half.
    if (inputEntries.length !== inputs.length || outputEntries.length !== outputs.length) {
      failures.add(
        `Expected the rule '${ruleId}' to have ${inputs.length} input and ${outputs.length} output entries, but it has ${inputEntries.length} and ${outputEntries.length}`,
      )
    }
    return {
      id: ruleId,
      index: i + 1,
      inputEntries,
      outputEntries,
      annotations: nodes(rule, 'annotationEntry').map((a) => str(a, 'text') ?? ''),
    }
  })
  return {
    type: DecisionType.DecisionTable,
    id,
    hitPolicy: hitPolicy as HitPolicy,
    aggregation: aggregation as Aggregation | undefined,
    inputs,
    outputs,
    rules,
    annotationNames: nodes(table, 'annotation').map((a) => str(a, 'name') ?? ''),
  }
}

function parseLogic(decision: Node, failures: Failures): DecisionLogic | undefined {
  const logic = child(decision, 'decisionLogic')
  const id = str(decision, 'id') ?? ''
  if (!logic) {
    failures.add(`unsupported decision expression 'null' (decision '${id}' has no decision logic)`)
    return undefined
  }
  if (logic.$type === 'dmn:DecisionTable') return parseDecisionTable(logic, failures)
  if (logic.$type === 'dmn:LiteralExpression') {
    return {
      type: DecisionType.LiteralExpression,
      id: str(logic, 'id') ?? '',
      expression: expressionText(logic, id, failures),
      typeRef: str(logic, 'typeRef'),
    }
  }
  failures.add(
    `unsupported decision expression '${logic.$type.replace('dmn:', '')}' in decision '${id}': only decision tables and literal expressions are supported`,
  )
  return undefined
}

/** The prefixes the document binds to the Zeebe namespace (usually `zeebe`). */
function zeebePrefixes(definitions: Node): Set<string> {
  const attrs = definitions.$attrs
  const out = new Set<string>()
  if (typeof attrs === 'object' && attrs !== null) {
    for (const [name, value] of Object.entries(attrs)) {
      if (name.startsWith('xmlns:') && value === ZEEBE_NS) out.add(name.slice(6))
    }
  }
  return out
}

function versionTagOf(decision: Node, prefixes: Set<string>): string | undefined {
  const tag = nodes(child(decision, 'extensionElements'), 'values').find((v) => {
    const [prefix, local] = v.$type.split(':')
    return local === 'versionTag' && prefix !== undefined && prefixes.has(prefix)
  })
  return str(tag, 'value')
}

function referencedId(href: string | undefined): string | undefined {
  if (href === undefined) return undefined
  const hash = href.lastIndexOf('#')
  return hash >= 0 ? href.slice(hash + 1) : href
}

function hasCycle(requires: Map<string, string[]>): boolean {
  const done = new Set<string>()
  const visiting = new Set<string>()
  const visit = (id: string): boolean => {
    if (visiting.has(id)) return true
    if (done.has(id)) return false
    visiting.add(id)
    const cyclic = (requires.get(id) ?? []).some(visit)
    visiting.delete(id)
    done.add(id)
    return cyclic
  }
  return [...requires.keys()].some(visit)
}

/** Parses and validates a DMN resource (XML text). */
export async function parseDmn(xml: string): Promise<ParsedDmn> {
  let definitions: Node
  let warnings: { message: string }[]
  try {
    const result = await new DmnModdle().fromXML(normalizeNamespaces(xml), 'dmn:Definitions')
    if (!isNode(result.rootElement)) throw new Error('no definitions element')
    definitions = result.rootElement
    warnings = result.warnings
  } catch (err) {
    return { ok: false, message: `Failed to parse DMN: ${firstLine(err)}` }
  }
  const duplicate = warnings.map((w) => /duplicate ID <([^>]*)>/.exec(w.message)?.[1]).find(Boolean)
  if (duplicate) {
    return {
      ok: false,
      message: `Failed to parse DMN: the id '${duplicate}' is used more than once`,
    }
  }
  const decisionNodes = nodes(definitions, 'drgElement').filter((e) => e.$type === 'dmn:Decision')
  const ids = new Set(decisionNodes.map((d) => str(d, 'id') ?? ''))
  const failures = new Failures()
  const requires = new Map<string, string[]>()
  for (const d of decisionNodes) {
    const id = str(d, 'id') ?? ''
    const required: string[] = []
    for (const r of nodes(d, 'informationRequirement')) {
      const target = referencedId(str(child(r, 'requiredDecision'), 'href'))
      if (target === undefined) continue
      if (!ids.has(target)) {
        failures.add(
          `Failed to parse DMN: the decision '${id}' requires the decision '${target}', but no decision with this id exists`,
        )
      }
      required.push(target)
    }
    for (const k of nodes(d, 'knowledgeRequirement')) {
      const bkm = referencedId(str(child(k, 'requiredKnowledge'), 'href'))
      failures.add(
        `unsupported knowledge requirement '${bkm ?? ''}' in decision '${id}': business knowledge models are not supported`,
      )
    }
    requires.set(id, required)
  }
  if (hasCycle(requires)) {
    return {
      ok: false,
      message: 'Invalid DMN model: Cyclic dependencies between decisions detected.',
    }
  }
  const prefixes = zeebePrefixes(definitions)
  const decisions: DecisionModel[] = []
  for (const d of decisionNodes) {
    const id = str(d, 'id') ?? ''
    const logic = parseLogic(d, failures)
    const variable = child(d, 'variable')
    if (!logic) continue
    decisions.push({
      id,
      name: str(d, 'name') ?? '',
      versionTag: versionTagOf(d, prefixes),
      resultName: str(variable, 'name') ?? id,
      resultTypeRef: str(variable, 'typeRef'),
      requiredDecisions: requires.get(id) ?? [],
      logic,
    })
  }
  if (failures.list.length > 0) return { ok: false, message: failures.list.join('\n') }
  return {
    ok: true,
    drg: {
      id: str(definitions, 'id') ?? '',
      name: str(definitions, 'name') ?? '',
      namespace: str(definitions, 'namespace') ?? '',
      decisions,
    },
  }
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message.split('\n')[0] ?? message
}
