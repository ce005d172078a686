/**
 * Compensation subscriptions (COMPENSATION_SUBSCRIPTION records) and their applier. A
 * subscription is CREATED when a compensable activity completes, TRIGGERED by a compensation
 * throw or end event, and leaves the state when COMPLETED (its handler completed) or DELETED
 * (its scope ended). Kept per process instance, so the runtime looks at one instance's only.
 */
import type { EngineStateData, SubscriptionState } from './state'

/** processInstanceKey → subscription key → subscription (record value as last written). */
export type CompensationSubscriptions = Record<string, Record<string, SubscriptionState>>

/** Applies one COMPENSATION_SUBSCRIPTION record. */
export function applyCompensationSubscription(
  s: EngineStateData,
  intent: string,
  key: number,
  v: Record<string, unknown>,
): void {
  const all = (s.compensationSubscriptions ??= {})
  const pi = String(v.processInstanceKey)
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
