/**
 * A small, safe Markdown reader for the documents written in the app (ISO/IEC 20000-1 4.3: the
 * policy, procedures and plans kept in the SMS documents register). It turns the text into a tree
 * of blocks and inline pieces that `Markdown.tsx` renders as React elements: raw HTML is never
 * passed through (a `<script>` in the text stays the text `<script>`), and links keep only
 * http(s), mailto and same-site addresses.
 *
 * Supported: ATX headings (`#` … `######`), paragraphs, bullet and numbered lists (one level of
 * nesting by indentation), block quotes, fenced code blocks, horizontal rules, pipe tables, and
 * inline `**strong**`, `*emphasis*` / `_emphasis_`, `` `code` ``, `[links](https://…)`,
 * `~~strike~~` and hard line breaks.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'strong' | 'em' | 'del'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'break' }

export interface ListItem {
  children: Inline[]
  sublist?: ListBlock
}

export interface ListBlock {
  type: 'list'
  ordered: boolean
  start: number
  items: ListItem[]
}

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | ListBlock
  | { type: 'quote'; children: Block[] }
  | { type: 'code'; lang: string; text: string }
  | { type: 'rule' }
  | {
      type: 'table'
      align: ('left' | 'center' | 'right' | null)[]
      head: Inline[][]
      rows: Inline[][][]
    }

/** The longest text read (longer documents are cut, not rendered slowly). */
const MAX_LENGTH = 200_000
/** Nesting of emphasis inside emphasis, links inside emphasis… */
const MAX_DEPTH = 8

/**
 * A link target the app may follow: http(s) and mailto, or an address on this site (`/…`,
 * `#…`). Anything else — `javascript:`, `data:`, `vbscript:`, protocol-relative `//host` — is
 * refused (null) and the link is shown as its text.
 */
export function safeHref(raw: string): string | null {
  // browsers ignore control characters and whitespace inside a scheme ("java\tscript:")
  // eslint-disable-next-line no-control-regex
  const href = raw.trim().replace(/[\u0000-\u0020\u007f]/g, '')
  if (!href) return null
  if (href.startsWith('//') || href.startsWith('/\\')) return null
  if (href.startsWith('/') || href.startsWith('#')) return href
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(href)
  if (!scheme) return null
  return ['http', 'https', 'mailto'].includes(scheme[1]!.toLowerCase()) ? href : null
}

