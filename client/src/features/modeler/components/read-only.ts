/**
 * A read-only switch for the bpmn-js modeler (ISO/IEC 20000-1 4.3.2: a draft in review is what
 * its reviewers approve, so nobody changes it until it is approved, rejected or withdrawn). While
 * on, every modelling rule says no, label editing closes, and the keyboard's editing shortcuts
 * do nothing; the diagram can still be looked at, selected, panned and zoomed. The page hides the
 * palette and context pad and makes the properties panel inert; the server refuses changes too.
 */
import RuleProvider from 'diagram-js/lib/features/rules/RuleProvider'
import type EventBus from 'diagram-js/lib/core/EventBus'

/** Every modelling action diagram-js and bpmn-js ask the rules about. */
const actions = [
  'connection.start',
  'connection.create',
  'connection.reconnect',
  'connection.updateWaypoints',
  'shape.resize',
  'shape.create',
  'shape.attach',
  'shape.replace',
  'elements.create',
  'elements.move',
  'elements.delete',
  'element.copy',
  'element.autoResize',
  'elements.paste',
  'shape.toggleCollapse',
  'lane.add',
  'lane.split',
]

/** Keys that only move the view; every other shortcut edits (delete, undo, paste, tools). */
const viewKeys = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', '+', '-', '0'])

export class ReadOnly extends RuleProvider {
  static $inject = ['eventBus']
  private active = false

  constructor(eventBus: EventBus) {
    super(eventBus)
    eventBus.on('directEditing.activate.allowed', 10_000, () => (this.active ? false : undefined))
    eventBus.on('keyboard.keydown', 10_000, (e: { keyEvent?: KeyboardEvent }) =>
      this.active && !viewKeys.has(e.keyEvent?.key ?? '') ? false : undefined,
    )
  }

  override init() {
    this.addRule(actions, 10_000, () => (this.active ? false : undefined))
  }

  set(on: boolean) {
    this.active = on
  }
}

export default {
  __init__: ['readOnly'],
  readOnly: ['type', ReadOnly],
}
