import { givenSerialsProblem } from '../../units/serial-rules.js';
import { ApiError, gql } from './api.js';
import { h, show } from './dom.js';
import { formatTime, nameOf, t } from './i18n.js';
import { downloadWithProgress } from './download.js';
import { parseLines, parseUnitLink } from './units-input.js';
import { alertBox, errorText, facts, field, type Field, input, notice, screen, setFieldError, withProgress } from './ui.js';
import { viewer } from './session.js';

/** The API's bounds (commissionUnits): a count, or up to this many serials named. */
const MAX_COUNT = 1_000_000;
const MAX_GIVEN = 100_000;

interface Commissioning {
  id: string;
  count: number;
  serialsRoot: string;
  entry: { seq: number; recordedAt: string };
}

/** Reasons of the units' HTTP routes said in the console's words (the API's own message follows). */
const DOWNLOAD_REASONS: Record<string, 'sheetBusy' | 'sheetTooLarge' | 'notYourUnits'> = {
  LABEL_SHEET_BUSY: 'sheetBusy',
  LABEL_SHEET_TOO_LARGE: 'sheetTooLarge',
  NOT_OWNER: 'notYourUnits',
};

/** One commissioning's line: how many units, its entry, and its two downloads (progress and Cancel: download.ts). */
function commissioningItem(c: Commissioning, lotCode: string): HTMLElement {
  const result = h('div', { class: 'status' });
  const explain = (reason: string) => (Object.hasOwn(DOWNLOAD_REASONS, reason) ? t(DOWNLOAD_REASONS[reason]) : undefined);
  const button = (kind: 'csv' | 'pdf') => {
    const b = h('button', { type: 'button', class: 'secondary', 'data-download': kind }, kind === 'csv' ? t('unitsCsv') : t('unitLabels'));
    b.addEventListener('click', () => {
      const name = kind === 'csv' ? `units-${lotCode}-${c.entry.seq}.csv` : `unit-labels-${lotCode}-${c.entry.seq}.pdf`;
      void downloadWithProgress(b, result, `/units/${c.id}.${kind}`, name, [], explain).then((file) => {
        if (!file) return;
        const link = h('a', { href: file.url, download: file.name, class: `unit-file-${kind}`, target: '_blank', rel: 'noopener' }, file.name);
        result.append(notice(t('fileReady'), ' ', link));
      });
    });
    return b;
  };
  return h(
    'li',
    { 'data-commissioning': c.id },
    h('strong', {}, t('unitsCount', c.count.toLocaleString())),
    ' ',
    h('span', { class: 'muted' }, `#${c.entry.seq} · ${formatTime(c.entry.recordedAt)}`),
    h('div', { class: 'actions' }, button('csv'), button('pdf')),
    result,
  );
}

/** Shows an error beside the form's field it is about (the API names `count` or `serials`; a serial's own problems are the list's), else above. */
function showUnitsError(err: unknown, fields: { count: Field; serials: Field }, status: HTMLElement): void {
  const message = errorText(err);
  const reason = err instanceof ApiError ? err.reason : undefined;
  const target =
    reason === 'SERIAL_TAKEN' || reason === 'INVALID_SERIAL' || /^serials\b/.test(message) ? fields.serials : /^count\b/.test(message) ? fields.count : null;
  if (target) {
    setFieldError(target, message);
    target.control.focus();
  } else show(status, alertBox(message));
}

/**
 * The lot's serialized units on its story: its commissionings (Batch.commissionings: the lot's readers
 * see them; the CSV and the label sheet are its producer's) and, for a maker, commissioning more: N
 * minted serials, or its own serials pasted or read from a file, checked here with the API's own rule first.
 */
