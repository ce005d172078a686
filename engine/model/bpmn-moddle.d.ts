/** The part of `bpmn-moddle` the model parser uses (the package ships no default-export types). */
declare module 'bpmn-moddle' {
  export interface ParseWarning {
    message: string
  }
  export class BpmnModdle {
    constructor(packages?: Record<string, object>)
    fromXML(
      xml: string,
      typeName?: string,
    ): Promise<{ rootElement: unknown; warnings: ParseWarning[] }>
  }
}
