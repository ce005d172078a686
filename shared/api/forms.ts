/** What the server and the client both know about form-js schemas. */

/** Component types that carry no data (display only). */
export const NON_DATA_TYPES: ReadonlySet<string> = new Set([
  'text',
  'html',
  'image',
  'button',
  'spacer',
  'separator',
  'iframe',
  'table',
  'documentPreview',
])
