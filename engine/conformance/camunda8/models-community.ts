/**
 * Manifests of community models found for the kinds the first collection lacked: compensation
 * (emaarco/easy-zeebe, MIT) and a job-worker ad-hoc sub-process (the AI agent of
 * camunda/camunda-8-tutorials' bank-ai-loan-approval, Apache-2.0). Expected paths follow
 * Camunda 8.8's compensation docs: a compensation end event invokes the handlers of the completed
 * activities of its scope (not of active or terminated ones) and stays active until they complete.
 */
import type { Manifest } from './manifest'

const membership = 'miravelo-membership'
const requested = {
  process: membership,
  message: 'miravelo.membershipRequested',
  correlationKey: 'm-1',
  variables: { membershipId: 'm-1' },
}

export const communityModels: Manifest[] = [
  {
    resources: ['easy-zeebe/membership.bpmn'],
    covers:
      'message start, compensation boundary + handler, compensation end event, message/timer boundaries on a sub-process, signal end event',
    runs: [
      {
        name: 'no free spot: rejected, nothing compensated',
        start: requested,
        steps: [
          { job: 'miravelo.claimMembership', complete: { hasEmptySpots: false } },
          { job: 'miravelo.sendRejectionMail' },
        ],
        path: [
          'startEvent_MembershipRequested',
          'serviceTask_ClaimMembership',
          'gateway_HasEmptySpots',
          'serviceTask_SendRejectionMail',
          'endEvent_MembershipRejected',
          membership,
        ],
        // the completed claim subscribes to compensation; the subscription goes with the instance
        records: ['COMPENSATION_SUBSCRIPTION:CREATED:', 'COMPENSATION_SUBSCRIPTION:DELETED:'],
      },
      {
        name: 'confirmed: welcome mail, signal end event, the handler never runs',
        start: requested,
        steps: [
          { job: 'miravelo.claimMembership', complete: { hasEmptySpots: true } },
          { job: 'miravelo.sendConfirmationMail' },
          { completeUserTask: 'userTask_ConfirmMembership' },
          { job: 'miravelo.sendWelcomeMail' },
        ],
        path: [
          'startEvent_MembershipRequested',
          'serviceTask_ClaimMembership',
          'gateway_HasEmptySpots',
          'startEvent_ConfirmationRequired',
          'serviceTask_SendConfirmationMail',
          'userTask_ConfirmMembership',
          'endEvent_MembershipConfirmed',
          'subProcess_ConfirmMembership',
          'serviceTask_SendWelcomeMail',
          'endEvent_MembershipActivated',
          membership,
        ],
      },
      {
        name: 'confirmation rejected: the compensation end event undoes the claim',
        start: requested,
        steps: [
          { job: 'miravelo.claimMembership', complete: { hasEmptySpots: true } },
          { job: 'miravelo.sendConfirmationMail' },
          { publish: 'miravelo.confirmationRejected', correlationKey: 'm-1' },
          { job: 'miravelo.revokeMembershipRequest' },
          { job: 'miravelo.revokeClaim' },
        ],
        path: [
          'startEvent_MembershipRequested',
          'serviceTask_ClaimMembership',
          'gateway_HasEmptySpots',
          'startEvent_ConfirmationRequired',
          'serviceTask_SendConfirmationMail',
          'event_ConfirmationRejected',
          'gateway_RevokeReason',
          'serviceTask_RevokeMembershipRequest',
          // the claim's compensation boundary event, then its handler, then the end event
          'event_ClaimCompensation',
          'serviceTask_RevokeClaim',
          'endEvent_MembershipDeclined',
          membership,
        ],
        records: [
          'PROCESS_INSTANCE:ELEMENT_TERMINATED:userTask_ConfirmMembership',
          'PROCESS_INSTANCE:ELEMENT_TERMINATED:subProcess_ConfirmMembership',
          'PROCESS_INSTANCE:ELEMENT_ACTIVATED:endEvent_MembershipDeclined',
          'COMPENSATION_SUBSCRIPTION:TRIGGERED:',
          'JOB:CREATED:serviceTask_RevokeClaim',
          'COMPENSATION_SUBSCRIPTION:COMPLETED:',
          'PROCESS_INSTANCE:ELEMENT_COMPLETED:endEvent_MembershipDeclined',
        ],
      },
    ],
  },
  {
    resources: ['distributed-horcruxes/payed-newsletter.bpmn'],
    covers: 'compensation end event with activityRef, compensation boundary + job-worker handler',
    runs: [
      {
        name: 'payment failed: the reservation is cancelled',
        start: {
          process: 'payed-newsletter-subscription',
          message: 'Message_FormSubmitted',
          correlationKey: 's-1',
          variables: { subscriptionId: 's-1' },
        },
        steps: [
          { job: 'newsletter.sendReserveSpot' },
          { job: 'newsletter.sendConfirmationMail', complete: { paymentSuccessful: false } },
          { job: 'newsletter.cancelSpot' },
        ],
        path: [
          'startEvent_submitForm',
          'serviceTask_reserveSpot',
          'serviceTask_processPayment',
          'gateway_paymentSuccessful',
          'event_paymentFailed',
          'serviceTask_cancelReservation',
          'endEvent_paymentFailed',
          'payed-newsletter-subscription',
        ],
        records: [
          'COMPENSATION_SUBSCRIPTION:CREATED:',
          'PROCESS_INSTANCE:ELEMENT_ACTIVATED:endEvent_paymentFailed',
          'COMPENSATION_SUBSCRIPTION:TRIGGERED:',
          'JOB:CREATED:serviceTask_cancelReservation',
          'COMPENSATION_SUBSCRIPTION:COMPLETED:',
        ],
      },
      {
        name: 'payment succeeded: default flow, welcome mail',
        start: {
          process: 'payed-newsletter-subscription',
          message: 'Message_FormSubmitted',
          correlationKey: 's-2',
          variables: { subscriptionId: 's-2' },
        },
        steps: [
          { job: 'newsletter.sendReserveSpot' },
          { job: 'newsletter.sendConfirmationMail', complete: { paymentSuccessful: true } },
          { job: 'newsletter.sendWelcomeMail' },
        ],
        path: [
          'startEvent_submitForm',
          'serviceTask_reserveSpot',
          'serviceTask_processPayment',
          'gateway_paymentSuccessful',
          'serviceTask_sendWelcomeMail',
          'endEvent_registrationCompleted',
          'payed-newsletter-subscription',
        ],
      },
    ],
  },
  {
    resources: ['camunda-8-tutorials/AI Email Support Agent.bpmn'],
    covers:
      'AI agent: ad-hoc sub-process implemented by a job worker (tools as inner elements), user tasks, error boundary',
    runs: [
      {
        name: 'no past conversations: the agent sub-process waits for its job worker',
        start: {
          process: 'Process_0j5qzil',
          message: '3c562193-4e24-4d28-8407-3f6079e80f0e',
          correlationKey: 'mail-1',
          variables: {
            currentEmail: { plainTextBody: 'What is my loan rate?', fromAddress: 'c@example.com' },
          },
        },
        steps: [
          {
            job: 'io.camunda:embeddings-vector-database:1',
            throwError: { code: 'index_not_found' },
          },
        ],
        path: ['Event_WaitForEmail', 'Event_0fquesm', 'Gateway_0kp1fqr'],
        records: [
          'PROCESS_INSTANCE:ELEMENT_TERMINATED:Activity_0kce977',
          'PROCESS_INSTANCE:ELEMENT_ACTIVATED:Activity_04glkkx',
          'JOB:CREATED:Activity_04glkkx',
        ],
        end: 'active',
      },
    ],
  },
]
