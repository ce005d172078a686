/**
 * The deployment unit of the procedures: every BPMN and DMN file of `processes/` (business rule
 * tasks call their decisions with `bindingType="deployment"`) and every user-task
 * form of `forms/` (case forms, `case-*.form`, belong to the case kinds, not to a procedure, and
 * are not deployed), deployed together so linked forms (`zeebe:formDefinition formId`) resolve, as
 * Zeebe 8.4+ requires (ISO/IEC 20000-1 4.3.2 e: the relevant version is available at the point
 * of use).
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isCaseForm } from './load-forms'

/** One file to deploy: its name (`incident.bpmn`, `incident-classify.form`) and bytes. */
export interface ProcessResource {
  name: string
  content: Buffer
}

/** The files of `dir` whose names end in `ext`, sorted by name. */
export async function filesOf(dir: string, ext: string): Promise<ProcessResource[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith(ext)).sort()
  return Promise.all(
    names.map(async (name) => ({ name, content: await readFile(join(dir, name)) })),
  )
}

/**
 * The BPMN files of `processesDir`, then its DMN files, then the user-task forms of `formsDir`,
 * each sorted by name.
 */
export async function loadProcessResources(
  processesDir: string,
  formsDir: string,
): Promise<ProcessResource[]> {
  const forms = (await filesOf(formsDir, '.form')).filter((f) => !isCaseForm(f.name))
  return [
    ...(await filesOf(processesDir, '.bpmn')),
    ...(await filesOf(processesDir, '.dmn')),
    ...forms,
  ]
}
