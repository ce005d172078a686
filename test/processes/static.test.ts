/**
 * Static checks of the procedures (ISO/IEC 20000-1 4.3.2: documented procedures are
 * approved, legible and identifiable): every BPMN file parses with the Zeebe extensions, is
 * executable, lints clean with bpmnlint's recommended rules and Camunda 8.8 compatibility, names
 * and documents every element with its clause, and references only forms that exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  extensions,
  formRefs,
  formsDir,
  jobTypes,
  lintProcess,
  list,
  one,
  parseProcessFile,
  processFiles,
  repoRoot,
  str,
  type ModdleElement,
  type ParsedProcess,
} from './bpmn-model'

/** The procedures issue 5 demands, by clause. */
const expected: Record<string, string> = {
  'incident.bpmn': '8.1',
  'service-request.bpmn': '8.1',
  'problem.bpmn': '8.2',
  'change.bpmn': '9.2',
  'release.bpmn': '9.3',
  'supplier-review.bpmn': '7.2',
  'improvement.bpmn': '4.5.5',
  'sms-risk-review.bpmn': '4.5.3',
  'internal-audit.bpmn': '4.5.4.2',
  'management-review.bpmn': '4.5.4.3',
  'complaint.bpmn': '7.1',
  'service-review.bpmn': '6.1',
  'continuity-test.bpmn': '6.3.3',
  'capacity-review.bpmn': '6.5',
  'security-incident.bpmn': '6.6.3',
  'security-risk-assessment.bpmn': '6.6.1',
  'budget-approval.bpmn': '6.4',
  'service-transition.bpmn': '5',
}

/**
 * The procedures use Camunda user tasks (`zeebe:userTask`), so no warning is accepted (job-worker
 * user tasks, still supported for diagrams that use them, would draw camunda-compat's advice).
 */
const acceptedWarnings = new Set<string>()

const flowNodeTypes = new Set([
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:IntermediateThrowEvent',
  'bpmn:BoundaryEvent',
  'bpmn:ServiceTask',
  'bpmn:BusinessRuleTask',
  'bpmn:UserTask',
  'bpmn:ReceiveTask',
  'bpmn:SendTask',
  'bpmn:ScriptTask',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:EventBasedGateway',
  'bpmn:SubProcess',
  'bpmn:CallActivity',
])

const idPrefix: Record<string, RegExp> = {
  'bpmn:ServiceTask': /^Task_[A-Z]\w+$/,
  'bpmn:BusinessRuleTask': /^Task_[A-Z]\w+$/,
  'bpmn:UserTask': /^Task_[A-Z]\w+$/,
  'bpmn:ReceiveTask': /^Receive_[A-Z]\w+$/,
  'bpmn:ExclusiveGateway': /^Gateway_[A-Z]\w+$/,
  'bpmn:StartEvent': /^StartEvent_[A-Z]\w+$/,
  'bpmn:EndEvent': /^EndEvent_[A-Z]\w+$/,
  'bpmn:SubProcess': /^SubProcess_[A-Z]\w+$/,
  'bpmn:BoundaryEvent': /^(Timer|Error|Message)_[A-Z]\w+$/,
  'bpmn:IntermediateCatchEvent': /^(Timer|Message)_[A-Z]\w+$/,
}

const clauseOf = (el: ModdleElement) =>
  list(el, 'documentation')
    .map((d) => str(d, 'text') ?? '')
    .join(' ')

describe('processes/ holds the six procedures', () => {
  it('has exactly one BPMN file per procedure of issue 5', () => {
    // given / when
    const files = processFiles()
    // then
    expect(files).toEqual(Object.keys(expected).sort())
  })
})

