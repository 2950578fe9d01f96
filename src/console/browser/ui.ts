import { ApiError } from './api.js';
import { type Child, h, show, uniqueId } from './dom.js';
import { t, type Word } from './i18n.js';

/** A screen's frame: its heading (focused after navigation, so a screen reader announces the new screen) and content. */
export function screen(title: string, ...content: (Child | Child[])[]): HTMLElement {
  return h('section', { class: 'screen' }, h('h1', { tabindex: '-1' }, title), ...content);
}

/** An error in words, announced (role="alert"): the API's message as it said it. */
export function alertBox(message: string): HTMLElement {
  return h('p', { class: 'alert', role: 'alert' }, message);
}

export function notice(message: string, ...more: Child[]): HTMLElement {
  return h('p', { class: 'notice', role: 'status' }, message, ...more);
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError || err instanceof Error) return err.message;
  return String(err);
}

/** A labelled control with a slot for its error, linked by aria-describedby when shown. */
export interface Field {
  name: string;
  wrapper: HTMLElement;
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  error: HTMLElement;
}

export function field(name: string, label: string, control: Field['control'], options: { required?: boolean; help?: string } = {}): Field {
  const id = uniqueId(`f-${name.replace(/\W/g, '-')}`);
  control.id = id;
  control.name = name;
  if (options.required) control.setAttribute('aria-required', 'true');
  const error = h('span', { class: 'field-error', id: `${id}-error`, hidden: true });
  const help = options.help ? h('span', { class: 'help', id: `${id}-help` }, options.help) : null;
  if (help) control.setAttribute('aria-describedby', help.id);
  const wrapper = h(
    'div',
    { class: 'field', 'data-field': name },
    h('label', { for: id }, label, options.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    help,
    control,
    error,
  );
  return { name, wrapper, control, error };
}

export function input(type: string, attrs: Record<string, string | boolean | undefined> = {}): HTMLInputElement {
  return h('input', { type, ...attrs });
}

export function select(options: [value: string, label: string][], attrs: Record<string, string | boolean | undefined> = {}): HTMLSelectElement {
  return h('select', attrs, ...options.map(([value, label]) => h('option', { value }, label)));
}

/** Shows an error beside its field (and links it for screen readers), or clears it. */
export function setFieldError(f: Field, message: string | null): void {
  const described = (f.control.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && id !== f.error.id);
  if (message) {
    f.error.textContent = message;
    f.error.hidden = false;
    f.error.setAttribute('role', 'alert');
    f.control.setAttribute('aria-invalid', 'true');
    described.push(f.error.id);
  } else {
    f.error.textContent = '';
    f.error.hidden = true;
    f.error.removeAttribute('role');
    f.control.removeAttribute('aria-invalid');
  }
  if (described.length) f.control.setAttribute('aria-describedby', described.join(' '));
  else f.control.removeAttribute('aria-describedby');
}

/**
 * Runs a long action with its button showing progress (disabled, aria-busy, "Saving…"), and an error
 * box for what fails. Returns what the action returned, or undefined when it failed.
 */
export async function withProgress<T>(button: HTMLButtonElement, status: HTMLElement, busyWord: Word, action: () => Promise<T>): Promise<T | undefined> {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = t(busyWord);
  show(status);
  try {
    return await action();
  } catch (err) {
    show(status, alertBox(errorText(err)));
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

/** A list of facts: term and value. */
export function facts(rows: [string, Child | Child[]][]): HTMLElement {
  return h('dl', { class: 'facts' }, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, ...(Array.isArray(value) ? value : [value]))]));
}

/** `datetime-local` value of now, in the browser's time zone. */
export function localNow(): string {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

/** A `datetime-local` value as the instant it means here, ISO (the API takes UTC); the text as typed when it is not one. */
export function isoFromLocal(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}
