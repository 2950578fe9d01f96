import { gql } from './api.js';
import { h, show } from './dom.js';
import { formatTime, nameOf, t } from './i18n.js';
import { parseLookup } from './lookup.js';
import { viewer } from './session.js';
import { alertBox, errorText, field, input, notice, screen, select, withProgress } from './ui.js';
import { closeRecallForm } from './views-oversight.js';
import { scanPanel } from './views-labs.js';

interface FoundBatch {
  id: string;
  lotCode: string;
  traceCode: string;
  status: string;
  product: { name: string };
  custodian: { name: string };
}

/**
 * Finds a lot by trace code, GS1 Digital Link (typed, pasted, or read from its QR label by the camera) or GTIN + lot,
 * through `batches` (regulators; labs too, since these filters name one lot).
 */
export function findView(go: (path: string) => void): HTMLElement {
  const code = field('code', t('codeOrLink'), input('text', { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters' }), {
    help: t('findHelp'),
  });
  const lot = field('lotCode', `${t('lotCode')} (${t('gtin')})`, input('text', { autocomplete: 'off' }));
  const status = h('div', { class: 'status' });
  const results = h('ul', { class: 'batch-list' });
  const button = h('button', { type: 'submit' }, t('search'));
  const form = h('form', { novalidate: true, role: 'search' }, code.wrapper, lot.wrapper, button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    show(results);
    const lookup = parseLookup(code.control.value, lot.control.value);
    if (!lookup) {
      show(status, alertBox(t('badLookup')));
      code.control.focus();
      return;
    }
    void withProgress(button, status, 'loading', async () => {
      const { batches } = await gql<{ batches: { edges: { node: FoundBatch }[] } }>(
        `query($filter: BatchFilter) { batches(first: 20, filter: $filter) {
          edges { node { id lotCode traceCode status product { name } custodian { name } } } } }`,
        { filter: lookup },
      );
      const found = batches.edges.map((e) => e.node);
      if (found.length === 1) go(`#/batch/${found[0].id}`);
      else if (found.length === 0) show(status, alertBox(t('notFound')));
      else
        show(
          results,
          ...found.map((b) =>
            h(
              'li',
              {},
              h('a', { href: `#/batch/${b.id}` }, h('strong', {}, b.lotCode), ' · ', b.product.name),
              h('span', { class: `badge status-${b.status}` }, nameOf(b.status)),
            ),
          ),
        );
    });
  });
  // A QR label read by the camera or from a photo is looked up exactly as if it had been typed.
  const scan = scanPanel((text) => {
    code.control.value = text;
    lot.control.value = '';
    form.requestSubmit();
  });
  return screen(t('find'), form, scan, results);
}

interface TraceAnswer {
  root: { id: string; lotCode: string };
  nodes: { depth: number; batch: FoundBatch & { quantity: number; unit: string } }[];
  edges: { fromBatchId: string; toBatchId: string; quantity: number | null }[];
  transformations: { transformationId: string; yieldPercent: number | null; inputs: Line[]; outputs: Line[] }[];
}
interface Line {
  batchId: string;
  quantity: number;
  unit: string;
}

/** A lot's trace, up- or downstream: a graph, the lots by depth, mass balance; a regulator chooses the recall's scope from it. */
export function traceView(batchId: string, direction: string): HTMLElement {
  const dir = direction === 'UPSTREAM' ? 'UPSTREAM' : 'DOWNSTREAM';
  const body = h('div', {}, t('loading'));
  const section = screen(`${t('trace')}: ${dir === 'UPSTREAM' ? t('upstream') : t('downstream')}`, body);
  void (async () => {
    let trace: TraceAnswer;
    try {
      trace = (
        await gql<{ trace: TraceAnswer }>(
          `query($id: ID!, $d: TraceDirection!) { trace(batchId: $id, direction: $d) { root { id lotCode }
            nodes { depth batch { id lotCode traceCode status quantity unit product { name } custodian { name } } }
            edges { fromBatchId toBatchId quantity }
            transformations { transformationId yieldPercent inputs { batchId quantity unit } outputs { batchId quantity unit } } } }`,
          { id: batchId, d: dir },
        )
      ).trace;
    } catch (err) {
      show(body, alertBox(errorText(err)));
      return;
    }
    const lotOf = new Map(trace.nodes.map((n) => [n.batch.id, n.batch.lotCode]));
    const regulator = viewer()?.organization?.kind === 'REGULATOR';
    const boxes = new Map<string, HTMLInputElement>();
    const rows = trace.nodes.map((n) => {
      const box = h('input', { type: 'checkbox', value: n.batch.id, id: `scope-${n.batch.id}`, checked: n.batch.id === batchId });
      boxes.set(n.batch.id, box);
      return h(
        'li',
        { 'data-lot': n.batch.lotCode, class: `depth-${Math.min(n.depth, 6)}` },
        regulator ? box : null,
        h('label', { for: regulator ? box.id : undefined }, `${t('depth')} ${n.depth} · `, h('strong', {}, n.batch.lotCode), ` · ${n.batch.product.name}`),
        ' ',
        h('a', { href: `#/batch/${n.batch.id}` }, t('story')),
        h('span', { class: `badge status-${n.batch.status}` }, nameOf(n.batch.status)),
        h('span', { class: 'muted' }, ` ${n.batch.quantity} ${n.batch.unit} · ${n.batch.custodian.name}`),
      );
    });
    show(
      body,
      graph(trace),
      h('ul', { class: 'trace-list' }, ...rows),
      trace.transformations.length ? h('h2', {}, t('massBalance')) : null,
      ...trace.transformations.map((tr) =>
        h(
          'p',
          { class: 'balance' },
          `${t('inputs')}: ${tr.inputs.map((l) => `${lotOf.get(l.batchId) ?? l.batchId} ${l.quantity} ${l.unit}`).join(', ')} → ` +
            `${t('outputs')}: ${tr.outputs.map((l) => `${lotOf.get(l.batchId) ?? l.batchId} ${l.quantity} ${l.unit}`).join(', ')}` +
            (tr.yieldPercent != null ? ` · ${t('yield')} ${tr.yieldPercent.toFixed(1)}%` : ''),
        ),
      ),
      regulator ? recallForm(boxes) : null,
    );
  })();
  return section;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The trace as a picture: a column per depth, a line per lineage edge (the list below says the same in text). */
function graph(trace: TraceAnswer): SVGElement {
  const byDepth = new Map<number, string[]>();
  for (const n of trace.nodes) byDepth.set(n.depth, [...(byDepth.get(n.depth) ?? []), n.batch.id]);
  const place = new Map<string, { x: number; y: number }>();
  for (const [depth, ids] of byDepth) ids.forEach((id, i) => place.set(id, { x: 10 + depth * 150, y: 20 + i * 44 }));
  const width = 10 + (Math.max(...byDepth.keys()) + 1) * 150;
  const height = 20 + Math.max(...[...byDepth.values()].map((ids) => ids.length)) * 44;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'trace-graph', role: 'img', 'aria-label': t('trace') });
  for (const e of trace.edges) {
    const a = place.get(e.fromBatchId);
    const b = place.get(e.toBatchId);
    if (a && b) root.append(svg('line', { x1: a.x + 120, y1: a.y + 14, x2: b.x, y2: b.y + 14, class: 'edge' }));
  }
  for (const n of trace.nodes) {
    const p = place.get(n.batch.id)!;
    const group = svg('g', { class: `node status-${n.batch.status}` });
    group.append(svg('rect', { x: p.x, y: p.y, width: 120, height: 28, rx: 4 }), svg('text', { x: p.x + 6, y: p.y + 18 }, n.batch.lotCode.slice(0, 16)));
    root.append(group);
  }
  return root;
}

