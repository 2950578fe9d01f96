import { gql } from './api.js';
import { downloadWithProgress } from './download.js';
import { MAKERS } from '../../auth/caller.js';
import { CERTIFICATE_FIELDS, type CertificateRow, certificatesSection, isAttester } from './views-certificates.js';
import { detailsOf, submitForm } from './forms.js';
import { mockRecallButton } from './views-oversight.js';
import { COLD_CHAIN_FIELDS, type ColdChainFacts, excursionList, temperatureUpload } from './views-cold-chain.js';
import { h, show } from './dom.js';
import { type Page, pagedList } from './paged-list.js';
import { formatTime, nameOf, t } from './i18n.js';
import { viewer } from './session.js';
import { INSPECTION_FIELDS, inspectionForm, inspectionList, type InspectionRow, releaseForm } from './views-inspection.js';
import { unitsPanel } from './views-units.js';
import { alertBox, errorText, facts, field, type Field, input, isoFromLocal, localNow, notice, screen, select, withProgress } from './ui.js';

const STATUSES = ['ACTIVE', 'IN_TRANSIT', 'ON_HOLD', 'RECALLED', 'CONSUMED', 'DESTROYED'];
const PAGE = 20;

interface BatchRow {
  id: string;
  lotCode: string;
  traceCode: string;
  status: string;
  quantity: number;
  unit: string;
  producedAt: string;
  product: { name: string };
}

/** The organization's batches: by status and lot code, a page at a time (the API's connection). */
export function batchesView(): HTMLElement {
  const status = field('status', t('status'), select([['', t('allStatuses')], ...STATUSES.map((s): [string, string] => [s, nameOf(s)])]));
  const lot = field('lotCode', t('searchLot'), input('search', { autocomplete: 'off' }));
  const { list, more, problems, load } = pagedList<BatchRow>({
    listClass: 'batch-list',
    fetchPage: async (after) => {
      const filter: Record<string, string> = {};
      if (status.control.value) filter.status = status.control.value;
      if (lot.control.value.trim()) filter.lotCode = lot.control.value.trim();
      const data = await gql<{ viewer: { batches: Page<BatchRow> } }>(
        `query($first: Int, $after: String, $filter: BatchFilter) { viewer { batches(first: $first, after: $after, filter: $filter) {
          edges { node { id lotCode traceCode status quantity unit producedAt product { name } } } pageInfo { endCursor hasNextPage } } } }`,
        { first: PAGE, after, filter },
      );
      return data.viewer.batches;
    },
    item: batchItem,
    empty: () => h('li', { class: 'muted' }, t('noBatches')),
  });
  const form = h('form', { class: 'filters', role: 'search', novalidate: true }, status.wrapper, lot.wrapper, h('button', { type: 'submit' }, t('search')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load(true);
  });
  status.control.addEventListener('change', () => void load(true));
  void load(true);
  return screen(t('batches'), h('p', {}, h('a', { href: '#/batches/new', class: 'button' }, t('registerBatch'))), form, problems, list, more);
}

function batchItem(b: BatchRow): HTMLElement {
  return h(
    'li',
    { 'data-lot': b.lotCode },
    h('a', { href: `#/batch/${b.id}` }, h('strong', {}, b.lotCode), ' · ', b.product.name),
    h('span', { class: `badge status-${b.status}` }, nameOf(b.status)),
    h('span', { class: 'muted' }, `${b.quantity} ${b.unit} · ${formatTime(b.producedAt)}`),
  );
}

export interface Owned {
  products: { edges: { node: { id: string; name: string; gtin: string | null } }[] };
  facilities: { edges: { node: { id: string; name: string; region: string | null } }[] };
}

const OWNED_QUERY = '{ viewer { products(first: 100) { edges { node { id name gtin } } } facilities(first: 100) { edges { node { id name region } } } } }';

