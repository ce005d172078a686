/** The engine's parsed BPMN models: one parse per resource text, looked up by definition key. */
import type { ProcessModel } from '../model/model'
import { parseBpmn } from '../model/parse'
import type { EngineStateData, ProcessDefinitionState } from '../state/state'

export class ProcessModels {
  private readonly byKey = new Map<number, ProcessModel>()
  private readonly parsed = new Map<string, ProcessModel[]>()

  /** @param state the current state (it is replaced when the engine rebuilds it) */
  constructor(private readonly state: () => EngineStateData) {}

  /** Forgets the definition keys (the state is rebuilt); parsed resources stay cached. */
  clearKeys(): void {
    this.byKey.clear()
  }

  async parseResource(xml: string): Promise<ProcessModel[]> {
    const cached = this.parsed.get(xml)
    if (cached) return cached
    const { processes } = await parseBpmn(xml)
    this.parsed.set(xml, processes)
    return processes
  }

  /** Caches the models of a resource parsed elsewhere (deployment). */
  remember(xml: string, processes: ProcessModel[]): void {
    this.parsed.set(xml, processes)
  }

  /** Binds a definition key to its model (deployment). */
  bind(defKey: number, model: ProcessModel): void {
    this.byKey.set(defKey, model)
  }

  async ensureModel(p: ProcessDefinitionState): Promise<void> {
    const models = await this.parseResource(p.resource)
    const m = models.find((x) => x.bpmnProcessId === p.bpmnProcessId)
    if (m) this.byKey.set(p.key, m)
  }

  modelOf(defKey: number): ProcessModel {
    let m = this.byKey.get(defKey)
    if (m) return m
    const def = this.state().processes[defKey]
    if (!def) throw new Error(`unknown process definition ${defKey}`)
    m = this.parsed.get(def.resource)?.find((x) => x.bpmnProcessId === def.bpmnProcessId)
    if (!m) throw new Error(`process definition ${defKey} is not parsed`)
    this.byKey.set(defKey, m)
    return m
  }
}
