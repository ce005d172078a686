/**
 * Manifests of the camunda/camunda-8-js-sdk test models (Apache-2.0), each path derived from
 * the model and Zeebe's semantics: ELEMENT_COMPLETED in order, the process itself last.
 */
import type { Manifest } from './manifest'

const USER_TASK = 'io.camunda.zeebe:userTask'

export const sdkModels: Manifest[] = [
  {
    resources: ['camunda-8-js-sdk/hello-world.bpmn'],
    covers: 'service task with retries and a static custom header',
    runs: [
      {
        name: 'job completed',
        start: { process: 'hello-world' },
        steps: [{ job: 'console-log', complete: {}, headers: { message: 'Hello World' } }],
        path: ['StartEvent_1', 'ServiceTask_0g6tf5f', 'EndEvent_16r84dr', 'hello-world'],
        records: ['JOB:CREATED:ServiceTask_0g6tf5f', 'JOB:COMPLETED:ServiceTask_0g6tf5f'],
      },
    ],
  },
  {
    resources: ['camunda-8-js-sdk/conditional-pathway.bpmn'],
    covers: 'exclusive gateway with FEEL conditions, sequence flows taken',
    runs: [
      {
        name: 'conditionVariable false takes path B',
        start: { process: 'condition-test', variables: { conditionVariable: false } },
        steps: [{ job: 'wait' }, { job: 'pathB' }],
        flows: true,
        path: [
          'StartEvent_1',
          'SequenceFlow_1camkmi',
          'ServiceTask_0cz2k8t',
          'SequenceFlow_188wslq',
          'ExclusiveGateway_11b1kdc',
          'SequenceFlow_0lsaa01',
          'ServiceTask_15isvh5',
          'SequenceFlow_03w4t8z',
          'EndEvent_1g2ztlo',
          'condition-test',
        ],
      },
    ],
  },
  {
    resources: ['camunda-8-js-sdk/Client-ThrowError.bpmn'],
    covers:
      'BPMN error thrown by a job worker, caught by an error boundary on an embedded sub-process, boundary output mapping',
    runs: [
      {
        name: 'error caught at the sub-process boundary',
        start: { process: 'throw-bpmn-error' },
        steps: [
          {
            job: 'throw-bpmn-error-task',
            throwError: { code: 'BUSINESS_ERROR', message: 'boom', variables: { something: 'x' } },
          },
          { job: 'sad-flow' },
        ],
        path: [
          'StartEvent_1q9lovr',
          'StartEvent_0mp9dxc',
          'IntermediateThrowEvent_0zfx5n9',
          'Task_1h8n9x5',
          'EndEvent_0cwovsu',
          'throw-bpmn-error',
        ],
        records: [
          'JOB:ERROR_THROWN:Task_0bki2a1',
          'PROCESS_INSTANCE:ELEMENT_TERMINATED:Task_0bki2a1',
          'PROCESS_INSTANCE:ELEMENT_TERMINATED:SubProcess_0kmfk49',
          'PROCESS_INSTANCE:ELEMENT_COMPLETED:IntermediateThrowEvent_0zfx5n9',
        ],
      },
    ],
  },
  {
    resources: ['camunda-8-js-sdk/Client-DeployWorkflow.bpmn'],
    covers: 'event-based gateway with message and timer catch events',
    runs: [
      {
        name: 'message wins',
        start: { process: 'test-process', variables: { uniqueId: 'dw-message' } },
        steps: [
          { job: 'demo-service' },
          { publish: 'Message_In', correlationKey: 'dw-message' },
          { job: 'process-message' },
        ],
        path: [
          'StartEvent_1',
          'ServiceTask_0xdwuw7',
          'ExclusiveGateway_0wne7eb',
          'IntermediateCatchEvent_169ouyw',
          'ServiceTask_1ng04rq',
          'EndEvent_1mns3uj',
          'test-process',
        ],
        records: ['MESSAGE_SUBSCRIPTION:CORRELATED:IntermediateCatchEvent_169ouyw'],
      },
      {
        name: 'timer wins after 5 s',
        start: { process: 'test-process', variables: { uniqueId: 'dw-timer' } },
        steps: [{ job: 'demo-service' }, { advance: 5_000 }, { job: 'time-out' }],
        path: [
          'StartEvent_1',
          'ServiceTask_0xdwuw7',
          'ExclusiveGateway_0wne7eb',
          'IntermediateCatchEvent_04zcf15',
          'ServiceTask_1rszkg1',
          'EndEvent_1mns3uj',
          'test-process',
        ],
        records: [
          'TIMER:CREATED:IntermediateCatchEvent_04zcf15',
          'TIMER:TRIGGERED:IntermediateCatchEvent_04zcf15',
        ],
      },
    ],
  },
  {
    resources: ['camunda-8-js-sdk/Client-MessageStart.bpmn'],
    covers: 'message start event',
    runs: [
      {
        name: 'started by a message',
        start: { process: 'Process_1tbhm8x', message: 'MSG-START_JOB', correlationKey: 'ms-1' },
        steps: [{ job: 'console-log-msg-start' }],
        path: ['Event_0abanqm', 'Activity_1owa6ax', 'Event_0un3wc8', 'Process_1tbhm8x'],
      },
    ],
  },
  {
    resources: ['camunda-8-js-sdk/Signal.bpmn'],
    covers: 'signal start event',
    runs: [
      {
        name: 'started by a broadcast signal',
        start: { process: 'Signal', signal: 'test-signal', variables: { from: 'signal' } },
        steps: [{ job: 'signal-service-task' }],
        path: ['StartEvent_1', 'Activity_0iq5pp7', 'Event_0jluwfy', 'Signal'],
      },
    ],
  },
  {
    resources: ['camunda-8-js-sdk/Red-Tenant-Process.bpmn'],
    covers: 'signal intermediate catch event',
    runs: [
      {
        name: 'signal caught',
        start: { process: 'red-tenant' },
        steps: [{ signal: 'red-tenant-signal' }],
        path: ['StartEvent_1', 'Event_0mvf9yu', 'Event_04ql45u', 'red-tenant'],
      },
    ],
  },
  {
    resources: ['camunda-8-js-sdk/zeebe-user-task.bpmn'],
    covers: 'Camunda user task (zeebe:userTask)',
    runs: [
      {
        name: 'user task completed',
        start: { process: 'zeebe-user-task-test' },
        steps: [{ completeUserTask: 'Activity_1d6heog' }],
        path: ['StartEvent_1', 'Activity_1d6heog', 'Event_0f0ejpu', 'zeebe-user-task-test'],
      },
    ],
  },
  {
    resources: ['camunda-8-js-sdk/Worker-Failure-Retries.bpmn'],
    covers: 'FailJob with retries left, the job is activated again and completed',
    runs: [
      {
        name: 'failed once, then completed',
        start: { process: 'worker-failure-retries' },
        steps: [
          {
            job: 'service-task-worker-failure-retries',
            fail: { retries: 99, message: 'first attempt' },
          },
          { job: 'service-task-worker-failure-retries' },
        ],
        path: ['StartEvent_1', 'ServiceTask_0g6tf5f', 'EndEvent_16r84dr', 'worker-failure-retries'],
        records: ['JOB:FAILED:ServiceTask_0g6tf5f', 'JOB:COMPLETED:ServiceTask_0g6tf5f'],
      },
    ],
  },
  {
    resources: ['camunda-8-js-sdk/Worker-RaiseIncident.bpmn'],
    covers: 'job failed without retries raises an incident; retries updated and incident resolved',
    runs: [
      {
        name: 'incident resolved, path A',
        start: { process: 'raise-incident' },
        steps: [
          { job: 'wait-raise-incident', fail: { retries: 0, message: 'no more retries' } },
          { resolveIncident: 'ServiceTask_0cz2k8t', retries: 1 },
          { job: 'wait-raise-incident', complete: { conditionVariable: true } },
          { job: 'pathA-raise-incident' },
        ],
        path: [
          'StartEvent_1',
          'ServiceTask_0cz2k8t',
          'ExclusiveGateway_11b1kdc',
          'ServiceTask_18goo5h',
          'EndEvent_1g2ztlo',
          'raise-incident',
        ],
        records: [
          'JOB:FAILED:ServiceTask_0cz2k8t',
          'INCIDENT:CREATED:ServiceTask_0cz2k8t',
          'JOB:RETRIES_UPDATED:ServiceTask_0cz2k8t',
          'INCIDENT:RESOLVED:ServiceTask_0cz2k8t',
          'JOB:COMPLETED:ServiceTask_0cz2k8t',
        ],
      },
    ],
  },
  {
    resources: ['camunda-8-js-sdk/await-outcome.bpmn'],
    covers: 'timer intermediate catch event (duration)',
    runs: [
      {
        name: 'timer fires after 1 s',
        start: { process: 'await-outcome' },
        steps: [{ advance: 1_000 }],
        path: [
          'StartEvent_1',
          'IntermediateCatchEvent_1y9tvcp',
          'EndEvent_0icsew0',
          'await-outcome',
        ],
      },
    ],
  },
  {
    resources: ['camunda-8-js-sdk/message-correlation-test.bpmn'],
    covers: 'message intermediate catch event correlated by a variable',
    runs: [
      {
        name: 'message correlated',
        start: { process: 'message-correlation-test', variables: { orderId: 'mc-1' } },
        steps: [
          {
            publish: 'MESSAGE_CORRELATION_TEST_CATCH',
            correlationKey: 'mc-1',
            variables: { paid: true },
          },
        ],
        path: ['StartEvent_1', 'Event_11031ys', 'Event_1dj077m', 'message-correlation-test'],
        records: [
          'MESSAGE_SUBSCRIPTION:CREATED:Event_11031ys',
          'MESSAGE_SUBSCRIPTION:CORRELATED:Event_11031ys',
        ],
      },
    ],
  },
  {
    resources: ['camunda-8-js-sdk/TasklistTestProcess.bpmn'],
    covers: 'job-worker user task with an embedded form',
    runs: [
      {
        name: 'user task job completed',
        start: { process: 'TasklistTestProcess' },
        steps: [
          {
            job: USER_TASK,
            headers: { 'io.camunda.zeebe:formKey': 'camunda-forms:bpmn:userTaskForm_3r97fja' },
          },
        ],
        path: ['StartEvent_1', 'Activity_0urphmi', 'Event_0kj9onz', 'TasklistTestProcess'],
      },
    ],
  },
]
