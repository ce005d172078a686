/** The due items and activatable job types a command's records produce (Runtime.endCommand). */
import type { EngineRecord } from '../state/records'
import type { EngineStateData } from '../state/state'
import type { DueItem } from './runtime'

/**
 * What a record written by a command means for the due-date index and for waiting job workers:
 * the due items it adds (timers, job deadlines and back-offs, message TTLs) and the job types
 * that may have become activatable.
 */
export function trackDue(
  s: EngineStateData,
  r: EngineRecord,
  dueItems: DueItem[],
  jobTypes: Set<string>,
): void {
  const key = Number(r.key)
  if (r.valueType === 'TIMER' && r.intent === 'CREATED') {
    dueItems.push({ due: r.value.dueDate, kind: 'timer', key })
  } else if (r.valueType === 'JOB_BATCH') {
    r.value.jobKeys.forEach((jobKey, i) => {
      const job = r.value.jobs[i]
      if (job) dueItems.push({ due: job.deadline, kind: 'job-timeout', key: jobKey })
    })
  } else if (r.valueType === 'JOB') {
    const v = r.value
    if (r.intent === 'TIMEOUT_UPDATED') {
      dueItems.push({ due: v.deadline, kind: 'job-timeout', key })
    } else if (r.intent === 'FAILED' && v.retries > 0 && v.retryBackoff > 0) {
      dueItems.push({ due: v.recurringTime, kind: 'job-backoff', key })
    }
    if (
      r.intent === 'CREATED' ||
      r.intent === 'TIMED_OUT' ||
      r.intent === 'RECURRED_AFTER_BACKOFF' ||
      r.intent === 'YIELDED' ||
      (r.intent === 'FAILED' && v.retries > 0 && v.retryBackoff <= 0)
    ) {
      jobTypes.add(v.type)
    }
  } else if (r.valueType === 'INCIDENT' && r.intent === 'RESOLVED' && r.value.jobKey > 0) {
    const job = s.jobs[r.value.jobKey]
    if (job) jobTypes.add(job.value.type)
  } else if (r.valueType === 'MESSAGE' && r.intent === 'PUBLISHED' && r.value.timeToLive > 0) {
    dueItems.push({ due: r.value.deadline, kind: 'message', key })
  }
}
