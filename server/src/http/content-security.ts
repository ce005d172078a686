/**
 * Content-Security-Policy of every answer (ISO/IEC 20000-1 6.6 information security
 * controls). Scripts come only from the app's own files: no inline script, no `eval`, no other
 * origin, so an injected `<script>` or event-handler attribute does not run even where escaping
 * failed. Styles may be inline: bpmn-js, dmn-js and form-js position and colour diagram
 * elements with `style` attributes, and a style cannot run code.
 */

/** The web app and the API. */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  // diagram icons and exported images are data: and blob: URLs
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  // the API and socket.io's websocket, same origin only
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * HTML exports (the printable history of an instance): a document that runs nothing and loads
 * nothing, whoever opens it and wherever it is saved.
 */
export const EXPORT_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')
