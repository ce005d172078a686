/**
 * Deployments, resource deletion and decision evaluation of Camunda 8.8's v2 API:
 * `POST /v2/deployments` (multipart `resources` files and `tenantId`),
 * `POST /v2/resources/:resourceKey/deletion`, `POST /v2/decision-definitions/evaluation`.
 */
import type { DecisionEvaluationResult, DeploymentResult } from '../api'
import { bodyValidator, command, invalidArgument, keyText, parseBody, pathKey } from './command'
import { parseMultipart } from './multipart'
import {
  decisionEvaluation,
  operationReferenceOnly,
  type DecisionEvaluationBody,
  type OperationReferenceBody,
} from './schemas/commands'
import { RestProblem, type RestRoute } from './types'

const validateEvaluation = bodyValidator<DecisionEvaluationBody>(decisionEvaluation)
const validateDeletion = bodyValidator<OperationReferenceBody>(operationReferenceOnly)

/** The deployment as 8.8's DeploymentResult: one entry per process, decision, DRG and form. */
export function deploymentResultOf(d: DeploymentResult) {
  return {
    deploymentKey: d.key,
    tenantId: d.tenantId,
    deployments: [
      ...d.processes.map((p) => ({
        processDefinition: {
          processDefinitionId: p.bpmnProcessId,
          processDefinitionVersion: p.version,
          resourceName: p.resourceName,
          tenantId: p.tenantId,
          processDefinitionKey: p.processDefinitionKey,
        },
      })),
      ...d.decisions.map((x) => ({
        decisionDefinition: {
          decisionDefinitionId: x.decisionId,
          version: x.version,
          name: x.decisionName,
          tenantId: x.tenantId,
          decisionRequirementsId: x.decisionRequirementsId,
          decisionDefinitionKey: x.decisionKey,
          decisionRequirementsKey: x.decisionRequirementsKey,
        },
      })),
      ...d.decisionRequirements.map((r) => ({
        decisionRequirements: {
          decisionRequirementsId: r.decisionRequirementsId,
          version: r.version,
          decisionRequirementsName: r.decisionRequirementsName,
          tenantId: r.tenantId,
          resourceName: r.resourceName,
          decisionRequirementsKey: r.decisionRequirementsKey,
        },
      })),
      ...d.forms.map((f) => ({
        form: {
          formId: f.formId,
          version: f.version,
          resourceName: f.resourceName,
          tenantId: f.tenantId,
          formKey: f.formKey,
        },
      })),
    ],
  }
}

/** The evaluation as 8.8's EvaluateDecisionResult (a failed evaluation is an answer too). */
export function evaluationResultOf(r: DecisionEvaluationResult) {
  return {
    decisionDefinitionId: r.decisionId,
    decisionDefinitionName: r.decisionName,
    decisionDefinitionVersion: r.decisionVersion,
    decisionRequirementsId: r.decisionRequirementsId,
    output: r.decisionOutput,
    failedDecisionDefinitionId: r.failedDecisionId,
    failureMessage: r.failureMessage,
    tenantId: r.tenantId,
    decisionDefinitionKey: r.decisionKey,
    decisionRequirementsKey: r.decisionRequirementsKey,
    decisionInstanceKey: r.decisionInstanceKey,
    decisionEvaluationKey: r.decisionInstanceKey,
    evaluatedDecisions: r.evaluatedDecisions.map((e, i) => ({
      decisionDefinitionId: e.decisionId,
      decisionDefinitionName: e.decisionName,
      decisionDefinitionVersion: e.decisionVersion,
      decisionDefinitionType: e.decisionType,
      output: e.decisionOutput,
      tenantId: e.tenantId,
      matchedRules: e.matchedRules,
      evaluatedInputs: e.evaluatedInputs,
      decisionDefinitionKey: e.decisionKey,
      // as the DECISION_EVALUATION record numbers them: `<evaluation key>-<n>`
      decisionEvaluationInstanceKey: `${r.decisionInstanceKey}-${i + 1}`,
    })),
  }
}

export const deploymentRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/v2/deployments',
    operationId: 'createDeployment',
    handler: async (req, ctx) => {
      if (!req.contentType.startsWith('multipart/form-data')) {
        throw new RestProblem(
          415,
          'Unsupported Media Type',
          `Content-Type '${req.contentType}' is not supported.`,
        )
      }
      const parts = parseMultipart(req.rawBody, req.contentType)
      const resources = parts
        .filter((p) => p.name === 'resources')
        .map((p) => ({ name: p.filename ?? p.name, content: p.content }))
      if (resources.length === 0) {
        throw new RestProblem(400, 'Bad Request', "Required part 'resources' is not present.")
      }
      const tenantPart = parts.find((p) => p.name === 'tenantId')
      const tenantId = tenantPart ? tenantPart.content.toString('utf8') : undefined
      const deployed = await command('CREATE', () =>
        ctx.engine.deployResources(resources, tenantId || undefined),
      )
      return { status: 200, body: deploymentResultOf(deployed) }
    },
  },
  {
    method: 'POST',
    path: '/v2/resources/:resourceKey/deletion',
    operationId: 'deleteResource',
    handler: async (req, ctx) => {
      const key = pathKey(req, 'resourceKey')
      parseBody(req, validateDeletion, true)
      await command('DELETE', () => ctx.engine.deleteResource(key))
      return { status: 200 }
    },
  },
  {
    method: 'POST',
    path: '/v2/decision-definitions/evaluation',
    operationId: 'evaluateDecision',
    handler: async (req, ctx) => {
      const body = parseBody(req, validateEvaluation)
      const fields = '[decisionDefinitionId, decisionDefinitionKey]'
      const byId = body.decisionDefinitionId !== undefined
      const byKey = body.decisionDefinitionKey !== undefined
      if (!byId && !byKey) throw invalidArgument([`At least one of ${fields} is required`])
      if (byId && byKey) throw invalidArgument([`Only one of ${fields} is allowed`])
      const result = await command('EVALUATE', () =>
        ctx.engine.evaluateDecision({
          ...(byId ? { decisionId: body.decisionDefinitionId } : {}),
          ...(byKey ? { decisionKey: keyText(body.decisionDefinitionKey) } : {}),
          variables: body.variables ?? {},
          ...(body.tenantId ? { tenantId: body.tenantId } : {}),
        }),
      )
      return { status: 200, body: evaluationResultOf(result) }
    },
  },
]
