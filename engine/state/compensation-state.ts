/**
 * Compensation subscriptions (COMPENSATION_SUBSCRIPTION records) and their applier. A
 * subscription is CREATED when a compensable activity completes, TRIGGERED by a compensation
 * throw or end event, and leaves the state when COMPLETED (its handler completed) or DELETED
 * (its scope ended). Kept per process instance, so the runtime looks at one instance's only.
 */
import type { CompensationSubscriptionRecordValue } from './records'
import type { EngineStateData, SubscriptionState } from './state'

/** A compensation subscription: its key and its record value as last written. */
export type CompensationSubscription = SubscriptionState<CompensationSubscriptionRecordValue>

/** processInstanceKey → subscription key → subscription. */
export type CompensationSubscriptions = Record<string, Record<string, CompensationSubscription>>

/** Applies one COMPENSATION_SUBSCRIPTION record. */
export function applyCompensationSubscription(
  s: EngineStateData,
  intent: string,
  key: number,
  v: CompensationSubscriptionRecordValue,
): void {
  const all = (s.compensationSubscriptions ??= {})
  const pi = v.processInstanceKey
  if (intent === 'CREATED' || intent === 'TRIGGERED') {
    ;(all[pi] ??= {})[key] = { key, value: v }
    return
  }
  if (intent === 'COMPLETED' || intent === 'DELETED') {
    const subs = all[pi]
    if (!subs) return
    delete subs[key]
    if (Object.keys(subs).length === 0) delete all[pi]
  }
}
