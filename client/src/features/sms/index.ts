/** What other features may use of the management-system feature: types only. */
export type { CompetenceGap } from './api/sms'