/** Initiates a recall of the lots ticked in the trace (everything made from them is recalled too). */
function recallForm(boxes: Map<string, HTMLInputElement>): HTMLElement {
  const level = field('level', t('level'), select(['LEVEL_1', 'LEVEL_2', 'LEVEL_3'].map((l): [string, string] => [l, nameOf(l)])), { required: true });
  const reason = field('reason', t('reason'), h('textarea', { rows: '3' }), { required: true });
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit', class: 'danger' }, t('initiateRecall'));
  const form = h(
    'form',
    { novalidate: true, class: 'recall' },
    h('h2', {}, t('initiateRecall')),
    h('p', { class: 'muted' }, t('recallScope')),
    level.wrapper,
    reason.wrapper,
    button,
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const batchIds = [...boxes.values()].filter((b) => b.checked).map((b) => b.value);
    if (batchIds.length === 0) {
      show(status, alertBox(t('chooseScope')));
      return;
    }
    void withProgress(button, status, 'saving', async () => {
      const { initiateRecall } = await gql<{ initiateRecall: { id: string; affectedBatches: { id: string }[] } }>(
        'mutation($input: InitiateRecallInput!) { initiateRecall(input: $input) { id affectedBatches { id } } }',
        { input: { batchIds, level: level.control.value, reason: reason.control.value.trim() } },
      );
      show(status, notice(t('recallStarted', initiateRecall.affectedBatches.length), ' ', h('a', { href: '#/recalls' }, t('openRecalls'))));
    });
  });
  return form;
}

interface RecallRow {
  id: string;
  level: string;
  reason: string;
  initiatedAt: string;
  completeBy: string;
  affectedBatches: { id: string; lotCode: string; product: { name: string } }[];
  effectiveness: { organization: string; recovered: number; affected: number; unit: string; percent: number | null }[];
}

/** Open recalls, newest first: their lots and how much each holder has recovered. */
export function recallsView(): HTMLElement {
  const body = h('div', {}, t('loading'));
  const load = async () => {
    try {
      const { recalls } = await gql<{ recalls: { edges: { node: RecallRow }[] } }>(
        `{ recalls(first: 20, status: OPEN) { edges { node { id level reason initiatedAt completeBy
          affectedBatches { id lotCode product { name } } effectiveness { organization recovered affected unit percent } } } } }`,
      );
      const rows = recalls.edges.map((e) => e.node);
      show(
        body,
        rows.length === 0 ? notice(t('noRecalls')) : null,
        h(
          'ul',
          { class: 'recalls' },
          ...rows.map((r) =>
            h(
              'li',
              { 'data-recall': r.id },
              h('p', {}, h('span', { class: 'badge status-RECALLED' }, nameOf(r.level)), ' ', h('strong', {}, r.reason)),
              h('p', { class: 'muted' }, `${t('initiatedAt')} ${formatTime(r.initiatedAt)} · ${t('completeBy')} ${formatTime(r.completeBy)}`),
              h(
                'p',
                {},
                `${t('affected')}: `,
                ...r.affectedBatches.flatMap((b, i) => [i ? ', ' : '', h('a', { href: `#/batch/${b.id}` }, `${b.lotCode} (${b.product.name})`)]),
              ),
              r.effectiveness.length
                ? h('p', {}, `${t('recovery')}: ${r.effectiveness.map((x) => `${x.organization} ${x.recovered}/${x.affected} ${x.unit}`).join('; ')}`)
                : null,
              closeRecallForm(r.id, () => void load()),
            ),
          ),
        ),
      );
    } catch (err) {
      show(body, alertBox(errorText(err)));
    }
  };
  void load();
  return screen(t('openRecalls'), body);
}
