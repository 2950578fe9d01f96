import { ApiError } from './api.js';
import { show } from './dom.js';
import { fieldOfError } from './field-errors.js';
import { alertBox, errorText, type Field, setFieldError, withProgress } from './ui.js';

/** Shows an API error beside the field it names, else above the form; focuses the field. */
function showApiError(err: unknown, fields: Field[], status: HTMLElement): void {
  const message = errorText(err);
  const named =
    err instanceof ApiError
      ? fieldOfError(
          message,
          fields.map((f) => f.name),
        )
      : null;
  const target = fields.find((f) => f.name === named);
  if (target) {
    setFieldError(target, message);
    target.control.focus();
  } else show(status, alertBox(message));
}

/** Runs a form's action: progress on its button, errors beside their fields. */
export async function submitForm<T>(button: HTMLButtonElement, fields: Field[], status: HTMLElement, action: () => Promise<T>): Promise<T | undefined> {
  for (const f of fields) setFieldError(f, null);
  let failure: unknown = null;
  const result = await withProgress(button, status, 'saving', async () => {
    try {
      return await action();
    } catch (err) {
      failure = err;
      return undefined;
    }
  });
  if (failure !== null) showApiError(failure, fields, status);
  return result;
}

/** An event form's key data elements (its `details.<name>` fields) as recordEvent's `details`. Pure. */
export function detailsOf(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([name]) => name.startsWith('details.'))
      .map(([name, v]) => [name.slice('details.'.length), v]),
  );
}
