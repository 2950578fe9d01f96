import { ApiError, gql } from './api.js';
import { h, show } from './dom.js';
import { type Page, pagedList } from './paged-list.js';
import { detailsOf, submitForm } from './forms.js';
import { formatTime, nameOf, t } from './i18n.js';
import { viewer } from './session.js';
import { alertBox, errorText, facts, field, type Field, input, isoFromLocal, localNow, notice, screen, select, setFieldError } from './ui.js';

/**
 * A receiving desk's screens (issue 19): the lots shipped to the organization and not yet received
 * (viewer.inboundBatches), each received on a form with the lot already chosen; and the recalls that
 * reach a holder's lots (viewer.recalls), with what it recovered reported beside each lot it holds.
 */

const PAGE = 20;

interface Shipment {
  shippedBy: { name: string };
  quantity: number;
  unit: string;
  shippedAt: string;
}

interface InboundLot {
  id: string;
  lotCode: string;
  traceCode: string;
  product: { name: string };
  shipment: Shipment | null;
}

const INBOUND_FIELDS = 'id lotCode traceCode product { name } shipment { shippedBy { name } quantity unit shippedAt }';

/** The lots on their way to the organization, newest shipment first, 20 at a time. */
export function inboundView(): HTMLElement {
  const { list, more, problems, load } = pagedList<InboundLot>({
    listClass: 'batch-list inbound',
    fetchPage: async (after) =>
      (
        await gql<{ viewer: { inboundBatches: Page<InboundLot> } }>(
          `query($first: Int, $after: String) { viewer { inboundBatches(first: $first, after: $after) {
          edges { node { ${INBOUND_FIELDS} } } pageInfo { endCursor hasNextPage } } } }`,
          { first: PAGE, after },
        )
      ).viewer.inboundBatches,
    item: inboundItem,
    empty: () => h('li', { class: 'muted', 'data-empty': 'inbound' }, t('noInbound')),
  });
  void load(true);
  return screen(t('receive'), h('p', {}, t('inboundIntro')), problems, list, more);
}

function inboundItem(lot: InboundLot): HTMLElement {
  const s = lot.shipment;
  return h(
    'li',
    { 'data-lot': lot.lotCode },
    h('strong', {}, lot.lotCode),
    ' · ',
    lot.product.name,
    s
      ? facts([
          [t('shippedBy'), s.shippedBy.name],
          [t('shippedAt'), formatTime(s.shippedAt)],
          [t('shippedQuantity'), `${s.quantity} ${s.unit}`],
        ])
      : null,
    h('p', {}, h('a', { href: `#/receive/${lot.id}`, class: 'button', 'aria-label': t('receiveLot', lot.lotCode) }, t('receiveThis'))),
  );
}

interface ReceivingRule {
  bizStep: string;
  details: { name: string; kind: 'TEXT' | 'DATE'; maxLength: number }[];
}

