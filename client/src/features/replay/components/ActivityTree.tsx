/** The element-instance tree of the replay page (Operate's instance history tree). */
import { useMemo, useRef, type ReactNode } from 'react'
import { activitiesOf, type Activity, type ActivityNode } from '../api/history'

/** "Per item #2": an element instance's name with its iteration. */
export const activityLabel = (a: Pick<ActivityNode, 'elementName' | 'elementId' | 'iteration'>) =>
  `${a.elementName || a.elementId}${a.iteration ? ` #${a.iteration}` : ''}`

/**
 * The element instances as a tree (WAI-ARIA tree pattern): the process, its scopes and their
 * iterations; selecting a node selects that step. Arrow keys move, Home/End jump.
 */
export function ActivityTree({
  root,
  selected,
  onSelect,
}: {
  root: ActivityNode
  selected: string | undefined
  onSelect: (key: string) => void
}) {
  const items = useMemo(() => activitiesOf(root), [root])
  const order = items.map((a) => a.key)
  const ref = useRef<HTMLUListElement>(null)
  const move = (key: string) => {
    onSelect(key)
    ref.current?.querySelector<HTMLElement>(`[data-key="${key}"]`)?.focus()
  }
  // a flat list of tree items with their levels (the ARIA tree pattern allows it), so each
  // item's name is its own row and not its children's text too
  const item = (n: Activity): ReactNode => {
    const open = n.incidents.some((x) => !x.resolved)
    return (
      <li
        key={n.key}
        role="treeitem"
        data-key={n.key}
        aria-level={n.depth + 1}
        aria-selected={n.key === selected}
        aria-expanded={n.children.length ? true : undefined}
        tabIndex={n.key === (selected ?? root.key) ? 0 : -1}
        className={`tree-node state-${n.state}${n.key === selected ? ' selected' : ''}`}
        style={{ paddingLeft: `${0.35 + n.depth}rem` }}
        onClick={() => onSelect(n.key)}
      >
        <span className={`tree-dot ${open ? 'incident' : n.state}`} aria-hidden="true" />
        {activityLabel(n)}
        <span className="visually-hidden">, {n.state}</span>
        {n.incidents.length > 0 && (
          <>
            <span className="visually-hidden">, </span>
            <span className={`badge ${open ? 'danger' : 'warn'}`}>
              {open ? 'incident' : 'incident resolved'}
            </span>
          </>
        )}
        {n.who && (
          <span className="muted small">
            <span className="visually-hidden">,</span> · {n.who.name}
          </span>
        )}
      </li>
    )
  }
  return (
    <ul
      ref={ref}
      role="tree"
      aria-label="Element instances"
      className="activity-tree"
      onKeyDown={(e) => {
        const at = Math.max(0, order.indexOf(selected ?? root.key))
        const next: Record<string, number> = {
          ArrowDown: Math.min(order.length - 1, at + 1),
          ArrowUp: Math.max(0, at - 1),
          Home: 0,
          End: order.length - 1,
        }
        if (e.key in next) {
          e.preventDefault()
          move(order[next[e.key]!]!)
        }
      }}
    >
      {items.map(item)}
    </ul>
  )
}
