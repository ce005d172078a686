/**
 * What other features may use of the cases feature (eslint keeps features from reaching into each
 * other's folders): the case's activity stream and attachments, which the task view shows.
 */
export { activityOf, type ActivityEntry } from './api/cases'
export { ActivityStream } from './components/ActivityStream'
export { Attachments, attachmentsOf } from './components/Attachments'
