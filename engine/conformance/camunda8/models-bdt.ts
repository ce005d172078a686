/**
 * Manifests of camunda-community-hub/bpmn-driven-testing `integration-tests-8` models
 * (Apache-2.0). Paths derived from the models and Zeebe's semantics.
 */
import type { Manifest } from './manifest'

const USER_TASK = 'io.camunda.zeebe:userTask'
const dir = 'bpmn-driven-testing/'

/** start → one job → end: the tasks that Zeebe runs as jobs. */
function jobTask(
  file: string,
  process: string,
  elementId: string,
  type: string,
  covers: string,
): Manifest {
  return {
    resources: [dir + file],
    covers,
    runs: [
      {
        name: 'job completed',
        start: { process },
        steps: [{ job: type }],
        path: ['startEvent', elementId, 'endEvent', process],
        records: [`JOB:CREATED:${elementId}`, `JOB:COMPLETED:${elementId}`],
      },
    ],
  }
}

export const bdtModels: Manifest[] = [
  jobTask(
    'simpleScriptTask.bpmn',
    'simpleScriptTask',
    'scriptTask',
    'scriptTaskType',
    'script task as a job',
  ),
  jobTask('simpleSendTask.bpmn', 'simpleSendTask', 'sendTask', 'sendTaskType', 'send task (job)'),
  jobTask(
    'simpleBusinessRuleTask.bpmn',
    'simpleBusinessRuleTask',
    'businessRuleTask',
    'businessRuleTaskType',
    'business rule task as a job',
  ),
  {
    resources: [dir + 'simpleMessageThrowEvent.bpmn'],
    covers: 'message intermediate throw event (job, no message reference)',
    runs: [
      {
        name: 'job completed',
        start: { process: 'simpleMessageThrowEvent' },
        steps: [{ job: 'messageThrowEventType' }],
        path: ['startEvent', 'messageThrowEvent', 'endEvent', 'simpleMessageThrowEvent'],
      },
    ],
  },
  {
    resources: [dir + 'simpleMessageEndEvent.bpmn'],
    covers: 'message end event (job, no message reference)',
    runs: [
      {
        name: 'job completed',
        start: { process: 'simpleMessageEndEvent' },
        steps: [{ job: 'messageEndEventType' }],
        path: ['startEvent', 'messageEndEvent', 'simpleMessageEndEvent'],
      },
    ],
  },
  {
    resources: [dir + 'simpleReceiveTask.bpmn'],
    covers: 'receive task with a static-expression correlation key',
    runs: [
      {
        name: 'message received',
        start: { process: 'simpleReceiveTask' },
        steps: [{ publish: 'simpleMessage', correlationKey: 'simple' }],
        path: ['startEvent', 'receiveTask', 'endEvent', 'simpleReceiveTask'],
        records: ['MESSAGE_SUBSCRIPTION:CORRELATED:receiveTask'],
      },
    ],
  },
  {
    resources: [dir + 'simpleSignalCatchEvent.bpmn'],
    covers: 'signal catch event whose signal name is a FEEL expression',
    runs: [
      {
        name: 'signal caught',
        start: { process: 'simpleSignalCatchEvent' },
        steps: [{ signal: 'simpleSignal' }],
        path: ['startEvent', 'signalCatchEvent', 'endEvent', 'simpleSignalCatchEvent'],
      },
    ],
  },
  {
    resources: [dir + 'simpleSubProcessNested.bpmn'],
    covers: 'nested embedded sub-processes, job-worker user task',
    runs: [
      {
        name: 'user task completed',
        start: { process: 'simpleSubProcessNested' },
        steps: [{ job: USER_TASK, headers: { 'io.camunda.zeebe:formKey': 'simple' } }],
        path: [
          'startEvent',
          'subProcessStartEvent',
          'nestedSubProcessStartEvent',
          'userTask',
          'nestedSubProcessEndEvent',
          'nestedSubProcess',
          'subProcessEndEvent',
          'subProcess',
          'endEvent',
          'simpleSubProcessNested',
        ],
      },
    ],
  },
  {
    resources: [dir + 'simpleTimerCatchEvent.bpmn'],
    covers: 'timer intermediate catch event (PT1H)',
    runs: [
      {
        name: 'timer fires after an hour',
        start: { process: 'simpleTimerCatchEvent' },
        steps: [{ advance: 3_600_000 }],
        path: ['startEvent', 'timerCatchEvent', 'endEvent', 'simpleTimerCatchEvent'],
        records: ['TIMER:CREATED:timerCatchEvent', 'TIMER:TRIGGERED:timerCatchEvent'],
      },
    ],
  },
  {
    resources: [dir + 'simpleCallActivity.bpmn', dir + 'simple.bpmn'],
    covers: 'call activity with a FEEL process id, propagateAllChildVariables',
    runs: [
      {
        name: 'child completes',
        start: { process: 'simpleCallActivity' },
        steps: [],
        path: ['startEvent', 'callActivity', 'endEvent', 'simpleCallActivity'],
        children: { simple: ['startEvent', 'endEvent', 'simple'] },
      },
    ],
  },
  {
    resources: [dir + 'simpleEventBasedGateway.bpmn'],
    covers: 'event-based gateway (message, FEEL timer), exclusive join',
    runs: [
      {
        name: 'message wins',
        start: { process: 'simpleEventBasedGateway' },
        steps: [{ publish: 'simpleMessage', correlationKey: 'simple' }],
        path: [
          'startEvent',
          'eventBasedGateway',
          'messageCatchEvent',
          'exclusiveGateway',
          'endEvent',
          'simpleEventBasedGateway',
        ],
        records: ['TIMER:CREATED:timerCatchEvent', 'TIMER:CANCELED:timerCatchEvent'],
      },
      {
        name: 'timer wins',
        start: { process: 'simpleEventBasedGateway' },
        steps: [{ advance: 3_600_000 }],
        path: [
          'startEvent',
          'eventBasedGateway',
          'timerCatchEvent',
          'exclusiveGateway',
          'endEvent',
          'simpleEventBasedGateway',
        ],
        records: [
          'MESSAGE_SUBSCRIPTION:CREATED:messageCatchEvent',
          'MESSAGE_SUBSCRIPTION:DELETED:messageCatchEvent',
        ],
      },
    ],
  },
  {
    resources: [dir + 'simpleUserTask.bpmn', dir + 'simpleUserTask.form'],
    covers:
      'job-worker user tasks: assignment, schedule, custom form key, linked form (formId), embedded form',
    runs: [
      {
        name: 'three user tasks',
        start: { process: 'simpleUserTask' },
        steps: [
          {
            job: USER_TASK,
            headers: {
              'io.camunda.zeebe:assignee': 'simpleAssignee',
              'io.camunda.zeebe:candidateGroups': '["simpleGroupA","simpleGroupB"]',
              'io.camunda.zeebe:candidateUsers': '["simpleUserA","simpleUserB"]',
              'io.camunda.zeebe:formKey': 'simpleFormKey',
            },
          },
          { job: USER_TASK },
          {
            job: USER_TASK,
            headers: { 'io.camunda.zeebe:formKey': 'camunda-forms:bpmn:UserTaskForm_0e64hjp' },
          },
        ],
        path: [
          'startEvent',
          'userTask',
          'userTaskWithLinkedForm',
          'userTaskWithEmbeddedForm',
          'endEvent',
          'simpleUserTask',
        ],
      },
    ],
  },
  {
    resources: [dir + 'advanced-callActivityBindingDeployment.bpmn'],
    covers: "call activity bindingType='deployment' whose process is not in the deployment",
    rejected: /Expected to find process with id 'advanced' in current deployment, but not found\./,
    knownBug:
      "bindingType is ignored: the deployment is accepted although 'advanced' is not part of it",
    runs: [],
  },
  {
    resources: [dir + 'advanced-callActivityBindingVersionTag.bpmn'],
    covers: "call activity bindingType='versionTag' with no such process: incident",
    runs: [
      {
        name: 'called process missing',
        start: { process: 'callActivityBindingVersionTag' },
        steps: [],
        end: 'active',
        path: ['startEvent'],
        records: ['INCIDENT:CREATED:callActivity'],
      },
    ],
  },
  {
    resources: [dir + 'advanced-callActivityEscalation.bpmn'],
    covers: 'call activity with escalation boundary; missing called process: incident',
    runs: [
      {
        name: 'called process missing',
        start: { process: 'callActivityEscalation' },
        steps: [],
        end: 'active',
        path: ['startEvent'],
        records: ['INCIDENT:CREATED:callActivity'],
      },
    ],
  },
  ...bdtAdvanced(),
]

