import { ApiError, apiErrorOf, authHeaders } from './api.js';
import { h, show } from './dom.js';
import { expectedBytes, fileNameOf, formatBytes, percentOf } from './download-progress.js';
import { t } from './i18n.js';
import { fieldOfError } from './field-errors.js';
import { alertBox, errorText, type Field, notice, setFieldError } from './ui.js';

/** A file fetched whole: its blob: URL, the name to save it under, its size. */
export interface Downloaded {
  url: string;
  name: string;
  bytes: number;
  type: string;
}

/**
 * The console's one way to download a file of the service's HTTP routes (exports, the mock recall
 * report, label sheets): fetched with the key (a link could not carry the Authorization header), read
 * from the body stream so `status` shows the bytes received, and the percent when the answer says its
 * length, with a Cancel button (AbortController). The API's refusal is shown in its words. The button is
 * busy meanwhile. Resolves with the file as a blob: URL, or undefined when it failed or was cancelled.
 * `explain` puts a refusal's reason (LABEL_SHEET_BUSY…) in the console's words before the API's message.
 */
export async function downloadWithProgress(
  button: HTMLButtonElement,
  status: HTMLElement,
  path: string,
  fallbackName: string,
  fields: Field[] = [],
  explain: (reason: string) => string | undefined = () => undefined,
): Promise<Downloaded | undefined> {
  for (const f of fields) setFieldError(f, null);
  const controller = new AbortController();
  const bar = h('progress', { max: '100' });
  const words = h('span', { class: 'bytes' }, t('downloading'));
  const cancel = h('button', { type: 'button', class: 'secondary' }, t('cancel'));
  cancel.addEventListener('click', () => controller.abort());
  const panel = h('div', { class: 'download', role: 'status', 'aria-live': 'polite' }, bar, ' ', words, ' ', cancel);
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = t('downloading');
  show(status, panel);
  const progress = (received: number, total: number | null) => {
    const percent = percentOf(received, total);
    if (percent === null) bar.removeAttribute('value');
    else bar.value = percent;
    bar.setAttribute('aria-valuetext', `${percent ?? ''}`);
    words.textContent = percent === null ? t('bytesReceived', formatBytes(received)) : t('receivedOf', formatBytes(received), formatBytes(total!), percent);
    panel.dataset.received = String(received);
    if (total !== null) panel.dataset.total = String(total);
  };
  try {
    let response: Response;
    try {
      response = await fetch(path, { headers: authHeaders(), credentials: 'omit', signal: controller.signal });
    } catch (err) {
      if (controller.signal.aborted) throw err;
      throw new ApiError(t('networkError'), 'NETWORK');
    }
    if (!response.ok) throw await apiErrorOf(response);
    const total = expectedBytes(response.headers.get('content-length'), response.headers.get('content-encoding'));
    const type = response.headers.get('content-type') ?? 'application/octet-stream';
    const chunks: Uint8Array[] = [];
    let received = 0;
    progress(0, total);
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        progress(received, total);
      }
    } else {
      const whole = new Uint8Array(await response.arrayBuffer());
      chunks.push(whole);
      received = whole.byteLength;
    }
    progress(received, received);
    cancel.remove();
    const name = fileNameOf(response.headers.get('content-disposition'), fallbackName);
    words.textContent = t('downloaded', name, formatBytes(received));
    return { url: URL.createObjectURL(new Blob(chunks as BlobPart[], { type })), name, bytes: received, type };
  } catch (err) {
    const words = err instanceof ApiError && err.reason ? explain(err.reason) : undefined;
    const message = words ? `${words} ${errorText(err)}` : errorText(err);
    // A refusal that names one of the form's fields (a query parameter) is shown beside it.
    const named =
      err instanceof ApiError
        ? fields.find(
            (f) =>
              f.name ===
              fieldOfError(
                message,
                fields.map((x) => x.name),
              ),
          )
        : undefined;
    if (controller.signal.aborted) show(status, notice(t('cancelled')));
    else if (named) {
      show(status);
      setFieldError(named, message);
      named.control.focus();
    } else show(status, alertBox(message));
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

/** Saves a downloaded file: a `download` link to it, shown in `where` (to save it again) and clicked once. */
export function saveFile(file: Downloaded, where: HTMLElement): HTMLAnchorElement {
  const link = h('a', { href: file.url, download: file.name, class: 'downloaded', 'data-bytes': file.bytes }, file.name);
  where.append(h('p', {}, link));
  link.click();
  return link;
}