describe.each(Object.keys(expected).sort())('%s', (file) => {
  let p: ParsedProcess

  beforeAll(async () => {
    p = await parseProcessFile(file)
  })

  it('parses with bpmn-moddle and zeebe-bpmn-moddle without warnings', () => {
    expect(p.warnings).toEqual([])
    expect(p.elements.length).toBeGreaterThan(5)
  })

  it('is an executable process whose id is the file stem', () => {
    expect(p.process.id).toBe(file.replace(/\.bpmn$/, ''))
    expect(p.process['isExecutable']).toBe(true)
    expect(clauseOf(p.process)).toContain(`ISO/IEC 20000-1 ${expected[file]}`)
  })

  it('lints without errors (bpmnlint:recommended + camunda-compat camunda-cloud-8-8)', async () => {
    // when
    const problems = await lintProcess(p)
    // then
    const unexpected = problems.filter(
      (x) => x.category === 'error' || !acceptedWarnings.has(x.rule),
    )
    expect(unexpected).toEqual([])
  })

  it('names every element, documents its clause and uses an id that says what it is', () => {
    const bad: string[] = []
    for (const el of p.elements) {
      if (!flowNodeTypes.has(el.$type)) continue
      if (!el.name?.trim()) bad.push(`${el.id}: no name`)
      if (!/ISO\/IEC 20000-1 \d+(\.\d+)+/.test(clauseOf(el))) bad.push(`${el.id}: no clause`)
      const pattern = idPrefix[el.$type]
      if (pattern && !pattern.test(el.id ?? '')) bad.push(`${el.id}: id does not say its kind`)
    }
    expect(bad).toEqual([])
  })

  it('names every outgoing branch of a splitting gateway and gives each a condition or default', () => {
    const bad: string[] = []
    for (const gw of p.elements.filter((e) => e.$type === 'bpmn:ExclusiveGateway')) {
      const outgoing = list(gw, 'outgoing')
      if (outgoing.length < 2) continue
      const dflt = one(gw, 'default')
      for (const flow of outgoing) {
        if (!flow.name) bad.push(`${flow.id}: unnamed branch of ${gw.id}`)
        if (flow !== dflt && !one(flow, 'conditionExpression')) bad.push(`${flow.id}: no condition`)
      }
      if (!dflt) bad.push(`${gw.id}: no default flow`)
    }
    expect(bad).toEqual([])
  })

  it('has Camunda user tasks with a linked form deployed with it that exists in forms/ and an assignment', () => {
    const bad: string[] = []
    for (const task of p.elements.filter((e) => e.$type === 'bpmn:UserTask')) {
      if (!extensions(task, 'zeebe:UserTask').length) bad.push(`${task.id}: no zeebe:userTask`)
      // the form version deployed with the procedure version, as the inbox shows it
      const form = extensions(task, 'zeebe:FormDefinition')[0]
      if (form && str(form, 'bindingType') !== 'deployment') {
        bad.push(`${task.id}: form not bound with bindingType="deployment"`)
      }
      const assignment = extensions(task, 'zeebe:AssignmentDefinition')[0]
      if (!assignment || !(str(assignment, 'candidateGroups') || str(assignment, 'assignee'))) {
        bad.push(`${task.id}: no candidate groups or assignee`)
      }
    }
    for (const { element, formId } of formRefs(p)) {
      if (!existsSync(join(formsDir, `${formId}.form`))) bad.push(`${element}: forms/${formId}.form missing`)
    }
    expect(bad).toEqual([])
    expect(formRefs(p).length).toBe(p.elements.filter((e) => e.$type === 'bpmn:UserTask').length)
  })

  it('has a diagram shape for every flow node and an edge for every sequence flow', () => {
    const diagrams = list(p.definitions, 'diagrams')
    const plane = diagrams[0] ? one(diagrams[0], 'plane') : undefined
    const drawn = new Set(
      (plane ? list(plane, 'planeElement') : []).map((d) => one(d, 'bpmnElement')?.id),
    )
    const missing = p.elements.filter((el) => el.id && !drawn.has(el.id)).map((el) => el.id)
    expect(missing).toEqual([])
  })

  it('uses message correlation keys and timer expressions on every message and timer', () => {
    const bad: string[] = []
    for (const m of p.messages) {
      const sub = extensions(m, 'zeebe:Subscription')[0]
      if (!m.name || !sub || !str(sub, 'correlationKey')?.startsWith('='))
        bad.push(`${m.id}: no name or correlation key`)
    }
    for (const el of p.elements) {
      for (const def of list(el, 'eventDefinitions')) {
        if (def.$type !== 'bpmn:TimerEventDefinition') continue
        const expr = ['timeDate', 'timeDuration', 'timeCycle']
          .map((k) => one(def, k))
          .find((x) => x)
        if (!expr || !str(expr, 'body')) bad.push(`${el.id}: timer without expression`)
      }
    }
    expect(bad).toEqual([])
  })
})

