import { gql } from './api.js';
import { h, show } from './dom.js';
import { t } from './i18n.js';
import { alertBox, errorText, field, type Field, input, isoFromLocal, localNow, notice, screen, select } from './ui.js';
import { submitForm } from './forms.js';
import type { Owned } from './views-batches.js';
import { balancePreview } from './transform-balance.js';

/** The yield transformBatches allows by default (MAX_TRANSFORMATION_YIELD); the API checks against the service's own setting. */
const DEFAULT_MAX_YIELD = 1;

/** One output lot's fields, numbered by its place in the list. */
interface OutputLine {
  set: HTMLElement;
  legend: HTMLElement;
  fields: Record<'productId' | 'lotCode' | 'quantity' | 'unit', Field>;
  remove: HTMLButtonElement;
}

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
 * Transforms lots (milling, pooling, packing, splitting): ticks the lots in the organization's custody with how much
 * of each is taken, names the lot or lots made (add or remove output lines), shows the mass balance before it is
 * sent, and `transformBatches` records it; the recorded mass balance comes back from `trace`.
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
    // Output lines: one or more lots made (splitting a lot into several), each named by its place when sent: outputs[k].
    const productChoices = owned.products.edges.map(({ node }): [string, string] => [node.id, node.name]);
    const outputList = h('div', { class: 'output-lines' });
    const outputs: OutputLine[] = [];
    const renumber = () =>
      outputs.forEach((line, k) => {
        line.legend.textContent = t('outputLine', k + 1);
        for (const [key, f] of Object.entries(line.fields)) f.name = `outputs[${k}].${key}`;
        line.remove.hidden = outputs.length === 1;
      });
    const addOutput = () => {
      const n = outputs.length;
      const fields = {
        productId: field(`outputs[${n}].productId`, t('product'), select(productChoices), { required: true }),
        lotCode: field(`outputs[${n}].lotCode`, t('newLot'), input('text', { autocomplete: 'off' }), { required: true }),
        quantity: field(`outputs[${n}].quantity`, t('quantity'), input('number', { step: 'any', min: '0', inputmode: 'decimal' }), { required: true }),
        unit: field(`outputs[${n}].unit`, t('unit'), input('text', { value: batches[0].unit }), { required: true }),
      };
      const remove = h('button', { type: 'button', class: 'secondary' }, t('removeOutput'));
      const legend = h('legend', {});
      const set = h('fieldset', { class: 'output-line' }, legend, ...Object.values(fields).map((f) => f.wrapper), remove);
      const line: OutputLine = { set, legend, fields, remove };
      remove.addEventListener('click', () => {
        outputs.splice(outputs.indexOf(line), 1);
        set.remove();
        renumber();
        updateBalance();
        outputs[0].fields.lotCode.control.focus();
      });
      outputs.push(line);
      outputList.append(set);
      renumber();
    };
    const add = h('button', { type: 'button', class: 'secondary' }, t('addOutput'));
    add.addEventListener('click', () => {
      addOutput();
      outputs[outputs.length - 1].fields.lotCode.control.focus();
      updateBalance();
    });
    addOutput();

    // The balance before submitting, by the rules transformBatches checks (transform-balance.ts): taken vs made, per unit.
    const balance = h('div', { class: 'panel balance', 'aria-live': 'polite', 'data-balance': '' });
    const updateBalance = () => {
      const amount = (f: Field) => (f.control.value.trim() === '' ? NaN : Number(f.control.value));
      const taken = rows
        .filter((r) => r.take.checked)
        .map((r) => ({ name: r.batch.lotCode, quantity: amount(r.quantity), unit: r.batch.unit, left: r.batch.quantity }));
      const made = outputs.map((o, k) => ({ name: `${k + 1}`, quantity: amount(o.fields.quantity), unit: o.fields.unit.control.value.trim() }));
      const preview = balancePreview(taken, made, DEFAULT_MAX_YIELD);
      const totals = (lines: { unit: string; total: number }[]) => lines.map((l) => `${l.total} ${l.unit}`).join(' + ') || '—';
      show(
        balance,
        h('h2', {}, t('balanceBefore')),
        preview.taken.length === 0 || preview.made.length === 0
          ? h('p', { class: 'muted' }, t('balanceNothing'))
          : h(
              'p',
              {},
              `${t('balanceTaken')} ${totals(preview.taken)} → ${t('balanceMade')} ${totals(preview.made)}`,
              preview.yieldPercent !== null ? ` · ${t('balanceYield', preview.yieldPercent.toFixed(1))}` : '',
            ),
        preview.unweighed ? h('p', { class: 'muted' }, t('balanceUnweighed')) : null,
        ...preview.overTaken.map((l) => h('p', { class: 'warning' }, t('balanceOver', l.name, l.quantity, l.unit, l.left))),
        preview.yieldProblem ? h('p', { class: 'warning' }, t('balanceYieldOver')) : null,
      );
    };
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
      h('fieldset', {}, h('legend', {}, t('outputs')), outputList, add),
      balance,
      ...where.map((f) => f.wrapper),
      button,
      status,
    );
    form.addEventListener('input', updateBalance);
    form.addEventListener('change', updateBalance);
    updateBalance();
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const chosen = rows.filter((r) => r.take.checked);
      // The API names an input line by its place in the list sent: inputs[k].
      for (const r of rows) r.quantity.name = `lot-${r.batch.id}`;
      chosen.forEach((r, k) => (r.quantity.name = `inputs[${k}].batchId`));
      const fields: Field[] = [...rows.map((r) => r.quantity), ...outputs.flatMap((o) => Object.values(o.fields)), ...where];
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
              outputs: outputs.map(({ fields: o }) => ({
                productId: value(o.productId),
                lotCode: value(o.lotCode),
                quantity: number(o.quantity),
                unit: value(o.unit),
              })),
            },
          },
        );
        const made = transformBatches.outputs;
        const { trace } = await gql<{ trace: { transformations: Balance[] } }>(
          `query($id: ID!) { trace(batchId: $id, direction: UPSTREAM, maxDepth: 1) {
            transformations { yieldPercent inputs { batchId quantity unit } outputs { batchId quantity unit } } } }`,
          { id: made[0].id },
        );
        const recorded = trace.transformations.find((tr) => tr.outputs.some((o) => o.batchId === made[0].id));
        const total = (lines: Balance['inputs']) =>
          [...new Set(lines.map((l) => l.unit))].map((u) => `${lines.filter((l) => l.unit === u).reduce((s, l) => s + l.quantity, 0)} ${u}`).join(' + ');
        show(
          status,
          notice(
            t('transformed', made.map((m) => m.lotCode).join(', ')),
            recorded
              ? ` ${t('massBalance')}: ${total(recorded.inputs)} → ${total(recorded.outputs)}` +
                  (recorded.yieldPercent != null ? ` · ${t('yield')} ${recorded.yieldPercent.toFixed(1)}%` : '')
              : '',
            // One lot made: its story; several: each named.
            ...made.flatMap((m) => [
              ' ',
              h('a', { href: `#/batch/${m.id}`, 'data-made': m.lotCode }, made.length === 1 ? t('story') : `${t('story')} ${m.lotCode}`),
            ]),
          ),
        );
      });
    });
    show(body, form);
  })();
  return screen(t('transform'), body);
}