/** Inline Markdown of one block's text. */
export function parseInline(text: string, depth = 0): Inline[] {
  const out: Inline[] = []
  let buf = ''
  const flush = () => {
    if (buf) out.push({ type: 'text', text: buf })
    buf = ''
  }
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    const rest = text.slice(i)
    // backslash escapes of punctuation
    if (c === '\\' && i + 1 < text.length && /[!-/:-@[-`{-~]/.test(text[i + 1]!)) {
      buf += text[i + 1]
      i += 2
      continue
    }
    // hard break: two spaces or a backslash before a newline
    if (c === '\n') {
      if (/ {2,}$/.test(buf)) {
        buf = buf.replace(/ +$/, '')
        flush()
        out.push({ type: 'break' })
      } else buf += ' '
      i++
      continue
    }
    if (c === '`') {
      const ticks = /^`+/.exec(rest)![0]
      const end = text.indexOf(ticks, i + ticks.length)
      if (end > 0) {
        flush()
        out.push({ type: 'code', text: text.slice(i + ticks.length, end).trim() })
        i = end + ticks.length
        continue
      }
    }
    if (depth < MAX_DEPTH) {
      if (c === '[') {
        const m = /^\[([^\]\n]*)\]\(([^()\s]*)(?:\s+"[^"]*")?\)/.exec(rest)
        if (m) {
          flush()
          const children = parseInline(m[1]!, depth + 1)
          const href = safeHref(m[2]!)
          if (href) out.push({ type: 'link', href, children })
          else out.push(...children)
          i += m[0].length
          continue
        }
      }
      const pair = /^(\*\*|__|~~|\*|_)/.exec(rest)?.[1]
      if (pair) {
        const close = findClose(text, i + pair.length, pair)
        // `snake_case` words are no emphasis: `_` opens only at a word's start
        const wordInside = pair[0] === '_' && i > 0 && /\w/.test(text[i - 1]!)
        if (close > i + pair.length && !wordInside) {
          flush()
          const inner = parseInline(text.slice(i + pair.length, close), depth + 1)
          out.push({
            type: pair === '~~' ? 'del' : pair.length === 2 ? 'strong' : 'em',
            children: inner,
          })
          i = close + pair.length
          continue
        }
      }
      // bare addresses become links
      const url = /^https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/.exec(rest)
      if (url && (i === 0 || /[\s(]/.test(text[i - 1]!))) {
        flush()
        out.push({ type: 'link', href: url[0], children: [{ type: 'text', text: url[0] }] })
        i += url[0].length
        continue
      }
    }
    buf += c
    i++
  }
  flush()
  return out
}

/** Where the closing delimiter of an emphasis opened at `from` is, or -1. */
function findClose(text: string, from: number, delim: string): number {
  if (from >= text.length || /\s/.test(text[from]!)) return -1
  let at = from
  while (at < text.length) {
    const found = text.indexOf(delim, at)
    if (found < 0) return -1
    // not preceded by whitespace, and for `*`/`_` not part of `**`/`__`
    const single = delim.length === 1
    const doubled = single && (text[found + 1] === delim || text[found - 1] === delim)
    if (found > from && !/\s/.test(text[found - 1]!) && !doubled) {
      if (delim === '_' && /\w/.test(text[found + 1] ?? '')) {
        at = found + 1
        continue
      }
      return found
    }
    at = found + (doubled ? 2 : 1)
  }
  return -1
}

const headingRe = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/
const fenceRe = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)\s*$/
const ruleRe = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/
const bulletRe = /^( *)([-*+])[ \t]+(.*)$/
const orderedRe = /^( *)(\d{1,9})[.)][ \t]+(.*)$/
const quoteRe = /^ {0,3}> ?(.*)$/
const tableDelimRe = /^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$/

const cellsOf = (line: string): string[] => {
  let s = line.trim()
  if (s.startsWith('|')) s = s.slice(1)
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1)
  const cells: string[] = []
  let cur = ''
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === '|') {
      cur += '|'
      i++
    } else if (s[i] === '|') {
      cells.push(cur.trim())
      cur = ''
    } else cur += s[i]
  }
  cells.push(cur.trim())
  return cells
}

const isBlockStart = (line: string) =>
  headingRe.test(line) ||
  fenceRe.test(line) ||
  ruleRe.test(line) ||
  bulletRe.test(line) ||
  orderedRe.test(line) ||
  quoteRe.test(line)

/** The blocks of a Markdown text. */
export function parseMarkdown(source: string, depth = 0): Block[] {
  const lines = source.slice(0, MAX_LENGTH).replace(/\r\n?/g, '\n').split('\n')
  const blocks: Block[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    if (!line.trim()) {
      i++
      continue
    }
    const fence = fenceRe.exec(line)
    if (fence) {
      const marker = fence[1]!
      const body: string[] = []
      i++
      while (i < lines.length && !lines[i]!.trim().startsWith(marker)) body.push(lines[i++]!)
      i++ // the closing fence (or the end)
      blocks.push({ type: 'code', lang: fence[2] ?? '', text: body.join('\n') })
      continue
    }
    const heading = headingRe.exec(line)
    if (heading) {
      blocks.push({
        type: 'heading',
        level: heading[1]!.length as 1 | 2 | 3 | 4 | 5 | 6,
        children: parseInline(heading[2] ?? ''),
      })
      i++
      continue
    }
    if (ruleRe.test(line)) {
      blocks.push({ type: 'rule' })
      i++
      continue
    }
    if (quoteRe.test(line)) {
      const body: string[] = []
      while (i < lines.length && quoteRe.test(lines[i]!)) body.push(quoteRe.exec(lines[i++]!)![1]!)
      blocks.push({
        type: 'quote',
        children: depth < MAX_DEPTH ? parseMarkdown(body.join('\n'), depth + 1) : [],
      })
      continue
    }
    if (bulletRe.test(line) || orderedRe.test(line)) {
      const [list, next] = parseList(lines, i)
      blocks.push(list)
      i = next
      continue
    }
    if (line.includes('|') && i + 1 < lines.length && tableDelimRe.test(lines[i + 1]!)) {
      const head = cellsOf(line)
      const align = cellsOf(lines[i + 1]!).map((d) =>
        d.startsWith(':') && d.endsWith(':')
          ? ('center' as const)
          : d.endsWith(':')
            ? ('right' as const)
            : d.startsWith(':')
              ? ('left' as const)
              : null,
      )
      i += 2
      const rows: Inline[][][] = []
      while (i < lines.length && lines[i]!.trim() && lines[i]!.includes('|')) {
        const cells = cellsOf(lines[i++]!)
        rows.push(head.map((_, c) => parseInline(cells[c] ?? '')))
      }
      blocks.push({
        type: 'table',
        align: head.map((_, c) => align[c] ?? null),
        head: head.map((h) => parseInline(h)),
        rows,
      })
      continue
    }
    // a paragraph: lines up to a blank line or the start of another block
    const body: string[] = [line]
    i++
    while (i < lines.length && lines[i]!.trim() && !isBlockStart(lines[i]!)) body.push(lines[i++]!)
    blocks.push({ type: 'paragraph', children: parseInline(body.join('\n').trim()) })
  }
  return blocks
}

/** A list starting at `start`; items indented deeper than the list's own form a sublist. */
function parseList(lines: string[], start: number): [ListBlock, number] {
  const first = bulletRe.exec(lines[start]!) ?? orderedRe.exec(lines[start]!)!
  const indent = first[1]!.length
  const ordered = !bulletRe.test(lines[start]!)
  const list: ListBlock = {
    type: 'list',
    ordered,
    start: ordered ? Number(first[2]) : 1,
    items: [],
  }
  let i = start
  while (i < lines.length) {
    const line = lines[i]!
    if (!line.trim()) {
      // a blank line ends the list unless an item of it follows
      const next = lines[i + 1]
      const m = next !== undefined ? (bulletRe.exec(next) ?? orderedRe.exec(next)) : null
      if (m && m[1]!.length >= indent) {
        i++
        continue
      }
      break
    }
    const m = (ordered ? orderedRe : bulletRe).exec(line)
    const other = (ordered ? bulletRe : orderedRe).exec(line)
    if (m && m[1]!.length === indent) {
      list.items.push({ children: parseInline(m[3]!) })
      i++
      continue
    }
    const deeper = m ?? other
    if (deeper && deeper[1]!.length > indent && list.items.length) {
      const [sub, next] = parseList(lines, i)
      const last = list.items[list.items.length - 1]!
      if (last.sublist) last.sublist.items.push(...sub.items)
      else last.sublist = sub
      i = next
      continue
    }
    if (deeper || isBlockStart(line)) break
    // a continuation line of the last item
    if (list.items.length && /^\s+\S/.test(line)) {
      const last = list.items[list.items.length - 1]!
      last.children.push({ type: 'text', text: ' ' }, ...parseInline(line.trim()))
      i++
      continue
    }
    break
  }
  return [list, i]
}