describe('automated steps and messages of all procedures', () => {
  let parsed: ParsedProcess[]

  beforeAll(async () => {
    parsed = await Promise.all(processFiles().map((f) => parseProcessFile(f)))
  })

  it('has a registered worker for every job type, and no worker without a job type', async () => {
    // given
    const { workers } = await import('../../server/src/workers/index')
    const registered = new Set(workers.map((w) => w.type))
    const used = new Set(parsed.flatMap((p) => jobTypes(p)))
    // then
    expect([...used].filter((t) => !registered.has(t))).toEqual([])
    expect([...registered].filter((t) => !used.has(t))).toEqual([])
    expect(registered.size).toBe(workers.length)
  })

  it('names each worker file after its job type', async () => {
    const { workers } = await import('../../server/src/workers/index')
    const missing = workers
      .map((w) => `server/src/workers/${w.type}.worker.ts`)
      .filter((f) => !existsSync(join(repoRoot, f)))
    expect(missing).toEqual([])
  })

  it('has a publisher for every message a procedure waits on', async () => {
    // given: the workers' messages and those people send through the server (8.1 escalation)
    const { workers } = await import('../../server/src/workers/index')
    const { serverPublishedMessages } = await import('../../server/src/cases/major-incident.routes')
    const published = new Set([...workers.flatMap((w) => w.publishes), ...serverPublishedMessages])
    const waitedOn = new Set(parsed.flatMap((p) => p.messages.map((m) => m.name ?? '')))
    // then
    expect([...waitedOn].filter((m) => !published.has(m))).toEqual([])
    expect(waitedOn.size).toBeGreaterThan(0)
  })

  it('4.3.2: calls only decisions of processes/*.dmn, bound to the version deployed with it', async () => {
    // given: the decisions the .dmn files define (each file is named after its decision)
    const { describeDmn } = await import('../../server/src/processes/dmn')
    const dmnFiles = readdirSync(join(repoRoot, 'processes')).filter((f) => f.endsWith('.dmn'))
    const defined = new Map<string, string>()
    for (const f of dmnFiles) {
      const info = await describeDmn(readFileSync(join(repoRoot, 'processes', f), 'utf8'))
      expect(info.decisions.map((d) => d.id)).toContain(f.replace(/\.dmn$/, ''))
      for (const d of info.decisions) defined.set(d.id, f)
    }
    // when
    const bad: string[] = []
    const called = new Set<string>()
    for (const p of parsed) {
      for (const el of p.elements.filter((e) => e.$type === 'bpmn:BusinessRuleTask')) {
        const call = extensions(el, 'zeebe:CalledDecision')[0]
        const id = call ? str(call, 'decisionId') : undefined
        if (!call || !id || !str(call, 'resultVariable')) bad.push(`${el.id}: no calledDecision`)
        else if (!defined.has(id)) bad.push(`${el.id}: decision ${id} is in no processes/*.dmn`)
        else called.add(id)
        if (call && str(call, 'bindingType') !== 'deployment') bad.push(`${el.id}: bindingType is not deployment`)
      }
    }
    // then: every decision is used, and used as deployed with its procedure
    expect(bad).toEqual([])
    expect([...defined.keys()].filter((d) => !called.has(d))).toEqual([])
  })

  it('catches every BPMN error code it declares with one the workers throw', async () => {
    const { ErrorCode } = await import('../../server/src/workers/define-worker')
    const codes = new Set<string>(Object.values(ErrorCode))
    const declared = parsed.flatMap((p) => p.errors.map((e) => str(e, 'errorCode') ?? ''))
    expect(declared.filter((c) => !codes.has(c))).toEqual([])
  })
})