/** Register a batch of one of the organization's products at one of its facilities. */
export function registerBatchView(go: (path: string) => void): HTMLElement {
  const body = h('div', {}, t('loading'));
  void (async () => {
    let owned: Owned;
    try {
      owned = (await gql<{ viewer: Owned }>(OWNED_QUERY)).viewer;
    } catch (err) {
      show(body, alertBox(errorText(err)));
      return;
    }
    const products = owned.products.edges.map(({ node }): [string, string] => [node.id, node.gtin ? `${node.name} (${node.gtin})` : node.name]);
    const facilities = owned.facilities.edges.map(({ node }): [string, string] => [node.id, node.region ? `${node.name} · ${node.region}` : node.name]);
    if (products.length === 0 || facilities.length === 0) {
      show(body, notice(t('needProductFacility')));
      return;
    }
    const fields = [
      field('productId', t('product'), select(products), { required: true }),
      field('facilityId', t('facility'), select(facilities), { required: true }),
      field('lotCode', t('lotCode'), input('text', { autocomplete: 'off' }), { required: true }),
      field('quantity', t('quantity'), input('number', { step: 'any', min: '0', inputmode: 'decimal' }), { required: true }),
      field('unit', t('unit'), input('text', { value: 'kg', list: 'units' }), { required: true }),
      field('producedAt', t('producedAt'), input('datetime-local', { value: localNow() }), { required: true }),
    ];
    const value = (name: string) => fields.find((f) => f.name === name)!.control.value;
    const status = h('div', { class: 'status' });
    const button = h('button', { type: 'submit' }, t('registerBatch'));
    const form = h(
      'form',
      { novalidate: true },
      ...fields.map((f) => f.wrapper),
      h('datalist', { id: 'units' }, ...['kg', 't', 'L', 'case'].map((u) => h('option', { value: u }))),
      button,
      status,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void submitForm(button, fields, status, async () => {
        const quantity = value('quantity').trim();
        const { registerBatch } = await gql<{ registerBatch: { id: string } }>(
          'mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { id } }',
          {
            input: {
              productId: value('productId'),
              facilityId: value('facilityId'),
              lotCode: value('lotCode').trim(),
              quantity: quantity === '' ? null : Number(quantity),
              unit: value('unit').trim(),
              producedAt: isoFromLocal(value('producedAt')),
            },
          },
        );
        go(`#/batch/${registerBatch.id}?registered=1`);
      });
    });
    show(body, form);
  })();
  return screen(t('registerBatch'), body);
}

interface StoryBatch extends BatchRow, ColdChainFacts {
  withheldFields: string[];
  custodian: { name: string };
  product: { id: string; name: string; gtin: string | null; minTempC: number | null; maxTempC: number | null };
  certificates: CertificateRow[];
  events: { seq: number; type: string; recordedAt: string; payload: Record<string, unknown> | null }[];
  inspections: InspectionRow[];
}