export function unitsPanel(batch: { id: string; lotCode: string; product: { gtin: string | null } }): HTMLElement {
  const panel = h('section', { class: 'panel units-panel', 'aria-labelledby': `units-${batch.id}` });
  const heading = h('h2', { id: `units-${batch.id}` }, t('serializedUnits'));
  const list = h('ul', { class: 'commissionings', 'aria-live': 'polite' });
  const problems = h('div');
  const load = async () => {
    try {
      const { batch: b } = await gql<{ batch: { commissionings: Commissioning[] } | null }>(
        'query($id: ID!) { batch(id: $id) { commissionings { id count serialsRoot entry { seq recordedAt } } } }',
        { id: batch.id },
      );
      const found = b?.commissionings ?? [];
      show(list, ...(found.length ? found.map((c) => commissioningItem(c, batch.lotCode)) : [h('li', { class: 'muted' }, t('noCommissionings'))]));
    } catch (err) {
      show(problems, alertBox(errorText(err)));
    }
  };
  if (!batch.product.gtin) {
    show(panel, heading, notice(t('needsGtin')));
    return panel;
  }
  const maker = ['PRODUCER', 'PROCESSOR', 'RETAILER'].includes(viewer()?.organization?.kind ?? '');
  show(panel, heading, problems, list, maker ? commissionForm(batch.id, load) : null);
  void load();
  return panel;
}

function commissionForm(batchId: string, done: () => Promise<void>): HTMLElement {
  const count = field('count', t('unitCount'), input('number', { min: '1', max: String(MAX_COUNT), step: '1', inputmode: 'numeric' }), {
    help: t('unitCountHelp'),
  });
  const serials = field('serials', t('ownSerials'), h('textarea', { rows: 4, spellcheck: 'false', autocomplete: 'off' }), { help: t('ownSerialsHelp') });
  const file = field('serialsFile', t('serialsFile'), input('file', { accept: '.csv,.txt,text/csv,text/plain' }));
  file.control.addEventListener('change', () => {
    const chosen = (file.control as HTMLInputElement).files?.[0];
    if (chosen) void chosen.text().then((text) => (serials.control.value = parseLines(text).join('\n')));
  });
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('commission'));
  // One key per request: a double click or a retry after a lost answer gets the first commissioning back, not a second.
  let key = crypto.randomUUID();
  let keyFor = '';
  const form = h(
    'form',
    { novalidate: true, class: 'commission' },
    h('h3', {}, t('commissionUnits')),
    count.wrapper,
    serials.wrapper,
    file.wrapper,
    button,
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setFieldError(count, null);
    setFieldError(serials, null);
    show(status);
    const given = parseLines(serials.control.value);
    const n = given.length || Number(count.control.value);
    // The API's own checks, before the request: the error beside its field.
    const local =
      given.length > MAX_GIVEN
        ? { f: serials, m: t('tooManySerials', MAX_GIVEN.toLocaleString(), given.length.toLocaleString()) }
        : given.length
          ? ((p) => (p ? { f: serials, m: p } : null))(givenSerialsProblem(given))
          : !Number.isInteger(n) || n < 1 || n > MAX_COUNT
            ? { f: count, m: t('countRange', MAX_COUNT.toLocaleString()) }
            : null;
    if (local) {
      setFieldError(local.f, local.m);
      local.f.control.focus();
      return;
    }
    const request = JSON.stringify([n, given]);
    if (request !== keyFor) [key, keyFor] = [crypto.randomUUID(), request];
    let failure: unknown = null;
    void withProgress(button, status, 'saving', async () => {
      try {
        const { commissionUnits } = await gql<{ commissionUnits: { count: number; entry: { seq: number } } }>(
          'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { count entry { seq } } }',
          { input: { batchId, count: n, serials: given.length ? given : null, idempotencyKey: key } },
        );
        keyFor = '';
        serials.control.value = '';
        await done();
        show(status, notice(t('commissioned', commissionUnits.count.toLocaleString(), commissionUnits.entry.seq)));
      } catch (err) {
        failure = err;
      }
    }).then(() => failure !== null && showUnitsError(failure, { count, serials }, status));
  });
  return form;
}

interface FoundUnit {
  gtin: string;
  serial: string;
  digitalLink: string;
  recalled: boolean;
  packagePath: string[];
  holder: { id: string; name: string };
  batch: { id: string; lotCode: string; status: string; product: { name: string } };
  events: { seq: number; bizStep: string; eventTime: string; facilityName: string | null }[];
  sale: { seq: number; eventTime: string; facilityName: string | null } | null;
}

