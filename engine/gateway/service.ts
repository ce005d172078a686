/**
 * Zeebe's gateway service (gateway.proto `gateway_protocol.Gateway`) on top of the engine: each
 * RPC validates and converts its request, calls {@link EngineApi}, and converts the answer. RPCs
 * the engine does not support answer UNIMPLEMENTED naming the RPC.
 */
import * as grpc from '@grpc/grpc-js'
import type { ActivatedJob, CreateInstanceCommand, DeployResource, EngineApi } from '../api'
import {
  DEFAULT_TENANT,
  GatewayError,
  int64Of,
  keyOf,
  parseVariables,
  requireKey,
  tenantOf,
  tenantsOf,
  toProtoJob,
  toServiceError,
} from './convert'
import { dmnDeployments, evaluateDecisionRpc } from './decision'
import { JobDispatcher } from './job-dispatcher'
import { migrateCommandOf, modifyCommandOf } from './instance-commands'

/** Long-poll time of ActivateJobs when the request says 0, as Zeebe's gateway default. */
export const DEFAULT_LONG_POLL_MS = 10_000
/** Wait of CreateProcessInstanceWithResult when the request says 0 (Zeebe's request timeout). */
export const DEFAULT_RESULT_TIMEOUT_MS = 15_000

export interface GatewayServiceOptions {
  engine: EngineApi
  /** Host and port the gateway is reachable at, for Topology (read on each call). */
  advertised: () => { host: string; port: number }
  /** Long-poll time when a request says 0; default {@link DEFAULT_LONG_POLL_MS}. */
  defaultLongPollMs?: number
  /** Reports background failures (job activation for a stream, yielding jobs back). */
  onError?: (err: unknown) => void
}

/** The handlers plus the dispatcher that holds pending polls and streams. */
export interface GatewayService {
  readonly handlers: grpc.UntypedServiceImplementation
  readonly dispatcher: JobDispatcher
  /** Ends pending long polls and open job streams (before the server shuts down). */
  close(): void
}

type Unary = (
  call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
  callback: grpc.sendUnaryData<unknown>,
) => void

/**
 * Response headers saying the gateway would like `identity` (uncompressed) requests. The
 * gateway runs beside its clients (same host or network), where gzip of messages of a few
 * hundred bytes only costs CPU on both ends: inflating them took ~10 % of the engine process
 * under the benchmark's load, and deflating a similar share of the workers'. grpc-js clients
 * (the Camunda SDK, which gzips by default) then send the channel's later requests
 * uncompressed. Compressed requests are still accepted, whatever `grpc-encoding` they name.
 */
const PREFER_IDENTITY = new grpc.Metadata()
PREFER_IDENTITY.set('grpc-accept-encoding', 'identity')

/** Sends the response headers (once per call; later calls are no-ops in grpc-js). */
function sendHeaders(call: { sendMetadata(metadata: grpc.Metadata): void }): void {
  call.sendMetadata(PREFER_IDENTITY)
}

/** Wraps an async request → response function as a unary handler with error mapping. */
function unary(fn: (request: Record<string, unknown>) => Promise<unknown>): Unary {
  return (call, callback) => {
    let result: Promise<unknown>
    try {
      result = fn(call.request ?? {})
    } catch (err) {
      sendHeaders(call)
      callback(toServiceError(err))
      return
    }
    result.then(
      (response) => {
        sendHeaders(call)
        callback(null, response)
      },
      (err: unknown) => {
        sendHeaders(call)
        callback(toServiceError(err))
      },
    )
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v))
const stringList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : []

function createCommandOf(request: Record<string, unknown>, rpc: string): CreateInstanceCommand {
  const processDefinitionKey = keyOf(request.processDefinitionKey)
  const bpmnProcessId = str(request.bpmnProcessId)
  if (!processDefinitionKey && !bpmnProcessId) {
    throw new GatewayError(
      grpc.status.INVALID_ARGUMENT,
      `Expected ${rpc} to name a process by bpmnProcessId or processDefinitionKey, but neither was given`,
    )
  }
  const version = int64Of(request.version, -1)
  const instructions = Array.isArray(request.startInstructions) ? request.startInstructions : []
  const startInstructions = instructions
    .map((i: unknown) => (i && typeof i === 'object' && 'elementId' in i ? str(i.elementId) : ''))
    .filter((elementId) => elementId !== '')
    .map((elementId) => ({ elementId }))
  const command: CreateInstanceCommand = {
    variables: parseVariables(request.variables, rpc),
    tenantId: tenantOf(request.tenantId, rpc),
  }
  if (processDefinitionKey) command.processDefinitionKey = processDefinitionKey
  else {
    command.bpmnProcessId = bpmnProcessId
    command.version = version === 0 ? -1 : version
  }
  if (startInstructions.length) command.startInstructions = startInstructions
  return command
}