/** A batch's story: its facts, its ledger entries, and what can be done with it. */
export function batchView(id: string, query: URLSearchParams): HTMLElement {
  const body = h('div', {}, t('loading'));
  const section = screen(t('story'), body);
  const reload = () => void load(new URLSearchParams());
  const load = async (query: URLSearchParams) => {
    let batch: StoryBatch | null;
    try {
      batch = (
        await gql<{ batch: StoryBatch | null }>(
          `query($id: ID!) { batch(id: $id) { id lotCode traceCode status quantity unit producedAt withheldFields ${COLD_CHAIN_FIELDS}
            custodian { name } product { id name gtin minTempC maxTempC } events { seq type recordedAt payload }
            ${INSPECTION_FIELDS} ${CERTIFICATE_FIELDS} } }`,
          { id },
        )
      ).batch;
    } catch (err) {
      show(body, alertBox(errorText(err)));
      return;
    }
    if (!batch) {
      show(body, alertBox(t('notFound')));
      return;
    }
    section.querySelector('h1')!.textContent = `${batch.product.name} · ${batch.lotCode}`;
    const kind = viewer()?.organization?.kind;
    const verifyStatus = h('div', { class: 'status' });
    const verify = h('button', { type: 'button', class: 'secondary' }, t('verification'));
    verify.addEventListener('click', () => {
      void withProgress(verify, verifyStatus, 'loading', async () => {
        const { verifyBatch } = await gql<{ verifyBatch: { valid: boolean; checkedEntries: number; reason: string | null } }>(
          'query($id: ID!) { verifyBatch(batchId: $id) { valid checkedEntries reason } }',
          { id },
        );
        show(verifyStatus, verifyBatch.valid ? notice(t('verified', verifyBatch.checkedEntries)) : alertBox(t('notVerified', verifyBatch.reason ?? '')));
      });
    });
    const labelStatus = h('div', { class: 'status' });
    const labels = h('button', { type: 'button', class: 'secondary' }, t('printLabels'));
    labels.addEventListener('click', () => {
      void (async () => {
        const pdf = await downloadWithProgress(
          labels,
          labelStatus,
          `/labels/sheet.pdf?traceCodes=${encodeURIComponent(batch.traceCode)}`,
          `labels-${batch.traceCode}.pdf`,
        );
        if (!pdf) return;
        const link = h('a', { href: pdf.url, target: '_blank', rel: 'noopener', class: 'label-sheet', download: pdf.name }, t('labelSheet'));
        show(labelStatus, notice(t('labelsOpened'), ' ', link));
        window.open(pdf.url, '_blank', 'noopener');
      })();
    });
    const holder = kind === 'PRODUCER' || kind === 'PROCESSOR' || kind === 'LOGISTICS' || kind === 'RETAILER';
    show(
      body,
      query.get('registered') ? notice(t('registered')) : null,
      facts([
        [t('traceCode'), h('code', { 'data-trace-code': batch.traceCode }, batch.traceCode)],
        [t('batchId'), h('code', {}, batch.id)],
        [t('status'), h('span', { class: `badge status-${batch.status}`, 'data-status': batch.status }, nameOf(batch.status))],
        [t('quantity'), `${batch.quantity} ${batch.unit}`],
        [t('producedAt'), formatTime(batch.producedAt)],
        [t('custodian'), batch.custodian.name],
        [
          t('coldChain'),
          [
            h('span', { 'data-cold-chain': batch.coldChainStatus }, nameOf(batch.coldChainStatus)),
            batch.meanKineticTemperatureC != null ? ` · ${t('mkt')} ${batch.meanKineticTemperatureC.toFixed(1)} °C` : '',
            excursionList(batch),
          ],
        ],
      ]),
      batch.withheldFields.length ? notice(t('withheld', batch.withheldFields.join(', '))) : null,
      h(
        'div',
        { class: 'actions' },
        holder ? h('a', { class: 'button', href: `#/batch/${id}/event` }, t('recordEvent')) : null,
        holder ? labels : null,
        verify,
        h('a', { class: 'button secondary', href: `#/trace/${id}/UPSTREAM` }, t('upstream')),
        h('a', { class: 'button secondary', href: `#/trace/${id}/DOWNSTREAM` }, t('downstream')),
      ),
      labelStatus,
      verifyStatus,
      h('h2', {}, t('events')),
      h('ol', { class: 'events' }, ...batch.events.map(eventItem)),
      kind === 'REGULATOR'
        ? h('p', {}, h('a', { class: 'button secondary', href: `#/exports?batch=${id}&product=${batch.product.id}` }, t('exportRecords')))
        : null,
      // The batch's producer, or an attester, attaches; the API says so to anyone else.
      certificatesSection({ batchId: id }, batch.certificates, (kind !== undefined && MAKERS.includes(kind)) || isAttester(), reload),
      batch.inspections.length ? h('h2', {}, t('inspections')) : null,
      inspectionList(batch.inspections),
      holder && batch.withheldFields.length === 0 ? unitsPanel(batch) : null,
      holder && batch.coldChainStatus !== 'NOT_APPLICABLE' ? temperatureUpload(id, batch, reload) : null,
      kind === 'LAB' || kind === 'REGULATOR' ? inspectionForm(id, reload) : null,
      kind === 'REGULATOR' && batch.status === 'ON_HOLD' ? releaseForm(id, reload) : null,
      kind === 'REGULATOR' ? mockRecallButton(id) : null,
    );
  };
  void load(query);
  return section;
}

