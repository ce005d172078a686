/**
 * Renders Markdown written in the app (SMS documents, ISO/IEC 20000-1 4.3) as React elements from
 * the tree of `markdown.ts`: no HTML string is ever inserted, so markup in the text shows as text;
 * links open only http(s), mailto and same-site addresses, external ones without referrer.
 */
import type { ReactNode } from 'react'
import { parseMarkdown, type Block, type Inline, type ListBlock } from './markdown'

function inlines(nodes: Inline[]): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.type) {
      case 'text':
        return n.text
      case 'strong':
        return <strong key={i}>{inlines(n.children)}</strong>
      case 'em':
        return <em key={i}>{inlines(n.children)}</em>
      case 'del':
        return <del key={i}>{inlines(n.children)}</del>
      case 'code':
        return <code key={i}>{n.text}</code>
      case 'break':
        return <br key={i} />
      case 'link': {
        const external = /^(https?|mailto):/i.test(n.href)
        return (
          <a
            key={i}
            href={n.href}
            {...(external ? { target: '_blank', rel: 'noopener noreferrer nofollow' } : {})}
          >
            {inlines(n.children)}
          </a>
        )
      }
    }
  })
}

function list(l: ListBlock, key?: number): ReactNode {
  const items = l.items.map((item, i) => (
    <li key={i}>
      {inlines(item.children)}
      {item.sublist && list(item.sublist)}
    </li>
  ))
  return l.ordered ? (
    <ol key={key} {...(l.start !== 1 ? { start: l.start } : {})}>
      {items}
    </ol>
  ) : (
    <ul key={key}>{items}</ul>
  )
}

function blocks(bs: Block[]): ReactNode[] {
  return bs.map((b, i) => {
    switch (b.type) {
      case 'heading': {
        const H = `h${b.level}` as const
        return <H key={i}>{inlines(b.children)}</H>
      }
      case 'paragraph':
        return <p key={i}>{inlines(b.children)}</p>
      case 'list':
        return list(b, i)
      case 'quote':
        return <blockquote key={i}>{blocks(b.children)}</blockquote>
      case 'code':
        return (
          <pre key={i}>
            <code {...(b.lang ? { 'data-lang': b.lang } : {})}>{b.text}</code>
          </pre>
        )
      case 'rule':
        return <hr key={i} />
      case 'table':
        return (
          <table key={i} className="data">
            <thead>
              <tr>
                {b.head.map((h, c) => (
                  <th
                    key={c}
                    scope="col"
                    style={b.align[c] ? { textAlign: b.align[c] } : undefined}
                  >
                    {inlines(h)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {b.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, c) => (
                    <td key={c} style={b.align[c] ? { textAlign: b.align[c] } : undefined}>
                      {inlines(cell)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )
    }
  })
}

/** The rendered text, in a `div` named for assistive technology by `label`. */
export function Markdown({ text, label }: { text: string; label?: string }) {
  return (
    <div className="markdown" {...(label ? { 'aria-label': label, role: 'region' } : {})}>
      {blocks(parseMarkdown(text))}
    </div>
  )
}