function resourcesOf(list: unknown, nameField: string, contentField: string): DeployResource[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw new GatewayError(
      grpc.status.INVALID_ARGUMENT,
      'Expected to deploy at least one resource, but none given',
    )
  }
  return list.map((r: unknown) => {
    const o = (r && typeof r === 'object' ? r : {}) as Record<string, unknown>
    const raw = o[contentField]
    const content = Buffer.isBuffer(raw)
      ? raw
      : raw instanceof Uint8Array
        ? Buffer.from(raw)
        : Buffer.from(str(raw))
    return { name: str(o[nameField]), content }
  })
}

/** Builds the gateway's handlers for every RPC of the loaded service definition. */
export function createGatewayService(
  definition: grpc.ServiceDefinition,
  options: GatewayServiceOptions,
): GatewayService {
  const { engine } = options
  const longPollDefault = options.defaultLongPollMs ?? DEFAULT_LONG_POLL_MS
  const dispatcher = new JobDispatcher(engine, { onError: options.onError })
  const handlers: grpc.UntypedServiceImplementation = {}

  for (const name of Object.keys(definition)) {
    handlers[name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback?: unknown) => {
      const error = {
        code: grpc.status.UNIMPLEMENTED,
        details: `${name} is not implemented by this engine`,
      }
      if (typeof callback === 'function') (callback as grpc.sendUnaryData<unknown>)(error)
      else (call as unknown as grpc.ServerWritableStream<unknown, unknown>).emit('error', error)
    }
  }

  handlers.Topology = unary(async () => {
    const { host, port } = options.advertised()
    return {
      brokers: [
        {
          nodeId: 0,
          host,
          port,
          version: engine.info.version,
          partitions: Array.from({ length: engine.info.partitionsCount }, (_, i) => ({
            partitionId: i + 1,
            role: 'LEADER',
            // as a Zeebe broker reports a partition that cannot process: UNHEALTHY while the
            // record log's database is down
            health: engine.status.log === 'up' ? 'HEALTHY' : 'UNHEALTHY',
          })),
        },
      ],
      clusterSize: 1,
      partitionsCount: engine.info.partitionsCount,
      replicationFactor: 1,
      gatewayVersion: engine.info.version,
    }
  })

  handlers.DeployResource = unary(async (req) => {
    const resources = resourcesOf(req.resources, 'name', 'content')
    const result = await engine.deployResources(resources, tenantOf(req.tenantId, 'DeployResource'))
    return {
      key: result.key,
      tenantId: result.tenantId || DEFAULT_TENANT,
      deployments: [
        ...result.processes.map((p) => ({
          process: { ...p, tenantId: p.tenantId || DEFAULT_TENANT },
        })),
        ...dmnDeployments(result),
        ...result.forms.map((f) => ({ form: { ...f, tenantId: f.tenantId || DEFAULT_TENANT } })),
      ],
    }
  })

  handlers.DeployProcess = unary(async (req) => {
    const resources = resourcesOf(req.processes, 'name', 'definition')
    const result = await engine.deployResources(resources, DEFAULT_TENANT)
    return {
      key: result.key,
      processes: result.processes.map((p) => ({ ...p, tenantId: p.tenantId || DEFAULT_TENANT })),
    }
  })

  handlers.CreateProcessInstance = unary(async (req) => {
    const created = await engine.createProcessInstance(
      createCommandOf(req, 'CreateProcessInstance'),
    )
    return { ...created, tenantId: created.tenantId || DEFAULT_TENANT }
  })

  handlers.CreateProcessInstanceWithResult = unary(async (req) => {
    const rpc = 'CreateProcessInstanceWithResult'
    const inner = req.request && typeof req.request === 'object' ? req.request : {}
    const command = createCommandOf(inner as Record<string, unknown>, rpc)
    const requested = int64Of(req.requestTimeout, 0)
    const timeoutMs = requested > 0 ? requested : DEFAULT_RESULT_TIMEOUT_MS
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new GatewayError(
              grpc.status.DEADLINE_EXCEEDED,
              `Expected the process instance to complete within ${timeoutMs} ms, but it did not (it keeps running)`,
            ),
          ),
        timeoutMs,
      )
    })
    try {
      const result = await Promise.race([
        engine.createProcessInstanceWithResult({
          ...command,
          fetchVariables: stringList(req.fetchVariables),
          requestTimeoutMs: timeoutMs,
        }),
        deadline,
      ])
      return {
        processDefinitionKey: result.processDefinitionKey,
        bpmnProcessId: result.bpmnProcessId,
        version: result.version,
        processInstanceKey: result.processInstanceKey,
        variables: JSON.stringify(result.variables ?? {}),
        tenantId: result.tenantId || DEFAULT_TENANT,
      }
    } finally {
      clearTimeout(timer)
    }
  })

  handlers.CancelProcessInstance = unary(async (req) => {
    await engine.cancelProcessInstance(
      requireKey(req.processInstanceKey, 'CancelProcessInstance', 'processInstanceKey'),
    )
    return {}
  })

  handlers.ActivateJobs = (call: grpc.ServerWritableStream<Record<string, unknown>, unknown>) => {
    const req = call.request ?? {}
    const rpc = 'ActivateJobs'
    let command
    try {
      command = {
        type: str(req.type),
        worker: str(req.worker),
        timeoutMs: int64Of(req.timeout, 0),
        maxJobsToActivate: int64Of(req.maxJobsToActivate, 0),
        fetchVariable: stringList(req.fetchVariable),
        tenantIds: tenantsOf(req.tenantIds, rpc),
      }
      if (!command.type)
        throw new GatewayError(
          grpc.status.INVALID_ARGUMENT,
          `Expected ${rpc} to have a non-empty type`,
        )
      if (command.maxJobsToActivate < 1) {
        throw new GatewayError(
          grpc.status.INVALID_ARGUMENT,
          `Expected ${rpc} maxJobsToActivate to be greater than zero, but got ${command.maxJobsToActivate}`,
        )
      }
      if (command.timeoutMs < 1) {
        throw new GatewayError(
          grpc.status.INVALID_ARGUMENT,
          `Expected ${rpc} timeout to be greater than zero, but got ${command.timeoutMs}`,
        )
      }
    } catch (err) {
      call.emit('error', toServiceError(err))
      return
    }
    const requestTimeout = int64Of(req.requestTimeout, 0)
    let ended = false
    const end = () => {
      if (ended) return
      ended = true
      if (!call.cancelled && !call.destroyed) call.end()
    }
    const cancel = dispatcher.poll(
      {
        command,
        noWait: requestTimeout < 0,
        deliver: (jobs: ActivatedJob[]) => {
          if (ended || call.cancelled || call.destroyed) return false
          sendHeaders(call)
          call.write({ jobs: jobs.map(toProtoJob) })
          end()
          return true
        },
        finish: end,
      },
      requestTimeout === 0 ? longPollDefault : requestTimeout,
    )
    call.on('cancelled', () => {
      ended = true
      cancel()
    })
  }

  handlers.StreamActivatedJobs = (
    call: grpc.ServerWritableStream<Record<string, unknown>, unknown>,
  ) => {
    const req = call.request ?? {}
    const rpc = 'StreamActivatedJobs'
    let command
    try {
      command = {
        type: str(req.type),
        worker: str(req.worker),
        timeoutMs: int64Of(req.timeout, 0),
        fetchVariable: stringList(req.fetchVariable),
        tenantIds: tenantsOf(req.tenantIds, rpc),
      }
      if (!command.type)
        throw new GatewayError(
          grpc.status.INVALID_ARGUMENT,
          `Expected ${rpc} to have a non-empty type`,
        )
    } catch (err) {
      call.emit('error', toServiceError(err))
      return
    }
    let open = true
    const close = dispatcher.openStream({
      command,
      push: (job) => {
        if (!open || call.cancelled || call.destroyed || call.writableEnded) return false
        sendHeaders(call)
        call.write(toProtoJob(job))
        return true
      },
      end: () => {
        open = false
        if (!call.cancelled && !call.destroyed) call.end()
      },
    })
    const gone = () => {
      open = false
      close()
    }
    call.on('cancelled', gone)
    call.on('close', gone)
    call.on('error', gone)
  }

  handlers.CompleteJob = unary(async (req) => {
    const rpc = 'CompleteJob'
    await engine.completeJob(
      requireKey(req.jobKey, rpc, 'jobKey'),
      parseVariables(req.variables, rpc),
    )
    return {}
  })

  handlers.FailJob = unary(async (req) => {
    const rpc = 'FailJob'
    await engine.failJob(
      requireKey(req.jobKey, rpc, 'jobKey'),
      int64Of(req.retries, 0),
      str(req.errorMessage),
      int64Of(req.retryBackOff, 0),
      parseVariables(req.variables, rpc),
    )
    return {}
  })

  handlers.ThrowError = unary(async (req) => {
    const rpc = 'ThrowError'
    const errorCode = str(req.errorCode)
    if (!errorCode) {
      throw new GatewayError(
        grpc.status.INVALID_ARGUMENT,
        `Expected ${rpc} to have a non-empty errorCode`,
      )
    }
    await engine.throwError(
      requireKey(req.jobKey, rpc, 'jobKey'),
      errorCode,
      str(req.errorMessage),
      parseVariables(req.variables, rpc),
    )
    return {}
  })

  handlers.UpdateJobRetries = unary(async (req) => {
    const rpc = 'UpdateJobRetries'
    const retries = int64Of(req.retries, 0)
    if (retries < 1) {
      throw new GatewayError(
        grpc.status.INVALID_ARGUMENT,
        `Expected ${rpc} retries to be greater than zero, but got ${retries}`,
      )
    }
    await engine.updateJobRetries(requireKey(req.jobKey, rpc, 'jobKey'), retries)
    return {}
  })

  handlers.UpdateJobTimeout = unary(async (req) => {
    const rpc = 'UpdateJobTimeout'
    await engine.updateJobTimeout(requireKey(req.jobKey, rpc, 'jobKey'), int64Of(req.timeout, 0))
    return {}
  })

  handlers.PublishMessage = unary(async (req) => {
    const rpc = 'PublishMessage'
    const name = str(req.name)
    if (!name)
      throw new GatewayError(
        grpc.status.INVALID_ARGUMENT,
        `Expected ${rpc} to have a non-empty name`,
      )
    const messageId = str(req.messageId)
    const published = await engine.publishMessage({
      name,
      correlationKey: str(req.correlationKey),
      timeToLiveMs: Math.max(0, int64Of(req.timeToLive, 0)),
      ...(messageId ? { messageId } : {}),
      variables: parseVariables(req.variables, rpc),
      tenantId: tenantOf(req.tenantId, rpc),
    })
    return { key: published.key, tenantId: published.tenantId || DEFAULT_TENANT }
  })

  handlers.BroadcastSignal = unary(async (req) => {
    const rpc = 'BroadcastSignal'
    const signalName = str(req.signalName)
    if (!signalName) {
      throw new GatewayError(
        grpc.status.INVALID_ARGUMENT,
        `Expected ${rpc} to have a non-empty signalName`,
      )
    }
    const signal = await engine.broadcastSignal(
      signalName,
      parseVariables(req.variables, rpc),
      tenantOf(req.tenantId, rpc),
    )
    return { key: signal.key, tenantId: signal.tenantId || DEFAULT_TENANT }
  })

  handlers.ResolveIncident = unary(async (req) => {
    await engine.resolveIncident(requireKey(req.incidentKey, 'ResolveIncident', 'incidentKey'))
    return {}
  })

  handlers.EvaluateDecision = unary((req) => evaluateDecisionRpc(engine, req))

  handlers.SetVariables = unary(async (req) => {
    const rpc = 'SetVariables'
    const variables = parseVariables(req.variables, rpc)
    const result = await engine.setVariables(
      requireKey(req.elementInstanceKey, rpc, 'elementInstanceKey'),
      variables,
      req.local === true,
    )
    return { key: result.key }
  })

  handlers.ModifyProcessInstance = unary(async (req) => {
    const rpc = 'ModifyProcessInstance'
    await engine.modifyProcessInstance(modifyCommandOf(req, rpc))
    return {}
  })

  handlers.MigrateProcessInstance = unary(async (req) => {
    const rpc = 'MigrateProcessInstance'
    await engine.migrateProcessInstance(migrateCommandOf(req, rpc))
    return {}
  })

  handlers.DeleteResource = unary(async (req) => {
    await engine.deleteResource(requireKey(req.resourceKey, 'DeleteResource', 'resourceKey'))
    return {}
  })

  return { handlers, dispatcher, close: () => dispatcher.close() }
}
