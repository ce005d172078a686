/**
 * Manifests of the multi-instance models of bpmn-driven-testing, camunda-process-test-coverage,
 * camunda/camunda's bpmn-model test resources and zeebe-play (all Apache-2.0). The timer start
 * event model comes last: its daily cycle fires on every later clock move.
 */
import type { Manifest } from './manifest'

const USER_TASK = 'io.camunda.zeebe:userTask'
const mi = 'bpmn-driven-testing/advanced-multi-instance-'

export const multiInstanceModels: Manifest[] = [
  ...(['parallel', 'sequential'] as const).map((kind): Manifest => ({
    resources: [`${mi}${kind}.bpmn`],
    covers: `${kind} multi-instance manual task over an input collection`,
    runs: [
      {
        name: 'three elements',
        start: { process: kind, variables: { elements: [1, 2, 3] } },
        steps: [],
        // three inner instances, then the body (same element id)
        path: ['startEvent', ...Array<string>(4).fill('multiInstanceManualTask'), 'endEvent', kind],
      },
    ],
  })),
  {
    resources: [`${mi}scopeZero.bpmn`],
    covers: 'sequential multi-instance sub-process with an empty input collection',
    runs: [
      {
        name: 'empty collection completes the body at once',
        start: { process: 'scopeZero', variables: { elements: [] } },
        steps: [],
        path: ['startEvent', 'subProcess', 'endEvent', 'scopeZero'],
      },
    ],
  },
  {
    resources: [`${mi}scopeErrorEndEvent.bpmn`],
    covers:
      'sequential multi-instance sub-process; error end event caught by a boundary on the body',
    runs: [
      {
        name: 'no error: two iterations',
        start: { process: 'scopeErrorEndEvent', variables: { elements: [1, 2], error: false } },
        steps: [],
        path: [
          'startEvent',
          ...['subProcessStartEvent', 'fork', 'subProcessEndEvent', 'subProcess'],
          ...['subProcessStartEvent', 'fork', 'subProcessEndEvent', 'subProcess'],
          'subProcess',
          'join',
          'endEvent',
          'scopeErrorEndEvent',
        ],
      },
      {
        name: 'error end event interrupts the body',
        start: { process: 'scopeErrorEndEvent', variables: { elements: [1, 2], error: true } },
        steps: [],
        path: [
          'startEvent',
          'subProcessStartEvent',
          'fork',
          'subProcessErrorBoundaryEvent',
          'join',
          'endEvent',
          'scopeErrorEndEvent',
        ],
        records: [
          'PROCESS_INSTANCE:ELEMENT_TERMINATED:subProcess',
          'PROCESS_INSTANCE:ELEMENT_COMPLETED:subProcessErrorBoundaryEvent',
        ],
      },
      {
        name: 'the error end event is ACTIVATED before the error is thrown (EndEventProcessor)',
        start: { process: 'scopeErrorEndEvent', variables: { elements: [1], error: true } },
        steps: [],
        path: [
          'startEvent',
          'subProcessStartEvent',
          'fork',
          'subProcessErrorBoundaryEvent',
          'join',
          'endEvent',
          'scopeErrorEndEvent',
        ],
        records: [
          'PROCESS_INSTANCE:ELEMENT_ACTIVATING:subProcessErrorEndEvent',
          'PROCESS_INSTANCE:ELEMENT_ACTIVATED:subProcessErrorEndEvent',
          'PROCESS_INSTANCE:ELEMENT_TERMINATED:subProcessErrorEndEvent',
        ],
      },
    ],
  },
  {
    resources: [`${mi}scopeNested.bpmn`],
    covers: 'nested sequential multi-instance sub-processes with a job-worker user task',
    runs: [
      {
        name: 'two outer, one inner iteration',
        start: {
          process: 'scopeNested',
          variables: { elements: ['a', 'b'], nestedElements: ['x'] },
        },
        steps: [{ job: USER_TASK }, { job: USER_TASK }],
        path: [
          'startEvent',
          ...iteration(),
          ...iteration(),
          'subProcess',
          'endEvent',
          'scopeNested',
        ],
      },
    ],
  },
  {
    resources: [`${mi}scopeParallel.bpmn`],
    covers:
      'parallel multi-instance sub-process: user task, message catch, service task, call activity',
    runs: [
      {
        name: 'empty collection',
        start: { process: 'scopeParallel', variables: { elements: [] } },
        steps: [],
        path: ['startEvent', 'multiInstanceScope', 'endEvent', 'scopeParallel'],
      },
      {
        name: 'one element up to the missing called process',
        start: { process: 'scopeParallel', variables: { elements: [1] } },
        steps: [
          { job: USER_TASK, headers: { 'io.camunda.zeebe:formKey': 'advanced' } },
          { publish: 'advancedMessage', correlationKey: 'advancedMessageKey' },
          { job: 'advanced' },
        ],
        end: 'active',
        path: [
          'startEvent',
          'subProcessStartEvent',
          'userTask',
          'messageCatchEvent',
          'serviceTask',
        ],
        records: ['INCIDENT:CREATED:callActivity'],
      },
    ],
  },
  {
    resources: [`${mi}userTaskTimer.bpmn`],
    covers: 'timer boundary event on a sequential multi-instance user task',
    runs: [
      {
        name: 'timer interrupts the body during the second iteration',
        start: { process: 'userTaskTimer', variables: { elements: [1, 2] } },
        steps: [{ job: USER_TASK }, { advance: 3_600_000 }],
        path: ['startEvent', 'userTask', 'timerBoundaryEvent', 'endEvent', 'userTaskTimer'],
        records: ['TIMER:TRIGGERED:timerBoundaryEvent', 'JOB:CANCELED:userTask'],
      },
    ],
  },
]

