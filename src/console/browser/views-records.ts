import { gql } from './api.js';
import { type Child, h, show } from './dom.js';
import { downloadWithProgress, saveFile } from './download.js';
import { submitForm } from './forms.js';
import { formatTime, t, type Word } from './i18n.js';
import { viewer } from './session.js';
import { alertBox, errorText, field, type Field, input, notice, screen, select, setFieldError, withProgress } from './ui.js';

interface Delivery {
  id: string;
  status: 'DELIVERED' | 'RETRYING' | 'FAILED';
  attempts: number;
  createdAt: string;
  deliveredAt: string | null;
  lastError: string | null;
  nextAttemptAt: string | null;
}

/**
 * Any organization's recall-notice endpoint: registerWebhook (the API refuses internal addresses; its
 * words show beside the field) with the signing secret shown once, and webhookDeliveries, newest first.
 */
export function webhooksView(): HTMLElement {
  const url = field('url', t('webhookUrl'), input('url', { autocomplete: 'off', spellcheck: 'false', placeholder: 'https://' }), {
    required: true,
    help: t('webhookHelp'),
  });
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('registerWebhook'));
  const form = h('form', { novalidate: true, class: 'panel' }, url.wrapper, button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submitForm(button, [url], status, async () => {
      const { registerWebhook } = await gql<{ registerWebhook: { url: string; secret: string } }>(
        'mutation($url: String!) { registerWebhook(url: $url) { url secret } }',
        { url: url.control.value.trim() },
      );
      show(status, notice(t('webhookRegistered', registerWebhook.url)), h('p', {}, h('code', { class: 'secret webhook-secret' }, registerWebhook.secret)));
    });
  });

  const list = h('div', { 'aria-live': 'polite' }, t('loading'));
  const refresh = h('button', { type: 'button', class: 'secondary' }, t('refresh'));
  const listStatus = h('div', { class: 'status' });
  const load = () =>
    withProgress(refresh, listStatus, 'loading', async () => {
      const { webhookDeliveries } = await gql<{ webhookDeliveries: Delivery[] }>(
        '{ webhookDeliveries { id status attempts createdAt deliveredAt lastError nextAttemptAt } }',
      );
      show(list, webhookDeliveries.length === 0 ? h('p', { class: 'muted' }, t('noDeliveries')) : deliveryTable(webhookDeliveries));
    }).then(() => {
      if (listStatus.childElementCount) show(list);
    });
  refresh.addEventListener('click', () => void load());
  void load();
  return screen(t('webhooks'), form, h('h2', {}, t('deliveries')), h('div', { class: 'actions' }, refresh), listStatus, list);
}

function deliveryTable(deliveries: Delivery[]): HTMLElement {
  const when = (iso: string | null) => (iso ? formatTime(iso) : '—');
  const columns: Word[] = ['created', 'status', 'attempts', 'lastError', 'nextAttempt', 'deliveredAt'];
  // Each cell carries its column's name: on a phone the rows stack and the names show beside the values.
  const cell = (column: Word, content: Child, className?: string) => h('td', { 'data-label': t(column), class: className }, content);
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'deliveries' },
      h('thead', {}, h('tr', {}, ...columns.map((w) => h('th', { scope: 'col' }, t(w))))),
      h(
        'tbody',
        {},
        ...deliveries.map((d) =>
          h(
            'tr',
            { 'data-delivery': d.id, 'data-status': d.status },
            cell('created', when(d.createdAt)),
            cell('status', h('span', { class: `badge delivery-${d.status}` }, t(d.status))),
            cell('attempts', String(d.attempts)),
            cell('lastError', d.lastError ?? '—', 'error-text'),
            cell('nextAttempt', when(d.nextAttemptAt)),
            cell('deliveredAt', when(d.deliveredAt)),
          ),
        ),
      ),
    ),
  );
}

