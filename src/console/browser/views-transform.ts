import { gql } from './api.js';
import { h, show } from './dom.js';
import { t } from './i18n.js';
import { alertBox, errorText, field, type Field, input, isoFromLocal, localNow, notice, screen, select } from './ui.js';
import { submitForm } from './forms.js';
import type { Owned } from './views-batches.js';

interface InCustody {
  id: string;
  lotCode: string;
  quantity: number;
  unit: string;
  product: { name: string };
}

interface Balance {
  yieldPercent: number | null;
  inputs: { batchId: string; quantity: number; unit: string }[];
  outputs: { batchId: string; quantity: number; unit: string }[];
}

/**
 * Transforms lots (milling, pooling, packing): ticks the lots in the organization's custody with how much of
 * each is taken, names the lot made, and `transformBatches` records it; the mass balance comes back from `trace`.
 */
export function transformView(): HTMLElement {
  const body = h('div', {}, t('loading'));
  void (async () => {
    let batches: InCustody[];
    let owned: Owned;
    try {
      const data = await gql<{ viewer: Owned & { batches: { edges: { node: InCustody }[] } } }>(
        `{ viewer { batches(first: 100, filter: { status: ACTIVE }) { edges { node { id lotCode quantity unit product { name } } } }
          products(first: 100) { edges { node { id name gtin } } } facilities(first: 100) { edges { node { id name region } } } } }`,
      );
      batches = data.viewer.batches.edges.map((e) => e.node);
      owned = data.viewer;
    } catch (err) {
      show(body, alertBox(errorText(err)));
      return;
    }
    if (batches.length === 0 || owned.products.edges.length === 0) {
      show(body, notice(t('nothingToTransform')));
      return;
    }
    const rows = batches.map((b) => {
      const take = input('checkbox', { value: b.id, 'aria-label': `${t('useLot')} ${b.lotCode}` });
      const quantity = field(
        `lot-${b.id}`,
        `${b.lotCode} · ${b.product.name} (${t('takeOf', b.quantity, b.unit)})`,
        input('number', { step: 'any', min: '0', value: String(b.quantity), inputmode: 'decimal' }),
      );
      quantity.wrapper.prepend(take);
      quantity.wrapper.classList.add('input-line');
      return { batch: b, take, quantity };
    });
    const outputs = [
      field('outputs[0].productId', t('product'), select(owned.products.edges.map(({ node }): [string, string] => [node.id, node.name])), { required: true }),
      field('outputs[0].lotCode', t('newLot'), input('text', { autocomplete: 'off' }), { required: true }),
      field('outputs[0].quantity', t('quantity'), input('number', { step: 'any', min: '0', inputmode: 'decimal' }), { required: true }),
      field('outputs[0].unit', t('unit'), input('text', { value: batches[0].unit }), { required: true }),
    ];
    const where = [
      field('facilityId', t('facility'), select(owned.facilities.edges.map(({ node }): [string, string] => [node.id, node.name])), { required: true }),
      field('eventTime', t('eventTime'), input('datetime-local', { value: localNow() }), { required: true }),
    ];
    const status = h('div', { class: 'status' });
    const button = h('button', { type: 'submit' }, t('transform'));
    const form = h(
      'form',
      { novalidate: true },
      h('fieldset', {}, h('legend', {}, t('inputs')), ...rows.map((r) => r.quantity.wrapper)),
      h('fieldset', {}, h('legend', {}, t('outputs')), ...outputs.map((f) => f.wrapper)),
      ...where.map((f) => f.wrapper),
      button,
      status,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const chosen = rows.filter((r) => r.take.checked);
      // The API names an input line by its place in the list sent: inputs[k].
      for (const r of rows) r.quantity.name = `lot-${r.batch.id}`;
      chosen.forEach((r, k) => (r.quantity.name = `inputs[${k}].batchId`));
      const fields: Field[] = [...rows.map((r) => r.quantity), ...outputs, ...where];
      const value = (f: Field) => f.control.value.trim();
      const number = (f: Field) => (value(f) === '' ? null : Number(value(f)));
      void submitForm(button, fields, status, async () => {
        const { transformBatches } = await gql<{ transformBatches: { outputs: { id: string; lotCode: string }[] } }>(
          'mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { id lotCode } } }',
          {
            input: {
              facilityId: value(where[0]),
              eventTime: isoFromLocal(value(where[1])),
              inputs: chosen.map((r) => ({ batchId: r.batch.id, quantity: number(r.quantity) })),
              outputs: [{ productId: value(outputs[0]), lotCode: value(outputs[1]), quantity: number(outputs[2]), unit: value(outputs[3]) }],
            },
          },
        );
        const made = transformBatches.outputs[0];
        const { trace } = await gql<{ trace: { transformations: Balance[] } }>(
          `query($id: ID!) { trace(batchId: $id, direction: UPSTREAM, maxDepth: 1) {
            transformations { yieldPercent inputs { batchId quantity unit } outputs { batchId quantity unit } } } }`,
          { id: made.id },
        );
        const balance = trace.transformations.find((tr) => tr.outputs.some((o) => o.batchId === made.id));
        const total = (lines: Balance['inputs']) =>
          [...new Set(lines.map((l) => l.unit))].map((u) => `${lines.filter((l) => l.unit === u).reduce((s, l) => s + l.quantity, 0)} ${u}`).join(' + ');
        show(
          status,
          notice(
            t('transformed', made.lotCode),
            balance
              ? ` ${t('massBalance')}: ${total(balance.inputs)} → ${total(balance.outputs)}` +
                  (balance.yieldPercent != null ? ` · ${t('yield')} ${balance.yieldPercent.toFixed(1)}%` : '')
              : '',
            ' ',
            h('a', { href: `#/batch/${made.id}` }, t('story')),
          ),
        );
      });
    });
    show(body, form);
  })();
  return screen(t('transform'), body);
}