function iteration(): string[] {
  return [
    'subProcessStartEvent',
    'nestedSubProcessStartEvent',
    'userTask',
    'nestedSubProcessEndEvent',
    'nestedSubProcess',
    'nestedSubProcess',
    'subProcessEndEvent',
    'subProcess',
  ]
}

const ptc = 'camunda-process-test-coverage/'

export const otherModels: Manifest[] = [
  {
    resources: [ptc + 'eventBasedGateway.bpmn'],
    covers: 'event-based gateway with message and signal catch events',
    runs: [
      {
        name: 'signal wins',
        start: { process: 'event_based_gateway' },
        steps: [{ signal: 'Signal_1' }],
        path: [
          'StartEvent_1',
          'EventBasedGateway',
          'SignalEvent',
          'Event_1am3z52',
          'event_based_gateway',
        ],
      },
      {
        name: 'message wins (numeric correlation key =1)',
        start: { process: 'event_based_gateway' },
        steps: [{ publish: 'Message_1', correlationKey: '1' }],
        path: [
          'StartEvent_1',
          'EventBasedGateway',
          'MessageEvent',
          'Event_0feymmn',
          'event_based_gateway',
        ],
      },
    ],
  },
  {
    resources: [ptc + 'intermediate-link-throw-event.bpmn'],
    covers: 'link throw and catch events across lanes',
    runs: [
      {
        name: 'link followed',
        start: { process: 'Testprocess' },
        steps: [],
        path: [
          'StartEvent_1',
          'Event_ThrowLinkEvent',
          'Event_03n57hz',
          'Event_0rssftv',
          'Testprocess',
        ],
      },
    ],
  },
  {
    resources: [ptc + 'order-process.bpmn'],
    covers: 'job-worker user tasks and an exclusive gateway with a default flow',
    runs: [
      {
        name: 'order ok',
        start: { process: 'order-process' },
        steps: [{ job: USER_TASK, complete: { orderOk: true } }, { job: USER_TASK }],
        flows: true,
        path: [
          'StartEvent_OrderReceived',
          'Flow_1fdptq6',
          'Task_ProcessOrder',
          'Flow_09pto53',
          'Gateway_0yblx89',
          'Flow_1ybm98q',
          'Task_DeliverOrder',
          'Flow_1jkr8bo',
          'Event_OrderProcessed',
          'order-process',
        ],
      },
      {
        name: 'order not ok takes the default flow',
        start: { process: 'order-process' },
        steps: [{ job: USER_TASK, complete: { orderOk: false } }],
        path: [
          'StartEvent_OrderReceived',
          'Task_ProcessOrder',
          'Gateway_0yblx89',
          'Event_OrderCancelled',
          'order-process',
        ],
      },
    ],
  },
  {
    resources: [ptc + 'process.bpmn'],
    covers: 'bpmn2-prefixed collaboration, manual tasks, exclusive gateway',
    runs: [
      {
        name: 'path B',
        start: { process: 'process-test-coverage', variables: { path: 'B' } },
        steps: [],
        path: [
          'StartEvent_1',
          'ExclusiveGateway_3',
          'ManualTask_4',
          'EndEvent_3',
          'process-test-coverage',
        ],
      },
    ],
  },
  {
    resources: ['camunda-bpmn-model/ZeebeExecutionListenersTest.bpmn'],
    covers: 'execution listeners (start and end) on a service task',
    runs: [
      {
        name: 'listener jobs run around the task job',
        start: { process: 'Process_1a53s9c' },
        steps: [
          // the listener's own zeebe:taskHeaders are newer than 8.8 and not passed on (engine/README)
          { job: 'task_start_el_1' },
          { job: 'task_start_el_2' },
          { job: 'task_type' },
          { job: 'task_end_el_1' },
          { job: 'task_end_el_2' },
        ],
        path: ['start_event', 'service_task', 'end_event', 'Process_1a53s9c'],
      },
    ],
  },
  {
    resources: ['camunda-bpmn-model/default-flow-inclusive-gateway.bpmn'],
    covers: 'inclusive gateway: a condition without = is a static value, refused',
    rejected: /Expected expression but found static value '\$\.foo == true'/,
    runs: [],
  },
  {
    resources: ['camunda-bpmn-model/AdHocSubProcess.bpmn'],
    covers: 'ad-hoc sub-process without an activity: refused (Zeebe AdHocSubProcessValidator)',
    rejected: /Must have at least one activity\./,
    runs: [],
  },
  {
    resources: ['zeebe-play/solos-transport-process.bpmn', 'zeebe-play/is_legal_good.dmn'],
    covers:
      'DMN business rule task (zeebe:calledDecision) as multi-instance, parallel gateways, timers, event-based gateway, non-interrupting message event sub-process, embedded form',
    runs: [
      {
        name: 'inspection finds spice',
        start: {
          process: 'solos-transport-process',
          variables: { captain: 'han', ship: 'falcon' },
        },
        steps: [
          { job: USER_TASK },
          { advance: 2 * 3_600_000 },
          { job: 'collect-money' },
          { job: USER_TASK, complete: { cargo: ['water', 'spice'] } },
          { publish: 'bounty-hunter', correlationKey: 'han' },
          { job: USER_TASK },
          { job: 'travel-to-target-system' },
          { publish: 'imperial-inspection', correlationKey: 'falcon' },
        ],
        path: [
          'StartEvent_1',
          'Activity_0n70dwj',
          'Event_0qwk86e',
          'Gateway_142evsd',
          'Activity_0q9r16c',
          'Activity_1vjd2np',
          'Gateway_0i470ug',
          'Gateway_11emlrz',
          'Event_1i7h8b8',
          'Activity_13ouuxd',
          'Event_1umu6s4',
          'Activity_05mc79l',
          'Activity_0z4cori',
          'Gateway_1u926i9',
          'Event_04bceef',
          'Activity_1yxzu88',
          'Activity_1yxzu88',
          'Activity_1yxzu88',
          'Gateway_08zegz2',
          'Activity_16qrzir',
          'Event_0axchv0',
          'solos-transport-process',
        ],
      },
    ],
  },
]

/** Last: the daily timer start event keeps firing whenever the shared clock moves a day. */
export const timerStartModels: Manifest[] = [
  {
    resources: ['bpmn-driven-testing/simpleTimerStartEvent.bpmn'],
    covers: 'timer start event with a cycle (R/P1D)',
    runs: [
      {
        name: 'first cycle after a day',
        start: { process: 'simpleTimerStartEvent', timer: 24 * 3_600_000 },
        steps: [],
        path: ['timerStartEvent', 'endEvent', 'simpleTimerStartEvent'],
      },
    ],
  },
]