/** Look up a unit: its GTIN and serial, or its Digital Link (or page URL) pasted, to unit(): lot, holder, packages, events, sale. */
export function unitLookupView(): HTMLElement {
  const gtin = field('gtin', t('gtinOrLink'), input('text', { autocomplete: 'off', spellcheck: 'false', inputmode: 'url' }), {
    required: true,
    help: t('gtinOrLinkHelp'),
  });
  const serial = field('serial', t('serial'), input('text', { autocomplete: 'off', spellcheck: 'false', maxlength: '20' }));
  const status = h('div', { class: 'status' });
  const result = h('div', { 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, t('lookUp'));
  const form = h('form', { novalidate: true, role: 'search' }, gtin.wrapper, serial.wrapper, button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setFieldError(gtin, null);
    setFieldError(serial, null);
    const typed = gtin.control.value.trim();
    const named = parseUnitLink(typed) ?? (serial.control.value.trim() ? { gtin: typed, serial: serial.control.value.trim() } : null);
    if (!named) {
      const f = typed && !/^\d+$/.test(typed) ? gtin : serial;
      setFieldError(f, f === gtin ? t('notUnitLink') : `${t('serial')}: ${t('required')}`);
      f.control.focus();
      return;
    }
    let failure: unknown = null;
    void withProgress(button, status, 'loading', async () => {
      try {
        const { unit } = await gql<{ unit: FoundUnit | null }>(
          `query($gtin: String!, $serial: String!) { unit(gtin: $gtin, serial: $serial) { gtin serial digitalLink recalled packagePath holder { id name }
            batch { id lotCode status product { name } } events { seq bizStep eventTime facilityName } sale { seq eventTime facilityName } } }`,
          { ...named },
        );
        show(result, unit ? unitFacts(unit) : alertBox(t('noSuchUnit')));
      } catch (err) {
        failure = err;
      }
    }).then(() => {
      if (failure === null) return;
      const reason = failure instanceof ApiError ? failure.reason : undefined;
      const f = reason === 'INVALID_GTIN' ? gtin : reason === 'INVALID_SERIAL' ? serial : null;
      show(result);
      if (f) {
        setFieldError(f, errorText(failure));
        f.control.focus();
      } else show(status, alertBox(errorText(failure)));
    });
  });
  return screen(t('unitLookup'), form, result);
}

function unitFacts(u: FoundUnit): HTMLElement {
  const page = `/u/${u.gtin}/${encodeURIComponent(u.serial)}`;
  return h(
    'div',
    { class: 'unit', 'data-unit': u.serial },
    facts([
      ['GTIN', h('code', {}, u.gtin)],
      [t('serial'), h('code', {}, u.serial)],
      [t('product'), u.batch.product.name],
      [t('lotCode'), h('a', { href: `#/batch/${u.batch.id}` }, u.batch.lotCode)],
      [
        t('status'),
        [
          h('span', { class: `badge status-${u.batch.status}` }, nameOf(u.batch.status)),
          u.recalled ? h('strong', { class: 'alert-text' }, ` ${t('unitRecalled')}`) : '',
        ],
      ],
      [t('holder'), h('span', { 'data-holder': u.holder.id }, u.holder.name)],
      [
        t('packagePath'),
        u.packagePath.length ? h('ol', { class: 'package-path' }, ...u.packagePath.map((s) => h('li', {}, h('code', {}, s)))) : t('notPacked'),
      ],
      [t('sold'), u.sale ? `${formatTime(u.sale.eventTime)}${u.sale.facilityName ? ` · ${u.sale.facilityName}` : ''} (#${u.sale.seq})` : t('notSold')],
      ['Digital Link', h('code', { class: 'wrap' }, u.digitalLink)],
    ]),
    h('p', {}, h('a', { href: page, target: '_blank', rel: 'noopener', class: 'unit-page' }, t('unitPublicPage'))),
    h('h2', {}, t('unitEvents')),
    u.events.length
      ? h(
          'ol',
          { class: 'events' },
          ...u.events.map((ev) =>
            h(
              'li',
              { 'data-step': ev.bizStep },
              h('strong', {}, nameOf(ev.bizStep)),
              ' ',
              h('span', { class: 'muted' }, `#${ev.seq} · ${formatTime(ev.eventTime)}${ev.facilityName ? ` · ${ev.facilityName}` : ''}`),
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('noUnitEvents')),
  );
}
