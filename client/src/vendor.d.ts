/** Types for packages that ship none, limited to what the client uses. */
declare module 'virtual:bpmnlint-config' {
  export const cache: Record<string, unknown>
  export const config: Record<string, unknown>
}

declare module 'bpmnlint' {
  export interface LintReport {
    id?: string
    message: string
    category: 'error' | 'warn' | 'info' | 'rule-error'
    path?: (string | number)[]
  }
  export class Linter {
    constructor(options: { config: Record<string, unknown>; resolver: unknown })
    lint(definitions: unknown): Promise<Record<string, LintReport[]>>
  }
}

declare module 'bpmn-js-properties-panel' {
  import type { ModuleDeclaration } from 'didi'
  export const BpmnPropertiesPanelModule: ModuleDeclaration
  export const BpmnPropertiesProviderModule: ModuleDeclaration
  export const ZeebePropertiesProviderModule: ModuleDeclaration
}

declare module 'camunda-bpmn-js-behaviors/lib/camunda-cloud' {
  import type { ModuleDeclaration } from 'didi'
  const module: ModuleDeclaration
  export default module
}

declare module 'zeebe-bpmn-moddle/resources/zeebe.json' {
  const descriptor: Record<string, unknown>
  export default descriptor
}

declare module 'dmn-js/lib/Modeler' {
  interface View {
    type: string
    element: { id: string; name?: string }
  }
  interface Viewer {
    on(event: string, callback: (event: unknown) => void): void
  }
  export default class DmnModeler {
    constructor(options: { container: HTMLElement; common?: Record<string, unknown> })
    importXML(xml: string): Promise<{ warnings: unknown[] }>
    saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>
    getViews(): View[]
    getActiveView(): View | null
    getActiveViewer(): Viewer | null
    open(view: View): Promise<unknown>
    on(
      event: 'views.changed',
      callback: (event: { views: View[]; activeView: View | null }) => void,
    ): void
    destroy(): void
  }
}

declare module 'diagram-js-minimap' {
  import type { ModuleDeclaration } from 'didi'
  const module: ModuleDeclaration
  export default module
}