/** RECEIVING of one inbound lot: the lot is the one chosen from the list; the quantity shipped is filled in. */
export function receiveFormView(batchId: string): HTMLElement {
  const body = h('div', {}, t('loading'));
  const back = h('p', {}, h('a', { href: '#/receive' }, t('backToInbound')));
  let title = t('receive');
  const frame = screen(title, body, back);
  void (async () => {
    let lot: InboundLot | null;
    let rule: ReceivingRule | undefined;
    let facilities: [string, string][];
    try {
      const data = await gql<{
        batch: InboundLot | null;
        eventRules: ReceivingRule[];
        viewer: { facilities: { edges: { node: { id: string; name: string; region: string | null } }[] } };
      }>(
        `query($id: ID!) { batch(id: $id) { ${INBOUND_FIELDS} } eventRules { bizStep details { name kind maxLength } }
          viewer { facilities(first: 100) { edges { node { id name region } } } } }`,
        { id: batchId },
      );
      lot = data.batch;
      rule = data.eventRules.find((r) => r.bizStep === 'RECEIVING');
      facilities = data.viewer.facilities.edges.map(({ node }): [string, string] => [node.id, node.region ? `${node.name} · ${node.region}` : node.name]);
    } catch (err) {
      show(body, alertBox(errorText(err)));
      return;
    }
    const shipment = lot?.shipment;
    if (!lot || !shipment) {
      show(body, alertBox(t('notInboundToYou')), lot ? h('p', {}, h('a', { href: `#/batch/${lot.id}` }, t('story'))) : null);
      return;
    }
    title = t('receiveLot', lot.lotCode);
    frame.querySelector('h1')!.textContent = title;
    const fields: Field[] = [
      field('eventTime', t('eventTime'), input('datetime-local', { value: localNow() }), { required: true }),
      field('facilityId', t('facility'), select(facilities), { required: true }),
      field('quantity', t('receivedQuantity'), input('number', { step: 'any', min: '0', inputmode: 'decimal', value: String(shipment.quantity) }), {
        required: true,
        help: `${t('shippedQuantity')}: ${shipment.quantity} ${shipment.unit}`,
      }),
      ...(rule?.details ?? []).map((d) =>
        field(`details.${d.name}`, nameOf(d.name), input(d.kind === 'DATE' ? 'date' : 'text', { maxlength: String(d.maxLength) }), { required: true }),
      ),
    ];
    const status = h('div', { class: 'status' });
    const button = h('button', { type: 'submit' }, t('confirmReceipt'));
    const form = h('form', { novalidate: true }, ...fields.map((f) => f.wrapper), button, status);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const values = Object.fromEntries(fields.map((f) => [f.name, f.control.value.trim()]));
      const details = detailsOf(values);
      void submitForm(button, fields, status, async () => {
        await gql('mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq } }', {
          input: {
            batchId: lot.id,
            bizStep: 'RECEIVING',
            eventTime: isoFromLocal(values.eventTime),
            facilityId: values.facilityId || null,
            quantity: values.quantity === '' ? null : Number(values.quantity),
            ...(Object.keys(details).length ? { details } : {}),
          },
        });
        show(
          body,
          notice(t('received'), ' ', h('a', { href: `#/batch/${lot.id}` }, t('story'))),
          h('p', {}, h('a', { href: '#/receive', class: 'button secondary' }, t('backToInbound'))),
        );
        back.hidden = true;
      });
    });
    show(
      body,
      facts([
        [t('product'), lot.product.name],
        [t('lotCode'), lot.lotCode],
        [t('shippedBy'), shipment.shippedBy.name],
        [t('shippedAt'), formatTime(shipment.shippedAt)],
        [t('shippedQuantity'), `${shipment.quantity} ${shipment.unit}`],
      ]),
      form,
    );
  })();
  return frame;
}

interface RecallBatch {
  id: string;
  lotCode: string;
  quantity: number;
  unit: string;
  status: string;
  product: { name: string };
  custodian: { id: string };
}

interface HolderRecall {
  id: string;
  level: string;
  reason: string;
  status: string;
  initiatedAt: string;
  completeBy: string;
  affectedBatches: RecallBatch[];
  effectiveness: { organizationId: string; unit: string; affected: number; recovered: number; percent: number | null }[];
}

const RECALL_FIELDS = `id level reason status initiatedAt completeBy
  affectedBatches { id lotCode quantity unit status product { name } custodian { id } }
  effectiveness { organizationId unit affected recovered percent }`;

/** The recalls reaching the organization's lots: the lots it holds, its recovery, and a report of what it recovered. */
export function holderRecallsView(): HTMLElement {
  const { list, more, problems, load } = pagedList<HolderRecall>({
    listClass: 'recalls',
    fetchPage: async (after) =>
      (
        await gql<{ viewer: { recalls: Page<HolderRecall> } }>(
          `query($first: Int, $after: String) { viewer { recalls(first: $first, after: $after) {
          edges { node { ${RECALL_FIELDS} } } pageInfo { endCursor hasNextPage } } } }`,
          { first: PAGE, after },
        )
      ).viewer.recalls,
    item: recallItem,
    empty: () => h('li', { class: 'muted', 'data-empty': 'recalls' }, t('noHolderRecalls')),
  });
  void load(true);
  return screen(t('holderRecalls'), h('p', {}, t('holderRecallsIntro')), problems, list, more);
}

