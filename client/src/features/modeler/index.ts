/**
 * What other features may use of the modeler feature (eslint keeps features from reaching into
 * each other's folders): only types, so importing them never loads the modeler's chunk.
 */
export type { DecisionFile } from './api/decisions'
