import { gql } from './api.js';
import { downloadWithProgress } from './download.js';
import { h, show } from './dom.js';
import { formatTime, t } from './i18n.js';
import { alertBox, errorText, facts, field, notice, screen, withProgress } from './ui.js';
import { submitForm } from './forms.js';
import { ledgerStateSection } from './views-ledger-state.js';

/**
 * The ledger's state for a regulator: its size and origin, the newest signed checkpoint (with every
 * signature line: the log's and any witness cosignatures), and a check of the whole chain with the
 * projection audit (verifyLedger: long, so it shows progress).
 */
export function ledgerView(): HTMLElement {
  const body = h('div', {}, t('loading'));
  void (async () => {
    try {
      const { ledgerInfo, latestCheckpoint } = await gql<{
        ledgerInfo: { origin: string; size: number; verifierKey: string };
        latestCheckpoint: { treeSize: number; rootHash: string; signedNote: string };
      }>('{ ledgerInfo { origin size verifierKey } latestCheckpoint { treeSize rootHash signedNote } }');
      const signatures = latestCheckpoint.signedNote.split('\n').filter((line) => line.startsWith('\u2014 '));
      const status = h('div', { class: 'status', 'aria-live': 'polite' });
      const state = ledgerStateSection();
      const check = h('button', { type: 'button' }, t('checkLedger'));
      check.addEventListener('click', () => {
        void withProgress(check, status, 'checking', async () => {
          const { verifyLedger: v } = await gql<{
            verifyLedger: {
              valid: boolean;
              checkedEntries: number;
              firstInvalidSeq: number | null;
              reason: string | null;
              projections: {
                clean: boolean;
                rowsChecked: number;
                disagreements: number;
                uncheckedRows: number;
                firstDisagreement: { table: string; id: string; reason: string } | null;
              } | null;
            };
          }>(
            `{ verifyLedger { valid checkedEntries firstInvalidSeq reason
              projections { clean rowsChecked disagreements uncheckedRows firstDisagreement { table id reason } } } }`,
          );
          const p = v.projections;
          // The check is on record now: the last audit shown is this one.
          await state.refresh();
          show(
            status,
            v.valid ? notice(t('chainValid', v.checkedEntries)) : alertBox(t('chainInvalid', v.firstInvalidSeq ?? '', v.reason ?? '')),
            p
              ? p.clean
                ? notice(t('auditClean', p.rowsChecked, p.uncheckedRows))
                : alertBox(
                    t(
                      'auditDirty',
                      p.disagreements,
                      p.firstDisagreement ? `${p.firstDisagreement.table} ${p.firstDisagreement.id}: ${p.firstDisagreement.reason}` : '',
                    ),
                  )
              : null,
          );
        });
      });
      show(
        body,
        facts([
          [t('origin'), ledgerInfo.origin],
          [t('ledgerSize'), h('span', { 'data-ledger-size': ledgerInfo.size }, String(ledgerInfo.size))],
          [t('checkpointSize'), String(latestCheckpoint.treeSize)],
          [t('rootHash'), h('code', {}, latestCheckpoint.rootHash)],
          [t('signatures'), String(signatures.length)],
        ]),
        h('details', {}, h('summary', {}, t('signedNote')), h('pre', { class: 'note' }, latestCheckpoint.signedNote)),
        h('div', { class: 'actions' }, check),
        status,
        state.element,
      );
    } catch (err) {
      show(body, alertBox(errorText(err)));
    }
  })();
  return screen(t('ledger'), body);
}

interface ExcursionBatch {
  id: string;
  lotCode: string;
  product: { name: string };
  custodian: { name: string };
  excursions: { kind: string; start: string; minutes: number; minC: number; maxC: number }[];
}

