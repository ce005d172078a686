/**
 * The Markdown of documents written in the app (ISO/IEC 20000-1 4.3) is rendered, and rendered
 * safely: script and HTML in the text stay text, event handlers never become attributes, and
 * links to `javascript:` or `data:` addresses are not links.
 */
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { Markdown } from './Markdown'
import { parseMarkdown, safeHref } from './markdown'

const html = (text: string) => renderToStaticMarkup(<Markdown text={text} />)

describe('Markdown of SMS documents', () => {
  it('renders headings, lists, emphasis, links, code and tables', () => {
    const out = html(
      [
        '# Service management policy',
        '',
        'We **meet** the *agreed* service requirements, see [the plan](/sms/documents/DOC-000004).',
        '',
        '## Objectives',
        '',
        '1. Resolve incidents within target',
        '2. Keep `major incidents` below 2',
        '   - reviewed monthly',
        '',
        '- one',
        '- two',
        '',
        '```',
        'a < b',
        '```',
        '',
        '| Service | Target |',
        '| :--- | ---: |',
        '| E-mail | 99.9 % |',
        '',
        '> Quoted',
        '',
        '---',
        'More at https://example.org/sms.',
      ].join('\n'),
    )
    expect(out).toContain('<h1>Service management policy</h1>')
    expect(out).toContain('<h2>Objectives</h2>')
    expect(out).toContain('We <strong>meet</strong> the <em>agreed</em> service requirements')
    expect(out).toContain('<a href="/sms/documents/DOC-000004">the plan</a>')
    expect(out).toContain(
      '<ol><li>Resolve incidents within target</li><li>Keep <code>major incidents</code> below 2<ul><li>reviewed monthly</li></ul></li></ol>',
    )
    expect(out).toContain('<ul><li>one</li><li>two</li></ul>')
    expect(out).toContain('<pre><code>a &lt; b</code></pre>')
    expect(out).toContain('<th scope="col" style="text-align:left">Service</th>')
    expect(out).toContain('<td style="text-align:right">99.9 %</td>')
    expect(out).toContain('<blockquote><p>Quoted</p></blockquote>')
    expect(out).toContain('<hr/>')
    expect(out).toContain(
      '<a href="https://example.org/sms" target="_blank" rel="noopener noreferrer nofollow">https://example.org/sms</a>.',
    )
  })

  it('does not render script or HTML written in the text', () => {
    const attacks = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '# <iframe src="https://evil.example"></iframe>',
      '- <svg onload=alert(1)>',
      '| <b onmouseover=alert(1)>x</b> |\n|---|\n| <script>y</script> |',
      '**<a href="javascript:alert(1)">bold</a>**',
      '`<script>in code</script>`',
    ]
    for (const text of attacks) {
      const out = html(text)
      // every tag of the text is escaped: no element but those of Markdown
      expect(out, text).not.toMatch(/<(script|img|iframe|svg|b|a)[\s>]/i)
      // and no element carries an event handler (the text's `onerror=` is text between tags)
      expect(out, text).not.toMatch(/<[^>]*\son\w+\s*=/i)
      expect(out, text).toContain('&lt;')
    }
  })

  it('does not make links of javascript:, data: or protocol-relative addresses', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'vbscript:msgbox(1)',
      '//evil.example/x',
    ]) {
      expect(safeHref(href), href).toBeNull()
      const out = html(`[click](${href})`)
      expect(out, href).not.toContain('<a')
      expect(out, href).toContain('click')
    }
    // the encoded forms are no scheme at all: they stay text
    expect(html('[x](javascript&#58;alert(1))')).not.toContain('href="javascript')
    expect(safeHref('https://example.org')).toBe('https://example.org')
    expect(safeHref('mailto:sms@example.org')).toBe('mailto:sms@example.org')
    expect(safeHref('/sms/documents')).toBe('/sms/documents')
  })

  it('keeps words with underscores and escaped characters as written', () => {
    expect(html('snake_case_name and \\*not emphasis\\*')).toBe(
      '<div class="markdown"><p>snake_case_name and *not emphasis*</p></div>',
    )
    expect(parseMarkdown('')).toEqual([])
  })
})