/** One recall; redrawn in place with the API's answer after a report, so the totals shown are the API's. */
function recallItem(recall: HolderRecall): HTMLElement {
  const item = h('li', { 'data-recall': recall.id });
  const draw = (r: HolderRecall) => {
    const us = viewer()?.organization?.id;
    const held = r.affectedBatches.filter((b) => b.custodian.id === us);
    const others = r.affectedBatches.length - held.length;
    const ours = r.effectiveness.filter((x) => x.organizationId === us);
    show(
      item,
      h(
        'p',
        {},
        h('span', { class: 'badge status-RECALLED' }, nameOf(r.level)),
        ' ',
        h('strong', {}, r.reason),
        ' ',
        h('span', { class: 'badge', 'data-recall-status': r.status }, nameOf(r.status)),
      ),
      h('p', { class: 'muted' }, `${t('initiatedAt')} ${formatTime(r.initiatedAt)} · ${t('completeBy')} ${formatTime(r.completeBy)}`),
      ours.length
        ? h(
            'p',
            { 'data-your-recovery': '' },
            `${t('yourRecovery')}: `,
            ours.map((x) => t('recoveryTotals', x.recovered, x.affected, x.unit, x.percent === null ? '—' : `${x.percent}%`)).join('; '),
          )
        : null,
      h('h2', {}, t('lotsYouHold')),
      held.length === 0
        ? h('p', { class: 'muted' }, t('noLotsYouHold'))
        : h(
            'ul',
            { class: 'held-lots' },
            ...held.map((b) =>
              h(
                'li',
                { 'data-lot': b.lotCode },
                h('a', { href: `#/batch/${b.id}` }, h('strong', {}, b.lotCode), ' · ', b.product.name),
                ' ',
                h('span', { class: `badge status-${b.status}` }, nameOf(b.status)),
                ' ',
                h('span', { class: 'muted' }, `${b.quantity} ${b.unit}`),
                r.status === 'OPEN' ? recoveryForm(r.id, b, draw) : null,
              ),
            ),
          ),
      others > 0 ? h('p', { class: 'muted' }, t('otherAffected', others)) : null,
    );
  };
  draw(recall);
  return item;
}

/** reportRecallRecovery for one held lot; the API's error beside the field it is about (a quantity past what is left: beside the quantity). */
function recoveryForm(recallId: string, lot: RecallBatch, redraw: (r: HolderRecall) => void): HTMLElement {
  const quantity = field('quantity', `${t('recoveryQuantity')} (${lot.unit})`, input('number', { step: 'any', min: '0', inputmode: 'decimal' }), {
    required: true,
  });
  const disposition = field(
    'disposition',
    t('disposition'),
    select([
      ['RETURNED', t('dispositionReturned')],
      ['DESTROYED', t('dispositionDestroyed')],
    ]),
    { required: true },
  );
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('reportRecovery'));
  const form = h('form', { novalidate: true, class: 'recovery', 'data-recovery-for': lot.lotCode }, quantity.wrapper, disposition.wrapper, button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      let answer: HolderRecall | undefined;
      await submitForm(button, [quantity, disposition], status, async () => {
        const value = quantity.control.value.trim();
        // Float! cannot be sent empty: said beside the field, as the API says its own problems.
        if (value === '') {
          setFieldError(quantity, `${t('recoveryQuantity')}: ${t('required')}`);
          quantity.control.focus();
          return undefined;
        }
        try {
          answer = (
            await gql<{ reportRecallRecovery: HolderRecall }>(
              `mutation($input: ReportRecallRecoveryInput!) { reportRecallRecovery(input: $input) { ${RECALL_FIELDS} } }`,
              { input: { recallId, batchId: lot.id, quantity: Number(value), disposition: disposition.control.value } },
            )
          ).reportRecallRecovery;
        } catch (err) {
          // "reporting 5 kg is more than the 3 kg still to recover": about the quantity, though it does not start with its name.
          if (err instanceof ApiError && err.reason === 'INSUFFICIENT_QUANTITY') {
            setFieldError(quantity, err.message);
            quantity.control.focus();
            return undefined;
          }
          throw err;
        }
        return answer;
      });
      if (answer) {
        redraw(answer);
        const shown = document.querySelector(`[data-recall="${recallId}"]`);
        shown?.prepend(notice(t('recoveryReported')));
      }
    })();
  });
  return form;
}