function eventItem(entry: StoryBatch['events'][number]): HTMLElement {
  const payload = entry.payload ?? {};
  const step = nameOf(typeof payload.bizStep === 'string' ? payload.bizStep : entry.type);
  const time = typeof payload.eventTime === 'string' ? payload.eventTime : entry.recordedAt;
  const details = payload.details && typeof payload.details === 'object' ? Object.entries(payload.details as Record<string, unknown>) : [];
  return h(
    'li',
    { 'data-step': typeof payload.bizStep === 'string' ? payload.bizStep : entry.type },
    h('strong', {}, step),
    ' ',
    h('span', { class: 'muted' }, `#${entry.seq} · ${formatTime(time)}`),
    typeof payload.quantity === 'number' ? h('span', {}, ` · ${payload.quantity} ${typeof payload.unit === 'string' ? payload.unit : ''}`) : null,
    details.length
      ? h('ul', { class: 'details' }, ...details.map(([k, v]) => h('li', {}, `${nameOf(k)}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)))
      : null,
  );
}

interface StepRule {
  bizStep: string;
  recordedWith: string | null;
  requiresFacility: boolean;
  requiresQuantity: boolean;
  requiresDestination: boolean;
  details: { name: string; kind: 'TEXT' | 'DATE'; maxLength: number }[];
}

const RULES_QUERY = '{ eventRules { bizStep recordedWith requiresFacility requiresQuantity requiresDestination details { name kind maxLength } } }';

/**
 * Records an event. The form is built from the API's own rules (`eventRules`, the table recordEvent
 * checks with): the step chosen decides which key data elements it asks for. `batchId` null: the
 * receiving screen, where the batch is typed in and the step is RECEIVING.
 */
export function eventView(batchId: string, go: (path: string) => void): HTMLElement {
  const body = h('div', {}, t('loading'));
  void (async () => {
    let rules: StepRule[];
    let facilities: [string, string][];
    try {
      const data = await gql<{ eventRules: StepRule[]; viewer: { facilities: Owned['facilities'] } }>(
        `{ ${RULES_QUERY.slice(1, -1)} viewer { facilities(first: 100) { edges { node { id name region } } } } }`,
      );
      rules = data.eventRules;
      facilities = data.viewer.facilities.edges.map(({ node }): [string, string] => [node.id, node.region ? `${node.name} · ${node.region}` : node.name]);
    } catch (err) {
      show(body, alertBox(errorText(err)));
      return;
    }
    const stepField = field('bizStep', t('step'), select(rules.map((r): [string, string] => [r.bizStep, `${nameOf(r.bizStep)} (${r.bizStep})`])), {
      required: true,
    });
    const stepFields = h('div');
    const status = h('div', { class: 'status' });
    const button = h('button', { type: 'submit' }, t('recordEvent'));
    let fields: Field[] = [];
    const build = () => {
      const rule = rules.find((r) => r.bizStep === stepField.control.value)!;
      fields = [
        stepField,
        field('eventTime', t('eventTime'), input('datetime-local', { value: localNow() }), { required: true }),
        field('facilityId', t('facility'), select(facilities), { required: rule.requiresFacility }),
        field('quantity', t('quantity'), input('number', { step: 'any', min: '0', inputmode: 'decimal' }), { required: rule.requiresQuantity }),
        ...(rule.requiresDestination ? [field('destinationOrganizationId', t('destination'), input('text', { autocomplete: 'off' }), { required: true })] : []),
        ...rule.details.map((d) =>
          field(`details.${d.name}`, nameOf(d.name), input(d.kind === 'DATE' ? 'date' : 'text', { maxlength: String(d.maxLength) }), { required: true }),
        ),
      ];
      show(stepFields, rule.recordedWith ? notice(t('recordedWith', rule.recordedWith)) : null, ...fields.filter((f) => f !== stepField).map((f) => f.wrapper));
      button.disabled = rule.recordedWith !== null;
      show(status);
    };
    stepField.control.addEventListener('change', build);
    build();
    const form = h('form', { novalidate: true }, stepField.wrapper, stepFields, button, status);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const values = Object.fromEntries(fields.map((f) => [f.name, f.control.value.trim()]));
      const details = detailsOf(values);
      void submitForm(button, fields, status, async () => {
        const { recordEvent } = await gql<{ recordEvent: { seq: number } }>('mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq } }', {
          input: {
            batchId,
            bizStep: values.bizStep,
            eventTime: isoFromLocal(values.eventTime),
            facilityId: values.facilityId || null,
            quantity: values.quantity === '' ? null : Number(values.quantity),
            ...(values.destinationOrganizationId !== undefined ? { destinationOrganizationId: values.destinationOrganizationId || null } : {}),
            ...(Object.keys(details).length ? { details } : {}),
          },
        });
        show(status, notice(t('eventRecorded', recordEvent.seq), ' ', h('a', { href: `#/batch/${batchId}` }, t('story'))));
        go(`#/batch/${batchId}`);
      });
    });
    show(body, form);
  })();
  return screen(t('recordEvent'), body);
}