function bdtAdvanced(): Manifest[] {
  const sub = 'callActivitySubProcess'
  const head = ['join', 'serviceTask', 'fork']
  return [
    {
      resources: [dir + 'advanced-callActivitySubProcess.bpmn'],
      covers:
        'none/message/signal/timer (past date) start events, exclusive join and fork, escalation (uncaught), signal, terminate and error (unhandled) end events',
      runs: [
        {
          name: 'timer start event with a past date fires at once',
          start: { process: sub, timer: 0 },
          steps: [{ job: 'advanced', complete: { end: 'none' } }],
          path: ['timerStartEvent', ...head, 'endEvent', sub],
        },
        {
          name: 'uncaught escalation end event completes',
          start: { process: sub },
          steps: [{ job: 'advanced', complete: { end: 'escalation' } }],
          path: ['startEvent', ...head, 'escalationEndEvent', sub],
        },
        {
          name: 'message start, terminate end event',
          start: { process: sub, message: 'messageStart', correlationKey: 'sub-1' },
          steps: [{ job: 'advanced', complete: { end: 'terminate' } }],
          path: ['messageStartEvent', ...head, 'terminateEndEvent', sub],
        },
        {
          name: 'signal start, signal end event',
          start: { process: sub, signal: 'signalStart' },
          steps: [{ job: 'advanced', complete: { end: 'signal' } }],
          path: ['signalStartEvent', ...head, 'signalEndEvent', sub],
        },
        {
          name: 'unhandled error end event raises an incident',
          start: { process: sub },
          steps: [{ job: 'advanced', complete: { end: 'error' } }],
          end: 'active',
          path: ['startEvent', ...head],
          records: ['INCIDENT:CREATED:errorEndEvent'],
        },
      ],
    },
    {
      resources: [dir + 'advanced-linkEvent.bpmn'],
      covers: 'exclusive gateways with default flows (link events not taken)',
      runs: [
        {
          name: 'defaults to the end',
          start: { process: 'linkEvent', variables: { forkA: false, forkB: false } },
          steps: [],
          path: ['startEvent', 'joinA', 'joinB', 'forkA', 'forkB', 'endEvent', 'linkEvent'],
        },
      ],
    },
    {
      resources: [dir + 'advanced-receiveTaskTimer.bpmn'],
      covers: 'interrupting timer boundary event on a receive task',
      runs: [
        {
          name: 'timer interrupts',
          start: { process: 'receiveTaskTimer' },
          steps: [{ advance: 3_600_000 }],
          path: ['startEvent', 'timerBoundaryEvent', 'endEvent', 'receiveTaskTimer'],
          records: [
            'TIMER:TRIGGERED:timerBoundaryEvent',
            'MESSAGE_SUBSCRIPTION:DELETED:receiveTask',
            'PROCESS_INSTANCE:ELEMENT_TERMINATED:receiveTask',
          ],
        },
      ],
    },
    {
      resources: [dir + 'advanced-serviceTaskSignal.bpmn'],
      covers: 'interrupting signal boundary event on a service task',
      runs: [
        {
          name: 'signal interrupts',
          start: { process: 'serviceTaskSignal' },
          steps: [{ signal: 'advancedSignal' }],
          path: ['startEvent', 'signalBoundaryEvent', 'endEvent', 'serviceTaskSignal'],
          records: ['JOB:CANCELED:serviceTask', 'PROCESS_INSTANCE:ELEMENT_TERMINATED:serviceTask'],
        },
      ],
    },
    {
      resources: [dir + 'advanced-userTaskMessage.bpmn'],
      covers: 'interrupting message boundary event on a job-worker user task',
      runs: [
        {
          name: 'message interrupts',
          start: { process: 'userTaskMessage' },
          steps: [{ publish: 'advancedMessage', correlationKey: 'advancedMessageKey' }],
          path: ['startEvent', 'messageBoundaryEvent', 'endEvent', 'userTaskMessage'],
          records: ['JOB:CANCELED:userTask', 'PROCESS_INSTANCE:ELEMENT_TERMINATED:userTask'],
        },
      ],
    },
    {
      resources: [dir + 'advanced-serviceTaskError.bpmn'],
      covers: 'error boundary event on a service task',
      runs: [
        {
          name: 'error caught',
          start: { process: 'serviceTaskError' },
          steps: [{ job: 'serviceTaskType', throwError: { code: 'ADVANCED_ERROR' } }],
          path: ['startEvent', 'errorBoundaryEvent', 'endEvent', 'serviceTaskError'],
          records: [
            'JOB:ERROR_THROWN:serviceTask',
            'PROCESS_INSTANCE:ELEMENT_TERMINATED:serviceTask',
          ],
        },
      ],
    },
    {
      resources: [dir + 'advanced-collaboration.bpmn'],
      covers: 'collaboration with three executable processes in one resource',
      runs: ['A', 'B', 'C'].map((x) => ({
        name: `process${x}`,
        start: { process: `process${x}` },
        steps: [],
        path: [
          `startEvent${x}`,
          `subProcessStart${x}`,
          `subProcessEnd${x}`,
          `subProcess${x}`,
          `endEvent${x}`,
          `process${x}`,
        ],
      })),
    },
  ]
}
