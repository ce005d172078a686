/**
 * Version 2 of the triage procedure (test/fixtures/inbox-triage.bpmn) for migration tests: the
 * triage task gets a new id and name, and a throw event follows it before the end.
 */
import { fixture } from './triage'

export const triageV2 = fixture('inbox-triage.bpmn')
  .toString('utf8')
  .replaceAll('Task_TriageTicket', 'Task_TriageAndCategorise')
  .replace('name="Triage the ticket"', 'name="Triage and categorise the ticket"')
  .replace(
    'targetRef="EndEvent_TicketTriaged" />',
    'targetRef="Event_Categorised" />' +
      '<bpmn:intermediateThrowEvent id="Event_Categorised" name="Categorised"><bpmn:incoming>Flow_ToDone</bpmn:incoming><bpmn:outgoing>Flow_ToEnd</bpmn:outgoing></bpmn:intermediateThrowEvent>' +
      '<bpmn:sequenceFlow id="Flow_ToEnd" sourceRef="Event_Categorised" targetRef="EndEvent_TicketTriaged" />',
  )
  .replace(
    '<bpmn:incoming>Flow_ToDone</bpmn:incoming>\n    </bpmn:endEvent>',
    '<bpmn:incoming>Flow_ToEnd</bpmn:incoming>\n    </bpmn:endEvent>',
  )
