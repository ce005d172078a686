/**
 * The automatic merge of a rebase (ISO/IEC 20000-1 4.3.2: a rebase never silently overwrites
 * the approved change deployed since): what only the deployed version changed is taken over,
 * what only the draft changed stays, and an element both changed is kept as the author chose —
 * or the rebase is refused, naming it.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fixture } from '../../../test/support/triage'
import { elementSignatures, describeBpmn } from './bpmn'
import { describeDmn } from './dmn'
import { mergeThreeWay, type Resolution } from './draft-merge'
import { compareThreeWay } from './draft-rebase'
import { DraftKind } from './processes.model'

const base = fixture('inbox-triage.bpmn').toString('utf8')
/** Deployed since: the start event renamed, and a notification step before the end. */
const theirs = base
  .replace('name="Ticket raised"', 'name="Ticket raised by a customer"')
  .replace(
    'sourceRef="Task_TriageTicket" targetRef="EndEvent_TicketTriaged" />',
    `sourceRef="Task_TriageTicket" targetRef="Task_Notify" />
    <bpmn:serviceTask id="Task_Notify" name="Notify the customer">
      <bpmn:extensionElements><zeebe:taskDefinition type="notify" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="Flow_NotifyToEnd" sourceRef="Task_Notify" targetRef="EndEvent_TicketTriaged" />`,
  )
  .replace(
    '</bpmndi:BPMNPlane>',
    `<bpmndi:BPMNShape id="Task_Notify_di" bpmnElement="Task_Notify"><dc:Bounds x="420" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_NotifyToEnd_di" bpmnElement="Flow_NotifyToEnd"><di:waypoint x="520" y="120" /><di:waypoint x="560" y="120" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>`,
  )
/** The draft: the triage task renamed. */
const mine = base.replace('name="Triage the ticket"', 'name="Triage and categorise the ticket"')

async function merge(mineXml: string, resolutions?: Record<string, Resolution>) {
  const sig = (xml: string) => elementSignatures(xml, 'inbox-triage')
  const elements = compareThreeWay(await sig(base), await sig(theirs), await sig(mineXml))
  return mergeThreeWay({
    kind: DraftKind.Process,
    documentId: 'inbox-triage',
    base,
    theirs,
    mine: mineXml,
    elements,
    resolutions,
  })
}

const elementsOf = async (xml: string) =>
  (await describeBpmn(xml)).processes.find((p) => p.id === 'inbox-triage')!.elements

describe('three-way merge of a rebase (4.3.2)', () => {
  it('takes over what only the deployed version changed and keeps the draft\'s own change', async () => {
    const result = await merge(mine)
    expect(result.taken.sort()).toEqual(
      ['Flow_NotifyToEnd', 'Flow_ToDone', 'StartEvent_TicketRaised', 'Task_Notify'].sort(),
    )
    const els = await elementsOf(result.xml)
    expect(els.StartEvent_TicketRaised?.name).toBe('Ticket raised by a customer')
    expect(els.Task_TriageTicket?.name).toBe('Triage and categorise the ticket')
    expect(els.Flow_ToDone?.targetRef).toBe('Task_Notify')
    expect(els.Flow_NotifyToEnd).toMatchObject({ sourceRef: 'Task_Notify', targetRef: 'EndEvent_TicketTriaged' })
    // the path of the merged procedure, element ids in order
    const next = (id: string) => Object.values(els).find((e) => e.sourceRef === id)?.targetRef
    const path = ['StartEvent_TicketRaised']
    for (let at = next(path[0]!); at; at = next(at)) path.push(at)
    expect(path).toEqual(['StartEvent_TicketRaised', 'Task_TriageTicket', 'Task_Notify', 'EndEvent_TicketTriaged'])
    // the new step is drawn, and the end event's incoming follows its flows
    expect(result.xml).toContain('bpmnElement="Task_Notify"')
    expect(result.xml).toMatch(/<bpmn:incoming>Flow_NotifyToEnd<\/bpmn:incoming>\s*<\/bpmn:endEvent>/)
  })

  it('leaves the draft as it is when the deployed version changed nothing the draft did not', async () => {
    const both = theirs.replace('name="Triage the ticket"', 'name="Triage and categorise the ticket"')
    const result = await merge(both)
    expect(result).toEqual({ xml: both, taken: [], resolved: {} })
  })

  it('refuses a conflict without the author\'s choice, and keeps the side chosen', async () => {
    const clash = mine.replace('name="Ticket raised"', 'name="Ticket received"')
    await expect(merge(clash)).rejects.toMatchObject({
      status: 409,
      extensions: { conflicts: ['StartEvent_TicketRaised'] },
    })
    const keepMine = await merge(clash, { StartEvent_TicketRaised: 'mine' })
    expect((await elementsOf(keepMine.xml)).StartEvent_TicketRaised?.name).toBe('Ticket received')
    expect(keepMine.resolved).toEqual({ StartEvent_TicketRaised: 'mine' })
    const keepTheirs = await merge(clash, { StartEvent_TicketRaised: 'theirs' })
    const els = await elementsOf(keepTheirs.xml)
    expect(els.StartEvent_TicketRaised?.name).toBe('Ticket raised by a customer')
    expect(els.Task_TriageTicket?.name).toBe('Triage and categorise the ticket')
  })

  it('takes over a decision the deployed version added to a DRG, with its shape', async () => {
    const dmnBase = readFileSync(new URL('../../../processes/priority-matrix.dmn', import.meta.url), 'utf8')
    const dmnTheirs = dmnBase
      .replace(
        '<dmndi:DMNDI>',
        `<decision id="escalation" name="Escalation">
    <literalExpression id="Escalation_Expr"><text>priority &lt;= 2</text></literalExpression>
  </decision>
  <dmndi:DMNDI>`,
      )
      .replace(
        '</dmndi:DMNDiagram>',
        `<dmndi:DMNShape id="Escalation_Shape" dmnElementRef="escalation"><dc:Bounds height="80" width="180" x="400" y="100" /></dmndi:DMNShape>
    </dmndi:DMNDiagram>`,
      )
    const dmnMine = dmnBase.replace('<description>Impact 1 × urgency 1</description>', '<description>Both highest</description>')
    const sig = async (xml: string) =>
      Object.fromEntries(
        (await describeDmn(xml)).decisions.map((d) => [
          d.id,
          { id: d.id, name: d.name, type: 'Decision', signature: JSON.stringify(d) },
        ]),
      )
    const elements = compareThreeWay(await sig(dmnBase), await sig(dmnTheirs), await sig(dmnMine))
    const result = await mergeThreeWay({
      kind: DraftKind.Decision,
      documentId: 'priority-matrix-drg',
      base: dmnBase,
      theirs: dmnTheirs,
      mine: dmnMine,
      elements,
    })
    expect(result.taken).toEqual(['escalation'])
    const info = await describeDmn(result.xml)
    expect(info.decisions.map((d) => d.id)).toEqual(['priority-matrix', 'escalation'])
    expect(info.decisions[0]?.table?.rules[0]?.description).toBe('Both highest')
    expect(result.xml).toContain('dmnElementRef="escalation"')
  })
})
