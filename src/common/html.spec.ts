import { describe, expect, it } from '@jest/globals';
import { escapeHtml, html, joinMarkup, raw } from './html.js';

describe('the html tag', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const text = `<script>alert("x&'y")</script>`;
    expect(html`<p title="${text}">${text}</p>`.toString()).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&amp;&#39;y&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&amp;&#39;y&quot;)&lt;/script&gt;</p>',
    );
  });

  it('keeps the template itself as written', () => {
    expect(html`<a href="?lang=en">this batch's</a>`.toString()).toBe(`<a href="?lang=en">this batch's</a>`);
  });

  it('passes nested fragments through once, without escaping them again', () => {
    const name = 'A & B';
    const inner = html`<b>${name}</b>`;
    expect(html`<p>${inner}</p>`.toString()).toBe('<p><b>A &amp; B</b></p>');
  });

  it('joins arrays with nothing between, escaping strings and keeping fragments', () => {
    expect(html`<ul>${['<1>', html`<li>2</li>`, ['&', 3]]}</ul>`.toString()).toBe('<ul>&lt;1&gt;<li>2</li>&amp;3</ul>');
  });

  it('renders null, undefined, false and empty arrays as nothing, and numbers as text', () => {
    const none: string | null = null;
    expect(html`[${none}${undefined}${false}${[]}${0}${-1.5}]`.toString()).toBe('[0-1.5]');
    expect(html`${none && html`<b>never</b>`}`.toString()).toBe('');
  });

  it('lets raw strings through, for what the caller vouches for', () => {
    expect(html`<style>${raw('a>b{color:red}')}</style>`.toString()).toBe('<style>a>b{color:red}</style>');
  });

  it('joins with a separator, escaping each value', () => {
    expect(joinMarkup(['<a>', html`<br>`, null, 'b'], ' · ').toString()).toBe('&lt;a&gt; · <br> ·  · b');
  });

  it('escapes the five characters that matter, and nothing else', () => {
    expect(escapeHtml(`&<>"' 中文 \n`)).toBe('&amp;&lt;&gt;&quot;&#39; 中文 \n');
  });
});
