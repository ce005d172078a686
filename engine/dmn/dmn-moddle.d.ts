/** The part of `dmn-moddle` the DMN parser uses (the package ships no types). */
declare module 'dmn-moddle' {
  export interface ParseWarning {
    message: string
  }
  export class DmnModdle {
    constructor(packages?: Record<string, object>)
    fromXML(
      xml: string,
      typeName?: string,
    ): Promise<{ rootElement: unknown; warnings: ParseWarning[] }>
  }
}
