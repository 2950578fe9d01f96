import { gql } from './api.js';
import { h, show } from './dom.js';
import { nameOf, t } from './i18n.js';
import { field, input, notice, select } from './ui.js';
import { submitForm } from './forms.js';

export interface InspectionRow {
  agency: string | null;
  standard: string | null;
  verdict: string;
  items: { name: string; value: number | null; limit: number | null; unit: string | null; passed: boolean }[];
}

export const INSPECTION_FIELDS = 'inspections { agency standard verdict items { name value limit unit passed } }';

/** A batch's inspections, oldest first: verdict, agency, standard and each item against its limit. */
export function inspectionList(inspections: InspectionRow[]): HTMLElement | null {
  if (inspections.length === 0) return null;
  return h(
    'ol',
    { class: 'events inspections' },
    ...inspections.map((i) =>
      h(
        'li',
        { 'data-verdict': i.verdict },
        h('span', { class: `badge ${i.verdict === 'FAIL' ? 'status-RECALLED' : 'status-ACTIVE'}` }, nameOf(i.verdict)),
        ' ',
        [i.agency, i.standard].filter(Boolean).join(' · '),
        h(
          'ul',
          { class: 'details' },
          ...i.items.map((item) =>
            h(
              'li',
              {},
              `${item.name}: ${item.value ?? '—'}${item.unit ? ` ${item.unit}` : ''}` +
                (item.limit != null ? ` (${t('limit')} ${item.limit})` : '') +
                ` · ${item.passed ? t('passed') : t('failed')}`,
            ),
          ),
        ),
      ),
    ),
  );
}

/** A lab's or regulator's sampling inspection of one item; a FAIL holds the batch and everything made from it. */
export function inspectionForm(batchId: string, done: () => void): HTMLElement {
  const fields = [
    field('agency', t('agency'), input('text', { autocomplete: 'off' })),
    field('standard', t('standard'), input('text', { autocomplete: 'off', placeholder: 'GB 2762-2022' })),
    field('items.name', t('itemName'), input('text', { autocomplete: 'off' }), { required: true }),
    field('items.value', t('itemValue'), input('number', { step: 'any', inputmode: 'decimal' })),
    field('items.limit', t('limit'), input('number', { step: 'any', inputmode: 'decimal' })),
    field('items.unit', t('unit'), input('text', { autocomplete: 'off', placeholder: 'mg/kg' })),
    field(
      'items.passed',
      t('itemPassed'),
      select([
        ['true', t('passed')],
        ['false', t('failed')],
      ]),
      { required: true },
    ),
    field(
      'verdict',
      t('verdict'),
      select([
        ['PASS', nameOf('PASS')],
        ['FAIL', nameOf('FAIL')],
      ]),
      { required: true },
    ),
  ];
  const value = (name: string) => fields.find((f) => f.name === name)!.control.value.trim();
  const number = (name: string) => (value(name) === '' ? null : Number(value(name)));
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('recordInspection'));
  const form = h('form', { novalidate: true, class: 'panel' }, h('h2', {}, t('recordInspection')), ...fields.map((f) => f.wrapper), button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submitForm(button, fields, status, async () => {
      await gql('mutation($input: RecordInspectionInput!) { recordInspection(input: $input) { seq } }', {
        input: {
          batchId,
          agency: value('agency') || null,
          standard: value('standard') || null,
          verdict: value('verdict'),
          items: [
            {
              name: value('items.name'),
              value: number('items.value'),
              limit: number('items.limit'),
              unit: value('items.unit') || null,
              passed: value('items.passed') === 'true',
            },
          ],
        },
      });
      done();
    });
  });
  return form;
}

/** A regulator lifts a hold, with the reason recorded in the ledger. */
export function releaseForm(batchId: string, done: () => void): HTMLElement {
  const reason = field('reason', t('releaseReason'), h('textarea', { rows: '2' }), { required: true });
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('release'));
  const form = h('form', { novalidate: true, class: 'panel' }, h('h2', {}, t('release')), reason.wrapper, button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submitForm(button, [reason], status, async () => {
      await gql('mutation($input: ReleaseBatchInput!) { releaseBatch(input: $input) { id status } }', {
        input: { batchId, reason: reason.control.value.trim() },
      });
      show(status, notice(t('released')));
      done();
    });
  });
  return form;
}