/** Lots whose cold chain broke, newest first (batchesWithExcursionsConnection). */
export function excursionsView(): HTMLElement {
  const body = h('div', {}, t('loading'));
  void (async () => {
    try {
      const { batchesWithExcursionsConnection: list } = await gql<{ batchesWithExcursionsConnection: { edges: { node: ExcursionBatch }[] } }>(
        `{ batchesWithExcursionsConnection(first: 50) { edges { node { id lotCode product { name } custodian { name }
          excursions { kind start minutes minC maxC } } } } }`,
      );
      show(
        body,
        list.edges.length === 0 ? notice(t('noExcursions')) : null,
        h(
          'ul',
          { class: 'batch-list' },
          ...list.edges.map(({ node }) =>
            h(
              'li',
              { 'data-lot': node.lotCode },
              h('a', { href: `#/batch/${node.id}` }, h('strong', {}, node.lotCode), ' · ', node.product.name),
              h('span', { class: 'muted' }, node.custodian.name),
              h(
                'span',
                {},
                node.excursions
                  .map((x) => `${x.kind === 'GAP' ? t('gap') : t('outOfRange')} ${formatTime(x.start)} · ${Math.round(x.minutes)} min · ${x.minC}–${x.maxC} °C`)
                  .join('; '),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      show(body, alertBox(errorText(err)));
    }
  })();
  return screen(t('excursions'), body);
}

/** A regulator closes a recall with a note (recorded in the ledger). */
export function closeRecallForm(recallId: string, done: () => void): HTMLElement {
  const note = field('note', t('closeNote'), h('textarea', { rows: '2' }), { required: true });
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit', class: 'secondary' }, t('closeRecall'));
  const form = h('form', { novalidate: true, class: 'panel' }, note.wrapper, button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submitForm(button, [note], status, async () => {
      await gql('mutation($input: CloseRecallInput!) { closeRecall(input: $input) { id status } }', { input: { recallId, note: note.control.value.trim() } });
      done();
    });
  });
  return form;
}

/** The mock recall report of a lot (a drill: who holds what made from it, how fast it can be reached), as a PDF opened from a blob: URL. */
export function mockRecallButton(batchId: string): HTMLElement {
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'button', class: 'secondary' }, t('mockRecall'));
  button.addEventListener('click', () => {
    void (async () => {
      const pdf = await downloadWithProgress(button, status, `/reports/mock-recall/${batchId}.pdf`, `mock-recall-${batchId.slice(0, 8)}.pdf`);
      if (!pdf) return;
      show(status, notice(t('reportOpened'), ' ', h('a', { href: pdf.url, target: '_blank', rel: 'noopener', class: 'mock-recall' }, t('mockRecall'))));
      window.open(pdf.url, '_blank', 'noopener');
    })();
  });
  return h('div', {}, button, status);
}

interface HeldBatch {
  id: string;
  lotCode: string;
  product: { name: string };
  custodian: { name: string };
  inspections: { verdict: string; agency: string | null; standard: string | null; items: { name: string; passed: boolean }[] }[];
}

/** The newest 20 lots on hold (what a failed inspection does to a lot and everything made from it), with the failed items, until a regulator releases them. */
export function heldView(): HTMLElement {
  const body = h('div', {}, t('loading'));
  void (async () => {
    try {
      const { batches } = await gql<{ batches: { edges: { node: HeldBatch }[] } }>(
        `{ batches(first: 20, filter: { status: ON_HOLD }) { edges { node { id lotCode product { name } custodian { name }
          inspections { verdict agency standard items { name passed } } } } } }`,
      );
      show(
        body,
        batches.edges.length === 0 ? notice(t('noHeld')) : null,
        h(
          'ul',
          { class: 'batch-list' },
          ...batches.edges.map(({ node }) => {
            const failed = node.inspections.filter((i) => i.verdict === 'FAIL');
            const items = failed.flatMap((i) => i.items.filter((item) => !item.passed).map((item) => item.name));
            return h(
              'li',
              { 'data-lot': node.lotCode },
              h('a', { href: `#/batch/${node.id}` }, h('strong', {}, node.lotCode), ' · ', node.product.name),
              h('span', { class: 'muted' }, node.custodian.name),
              h('span', {}, items.length ? `${t('failedItems')}: ${items.join(', ')}` : t('heldUpstream')),
            );
          }),
        ),
      );
    } catch (err) {
      show(body, alertBox(errorText(err)));
    }
  })();
  return screen(t('held'), body);
}
