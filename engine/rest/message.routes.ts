/**
 * Messages and signals of Camunda 8.8's v2 API: publication (buffered for its time to live),
 * correlation (never buffered; answers the process instance it correlated to), signal
 * broadcast.
 */
import { bodyValidator, command, invalidArgument, parseBody } from './command'
import {
  messageCorrelation,
  messagePublication,
  signalBroadcast,
  type MessageCorrelationBody,
  type MessagePublicationBody,
  type SignalBroadcastBody,
} from './schemas/commands'
import type { RestRoute } from './types'

const validatePublication = bodyValidator<MessagePublicationBody>(messagePublication)
const validateCorrelation = bodyValidator<MessageCorrelationBody>(messageCorrelation)
const validateBroadcast = bodyValidator<SignalBroadcastBody>(signalBroadcast)

function requireText(name: string, value: string): void {
  if (value.trim() === '') throw invalidArgument([`No ${name} provided`])
}

export const messageRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/v2/messages/publication',
    operationId: 'publishMessage',
    handler: async (req, ctx) => {
      const body = parseBody(req, validatePublication)
      requireText('name', body.name)
      const published = await command('PUBLISH', () =>
        ctx.engine.publishMessage({
          name: body.name,
          correlationKey: body.correlationKey ?? '',
          timeToLiveMs: body.timeToLive ?? 0,
          ...(body.messageId ? { messageId: body.messageId } : {}),
          variables: body.variables ?? {},
          ...(body.tenantId ? { tenantId: body.tenantId } : {}),
        }),
      )
      return { status: 200, body: { tenantId: published.tenantId, messageKey: published.key } }
    },
  },
  {
    method: 'POST',
    path: '/v2/messages/correlation',
    operationId: 'correlateMessage',
    handler: async (req, ctx) => {
      const body = parseBody(req, validateCorrelation)
      requireText('name', body.name)
      const correlated = await command('CORRELATE', () =>
        ctx.engine.correlateMessage({
          name: body.name,
          correlationKey: body.correlationKey ?? '',
          variables: body.variables ?? {},
          ...(body.tenantId ? { tenantId: body.tenantId } : {}),
        }),
      )
      return {
        status: 200,
        body: {
          tenantId: correlated.tenantId,
          messageKey: correlated.key,
          processInstanceKey: correlated.processInstanceKey,
        },
      }
    },
  },
  {
    method: 'POST',
    path: '/v2/signals/broadcast',
    operationId: 'broadcastSignal',
    handler: async (req, ctx) => {
      const body = parseBody(req, validateBroadcast)
      requireText('signalName', body.signalName)
      const broadcast = await command('BROADCAST', () =>
        ctx.engine.broadcastSignal(body.signalName, body.variables ?? {}, body.tenantId),
      )
      return { status: 200, body: { tenantId: broadcast.tenantId, signalKey: broadcast.key } }
    },
  },
]