/** One download of the exports screen: its button's words, the route it fetches and the name to save under when the route gives none. */
interface Download {
  word: Word;
  path: (value: (name: string) => string) => string;
  fallback: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A `date` input's day as the instant it begins here, ISO; the text as typed otherwise (the API names what is wrong with it). */
const dayHere = (value: string) => {
  const date = new Date(`${value}T00:00`);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
};

/**
 * Downloads for whoever each route allows: regulators (and the admin) every export (the FSMA 204 sheets,
 * EPCIS documents, the ledger's JSON Lines); any organization a trace's lots of a batch it may trace and
 * the events it recorded (the EPCIS query). Each file comes through downloadWithProgress: with the key,
 * bytes and percent, Cancel, then saved from a blob: URL.
 */
export function exportsView(query: URLSearchParams): HTMLElement {
  const kind = viewer()?.organization?.kind ?? null;
  const regulator = kind === null || kind === 'REGULATOR';
  const today = new Date();
  const day = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  const qs = (params: Record<string, string>) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '')).toString();

  const withTrace = (v: (name: string) => string) => qs({ batchId: v('batchId'), direction: v('direction') });
  const traceDownloads: Download[] = [];
  if (regulator) {
    traceDownloads.push(
      { word: 'fsmaCsv', path: (v) => `/exports/trace.csv?${withTrace(v)}`, fallback: 'trace.csv' },
      { word: 'fsmaXlsx', path: (v) => `/exports/trace.xlsx?${withTrace(v)}`, fallback: 'trace.xlsx' },
    );
  }
  traceDownloads.push(
    { word: 'lotsCsv', path: (v) => `/trace/${encodeURIComponent(v('batchId'))}/lots.csv?${qs({ direction: v('direction') })}`, fallback: 'lots.csv' },
    { word: 'lotsNdjson', path: (v) => `/trace/${encodeURIComponent(v('batchId'))}/lots.ndjson?${qs({ direction: v('direction') })}`, fallback: 'lots.ndjson' },
  );
  if (regulator) traceDownloads.push({ word: 'epcisJson', path: (v) => `/epcis/events?${qs({ batchId: v('batchId') })}`, fallback: 'epcis-trace.jsonld' });
  const trace = group(
    t('exportTrace'),
    [
      field('batchId', t('batchId'), input('text', { autocomplete: 'off', spellcheck: 'false', value: query.get('batch') ?? '' }), { required: true }),
      field(
        'direction',
        t('direction'),
        select([
          ['DOWNSTREAM', t('downstream')],
          ['UPSTREAM', t('upstream')],
        ]),
      ),
    ],
    traceDownloads,
    // A batch ID that is no UUID would make the route say "not found": say what it needs instead.
    (v) => (UUID.test(v('batchId')) ? null : { field: 'batchId', message: `batchId: ${t('required')} (UUID)` }),
  );
  const product = regulator
    ? group(
        t('exportProduct'),
        [
          field('productId', t('productId'), input('text', { autocomplete: 'off', spellcheck: 'false', value: query.get('product') ?? '' }), {
            required: true,
          }),
          field('from', t('from'), input('date', { value: day(new Date(today.getTime() - 30 * 86400000)) }), { required: true }),
          field('to', t('to'), input('date', { value: day(new Date(today.getTime() + 86400000)) }), { required: true }),
        ],
        [
          {
            word: 'fsmaCsv',
            path: (v) => `/exports/events.csv?${qs({ productId: v('productId'), from: dayHere(v('from')), to: dayHere(v('to')) })}`,
            fallback: 'events.csv',
          },
          {
            word: 'fsmaXlsx',
            path: (v) => `/exports/events.xlsx?${qs({ productId: v('productId'), from: dayHere(v('from')), to: dayHere(v('to')) })}`,
            fallback: 'events.xlsx',
          },
          {
            word: 'epcisJson',
            path: (v) => `/epcis/events?${qs({ productId: v('productId'), from: dayHere(v('from')), to: dayHere(v('to')) })}`,
            fallback: 'epcis-events.jsonld',
          },
        ],
        (v) => (UUID.test(v('productId')) ? null : { field: 'productId', message: `productId: ${t('required')} (UUID)` }),
      )
    : null;
  const ledger = regulator
    ? group(
        t('exportLedger'),
        [
          field('fromSeq', t('fromSeq'), input('number', { min: '1', step: '1', inputmode: 'numeric' }), { help: t('optionalBlank') }),
          field('toSeq', t('toSeq'), input('number', { min: '1', step: '1', inputmode: 'numeric' }), { help: t('optionalBlank') }),
        ],
        [{ word: 'ledgerJsonl', path: (v) => `/ledger/export?${qs({ fromSeq: v('fromSeq'), toSeq: v('toSeq') })}`, fallback: 'ledger.jsonl' }],
      )
    : null;
  const own =
    kind !== null ? group(t('exportOwnEvents'), [], [{ word: 'epcisJson', path: () => '/epcis/events?perPage=1000', fallback: 'epcis-query.jsonld' }]) : null;
  return screen(t('exports'), h('p', { class: 'help' }, t('exportsHelp')), trace, product, ledger, own);
}

/** A set of downloads sharing their fields and one progress area; `check` refuses what the route could not read, beside its field. */
function group(
  title: string,
  fields: Field[],
  downloads: Download[],
  check?: (value: (name: string) => string) => { field: string; message: string } | null,
): HTMLElement {
  const value = (name: string) => fields.find((f) => f.name === name)!.control.value.trim();
  const status = h('div', { class: 'status' });
  const buttons = downloads.map((d) => {
    const button = h('button', { type: 'button', class: 'secondary', 'data-download': d.fallback }, t(d.word));
    button.addEventListener('click', () => {
      void (async () => {
        const problem = check?.(value) ?? null;
        if (problem) {
          // Placed as the API's own field errors are.
          const named = fields.find((f) => f.name === problem.field)!;
          show(status);
          setFieldError(named, problem.message);
          named.control.focus();
          return;
        }
        const file = await downloadWithProgress(button, status, d.path(value), d.fallback, fields);
        if (file) saveFile(file, status);
      })().catch((err) => show(status, alertBox(errorText(err))));
    });
    return button;
  });
  return h(
    'section',
    { class: 'panel export-group', 'aria-label': title },
    h('h2', {}, title),
    ...fields.map((f) => f.wrapper),
    h('div', { class: 'actions' }, ...buttons),
    status,
  );
}
