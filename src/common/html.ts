/**
 * Markup built so that a forgotten escape cannot happen: every value interpolated into an `html`
 * template is escaped unless it is itself markup (an `html` result or an explicit `raw`). The same
 * escaping serves HTML, SVG and XML (Atom): text and double- or single-quoted attribute values.
 */
export class Markup {
  constructor(private readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

/** What an `html` template accepts: text (escaped), markup (as is), lists of either (joined), and nothing (null, undefined, false). */
export type MarkupValue = Markup | string | number | null | undefined | false | readonly MarkupValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function render(value: MarkupValue): string {
  if (value instanceof Markup) return value.toString();
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return (value as readonly MarkupValue[]).map(render).join('');
  return escapeHtml(String(value as string | number));
}

/** The tag: `html\`<p>${text}</p>\`` escapes `text`; nested `html` fragments and `raw` strings pass through. */
export function html(strings: TemplateStringsArray, ...values: MarkupValue[]): Markup {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Markup(out);
}

/** A string the caller vouches for (a constant stylesheet, a number formatted for an attribute): never user text. */
export function raw(trusted: string): Markup {
  return new Markup(trusted);
}

/** The values rendered as in a template and joined by a (trusted, literal) separator. */
export function joinMarkup(values: readonly MarkupValue[], separator: string): Markup {
  return new Markup(values.map(render).join(separator));
}
