/**
 * What an approver reads before approving a procedure draft (ISO/IEC 20000-1 4.3.2: the
 * approver sees the whole change): elements added, removed and changed against the latest
 * deployed version, and the forms its deployment would add or change, component by component.
 */
import { NotFoundError } from '../errors'
import type { FormComponent } from '../forms/form-schema'
import { canonicalJson as canonical } from '../evidence/canonical-json'
import { describeBpmn, type BpmnElementInfo } from './bpmn'
import type { DraftForms } from './draft-forms'
import type { ProcessVersionQueries } from './process-versions'
import type {
  DraftView,
  ElementDiff,
  FormChange,
  FormComponentInfo,
} from './processes.model'

export class DraftDiff {
  constructor(
    private readonly deps: { versions: ProcessVersionQueries; forms: DraftForms },
  ) {}

  /**
   * Elements added, removed and changed between the latest deployed version and a draft, and
   * the forms its deployment would add or change, component by component.
   */
  async diff(
    draft: DraftView,
  ): Promise<ElementDiff & { againstVersion: number | null; forms: { added: FormChange[]; changed: FormChange[] } }> {
    const after = (await describeBpmn(draft.xml ?? '')).processes[0]?.elements ?? {}
    let before: Record<string, BpmnElementInfo> = {}
    let againstVersion: number | null = null
    try {
      const deployed = await this.deps.versions.getVersion(draft.bpmnProcessId, 'latest')
      againstVersion = deployed.version
      before =
        (await describeBpmn(deployed.xml)).processes.find((p) => p.id === draft.bpmnProcessId)
          ?.elements ?? {}
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err
    }
    const forms: { added: FormChange[]; changed: FormChange[] } = { added: [], changed: [] }
    for (const f of await this.deps.forms.formsToDeploy(draft)) {
      const change: FormChange = {
        formId: f.formId,
        source: f.source,
        beforeVersion: f.before?.version ?? null,
        components: diffComponents(f.before?.schema, f.schema),
      }
      if (f.before) forms.changed.push(change)
      else forms.added.push(change)
    }
    return { againstVersion, ...diffElements(before, after), forms }
  }
}

/** Element-level diff by id: name, type and form changes count as changed. */
export function diffElements(
  before: Record<string, BpmnElementInfo>,
  after: Record<string, BpmnElementInfo>,
): ElementDiff {
  const added = Object.values(after).filter((e) => !before[e.id])
  const removed = Object.values(before).filter((e) => !after[e.id])
  const changed = Object.values(after).flatMap((a) => {
    const b = before[a.id]
    if (!b) return []
    const same =
      b.name === a.name &&
      b.type === a.type &&
      b.formId === a.formId &&
      b.formKey === a.formKey &&
      JSON.stringify(b.calledDecision) === JSON.stringify(a.calledDecision)
    return same ? [] : [{ id: a.id, before: b, after: a }]
  })
  return { added, removed, changed }
}


function componentsOf(form: unknown): Map<string, FormComponent> {
  const out = new Map<string, FormComponent>()
  const visit = (components: unknown) => {
    if (!Array.isArray(components)) return
    for (const c of components as FormComponent[]) {
      if (c && typeof c === 'object' && typeof c.id === 'string') out.set(c.id, c)
      visit(c?.components)
    }
  }
  visit((form as { components?: unknown } | null | undefined)?.components)
  return out
}

function componentInfo(c: FormComponent): FormComponentInfo {
  return {
    id: c.id ?? '',
    type: c.type,
    label: c.label ?? c.key ?? c.id ?? '',
    ...(c.key ? { key: c.key } : {}),
  }
}

/** Components of a form added, removed and changed, by component id. */
export function diffComponents(before: unknown, after: unknown): FormChange['components'] {
  const b = componentsOf(before)
  const a = componentsOf(after)
  const own = (c: FormComponent) => canonical({ ...c, components: undefined })
  return {
    added: [...a.values()].filter((c) => !b.has(c.id!)).map(componentInfo),
    removed: [...b.values()].filter((c) => !a.has(c.id!)).map(componentInfo),
    changed: [...a.values()]
      .filter((c) => b.has(c.id!) && own(b.get(c.id!)!) !== own(c))
      .map(componentInfo),
  }
}
