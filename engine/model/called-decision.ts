/**
 * `zeebe:calledDecision` of a business rule task: the decision to evaluate, the variable its
 * result goes to, and how the decision version is chosen (`bindingType`). Checked as Zeebe's
 * design-time validators do (BusinessRuleTaskValidator, ZeebeElementValidator,
 * ZeebeBindingTypeValidator); errors are reported at `<task> > extensionElements >
 * calledDecision`, the element identifier Zeebe's ValidationErrorFormatter writes.
 */
import type { CalledDecisionDefinition } from './model'
import type { Node } from './moddle'

/** What the parser needs from a moddle element (kept structural to avoid a cycle). */

const BINDING_TYPES = ['deployment', 'latest', 'versionTag'] as const

const text = (n: Node, key: string): string | undefined => {
  const v = n[key]
  return typeof v === 'string' ? v : undefined
}

/**
 * Reads the `zeebe:calledDecision` of business rule task `id`, or undefined when it has none.
 * `fail` records a validation error; `checkExpr` checks a FEEL expression's syntax.
 */
export function parseCalledDecision(
  id: string,
  calledDecisions: readonly Node[],
  hasTaskDefinition: boolean,
  fail: (elementId: string, message: string) => void,
  checkExpr: (elementId: string, text: string | undefined) => void,
): CalledDecisionDefinition | undefined {
  if (calledDecisions.length === 0) return undefined
  if (calledDecisions.length > 1 || hasTaskDefinition) {
    fail(
      id,
      "Must have either one 'zeebe:calledDecision' or one 'zeebe:taskDefinition' extension element",
    )
    return undefined
  }
  const cd = calledDecisions[0]!
  const at = `${id} > extensionElements > calledDecision`
  const decisionId = text(cd, 'decisionId') ?? ''
  const resultVariable = text(cd, 'resultVariable') ?? ''
  const bindingType = text(cd, 'bindingType') ?? 'latest'
  const versionTag = text(cd, 'versionTag')
  if (!decisionId.trim()) fail(at, "Attribute 'decisionId' must be present and not empty")
  if (!resultVariable.trim()) fail(at, "Attribute 'resultVariable' must be present and not empty")
  if (!(BINDING_TYPES as readonly string[]).includes(bindingType)) {
    fail(at, `Attribute 'bindingType' must be one of: ${BINDING_TYPES.join(', ')}`)
  }
  if (bindingType === 'versionTag' && !versionTag?.trim()) {
    fail(at, "Attribute 'versionTag' must be present and not empty")
  }
  checkExpr(id, decisionId)
  checkExpr(id, versionTag)
  return {
    decisionId,
    resultVariable,
    bindingType: bindingType as CalledDecisionDefinition['bindingType'],
    ...(versionTag ? { versionTag } : {}),
  }
}
