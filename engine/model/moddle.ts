/**
 * Reading moddle elements (bpmn-moddle with zeebe-bpmn-moddle) through guards: the parser and
 * the extension parsers of engine/model/ read attributes and children with these.
 */

/** A moddle element, read through guards. */
export type Node = { $type: string; [key: string]: unknown }

export const isNode = (v: unknown): v is Node =>
  typeof v === 'object' && v !== null && typeof (v as { $type?: unknown }).$type === 'string'

export function str(n: Node | undefined, key: string): string | undefined {
  const v = n?.[key]
  return typeof v === 'string' ? v : undefined
}
export function nodes(n: Node | undefined, key: string): Node[] {
  const v = n?.[key]
  return Array.isArray(v) ? v.filter(isNode) : []
}
export function child(n: Node | undefined, key: string): Node | undefined {
  const v = n?.[key]
  return isNode(v) ? v : undefined
}
export function extensions(n: Node, type: string): Node[] {
  return nodes(child(n, 'extensionElements'), 'values').filter((v) => v.$type === type)
}
export function extension(n: Node, type: string): Node | undefined {
  return extensions(n, type)[0]
}
