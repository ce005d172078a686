/** Which behaviour runs each `bpmnElementType`. */
import { BpmnElementType } from '../model/model'
import { adHocSubProcess, adHocSubProcessInnerInstance } from './ad-hoc-sub-process'
import type { ElementBehavior } from './behavior'
import { boundaryEvent } from './boundary-event'
import { businessRuleTask } from './business-rule-task'
import { callActivity } from './call-activity'
import { endEvent } from './end-event'
import { eventBasedGateway } from './event-based-gateway'
import { exclusiveGateway } from './exclusive-gateway'
import { inclusiveGateway } from './inclusive-gateway'
import { intermediateCatchEvent } from './intermediate-catch-event'
import { intermediateThrowEvent } from './intermediate-throw-event'
import { manualTask } from './manual-task'
import { multiInstanceBody } from './multi-instance'
import { parallelGateway } from './parallel-gateway'
import { processBehavior } from './process'
import { receiveTask } from './receive-task'
import { scriptTask } from './script-task'
import { serviceTask } from './service-task'
import { startEvent } from './start-event'
import { subProcess, eventSubProcess } from './sub-process'
import { userTask } from './user-task'

const behaviors: Record<string, ElementBehavior> = {
  [BpmnElementType.Process]: processBehavior,
  [BpmnElementType.SubProcess]: subProcess,
  [BpmnElementType.EventSubProcess]: eventSubProcess,
  [BpmnElementType.StartEvent]: startEvent,
  [BpmnElementType.EndEvent]: endEvent,
  [BpmnElementType.ServiceTask]: serviceTask,
  [BpmnElementType.SendTask]: serviceTask,
  [BpmnElementType.BusinessRuleTask]: businessRuleTask,
  [BpmnElementType.ScriptTask]: scriptTask,
  [BpmnElementType.UserTask]: userTask,
  [BpmnElementType.ReceiveTask]: receiveTask,
  [BpmnElementType.ManualTask]: manualTask,
  [BpmnElementType.Task]: manualTask,
  [BpmnElementType.ExclusiveGateway]: exclusiveGateway,
  [BpmnElementType.ParallelGateway]: parallelGateway,
  [BpmnElementType.InclusiveGateway]: inclusiveGateway,
  [BpmnElementType.EventBasedGateway]: eventBasedGateway,
  [BpmnElementType.IntermediateCatchEvent]: intermediateCatchEvent,
  [BpmnElementType.IntermediateThrowEvent]: intermediateThrowEvent,
  [BpmnElementType.BoundaryEvent]: boundaryEvent,
  [BpmnElementType.CallActivity]: callActivity,
  [BpmnElementType.MultiInstanceBody]: multiInstanceBody,
  [BpmnElementType.AdHocSubProcess]: adHocSubProcess,
  [BpmnElementType.AdHocSubProcessInnerInstance]: adHocSubProcessInnerInstance,
}

/** The behaviour of an element type (throws for an unknown type: an engine bug). */
export function behaviorOf(type: string): ElementBehavior {
  const b = behaviors[type]
  if (!b) throw new Error(`no behaviour for element type ${type}`)
  return b
}
