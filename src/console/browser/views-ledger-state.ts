import { gql } from './api.js';
import { h, show } from './dom.js';
import { formatTime, t } from './i18n.js';
import { alertBox, errorText, facts, notice } from './ui.js';

interface WitnessState {
  name: string;
  keyId: string;
  cosignedSize: number | null;
  cosignedAt: string | null;
  lastError: string | null;
}

interface AuditRun {
  finishedAt: string;
  requestedBy: 'ADMIN' | 'ORGANIZATION' | 'SCHEDULE';
  requestedByOrganization: { name: string } | null;
  fromSeq: number;
  toSeq: number;
  chainValid: boolean | null;
  checkedEntries: number | null;
  firstInvalidSeq: number | null;
  projectionsClean: boolean | null;
  rowsChecked: number | null;
  disagreements: number | null;
  uncheckedRows: number | null;
}

const STATE_QUERY = `{ witnesses { name keyId cosignedSize cosignedAt lastError }
  lastLedgerAudit { finishedAt requestedBy requestedByOrganization { name } fromSeq toSeq chainValid checkedEntries firstInvalidSeq
    projectionsClean rowsChecked disagreements uncheckedRows } }`;

/**
 * The ledger's state beyond its checkpoint, for the Ledger screen: each witness (the newest tree it
 * cosigned and when, its last error) and the last audit on record (`witnesses`, `lastLedgerAudit`).
 * `refresh` reads them again (after a check of the ledger, which is itself recorded as an audit).
 */
export function ledgerStateSection(): { element: HTMLElement; refresh: () => Promise<void> } {
  const element = h('div', { class: 'ledger-state' }, t('loading'));
  const refresh = async () => {
    try {
      const { witnesses, lastLedgerAudit } = await gql<{ witnesses: WitnessState[]; lastLedgerAudit: AuditRun | null }>(STATE_QUERY);
      show(
        element,
        h('section', { class: 'panel', 'data-witnesses': '' }, h('h2', {}, t('witnesses')), witnessList(witnesses)),
        h(
          'section',
          { class: 'panel', 'data-last-audit': '' },
          h('h2', {}, t('lastAudit')),
          lastLedgerAudit ? auditFacts(lastLedgerAudit) : notice(t('noAudit')),
        ),
      );
    } catch (err) {
      show(element, alertBox(errorText(err)));
    }
  };
  void refresh();
  return { element, refresh };
}

function witnessList(witnesses: WitnessState[]): HTMLElement {
  if (witnesses.length === 0) return h('p', { class: 'muted' }, t('noWitnesses'));
  return h(
    'ul',
    { class: 'witness-list' },
    ...witnesses.map((w) =>
      h(
        'li',
        { 'data-witness': w.name },
        h('strong', {}, w.name),
        ' ',
        h('span', { class: 'muted' }, `${t('witnessKeyId')} `, h('code', {}, w.keyId)),
        h('div', {}, w.cosignedSize !== null && w.cosignedAt ? t('witnessCosigned', w.cosignedSize, formatTime(w.cosignedAt)) : t('witnessNever')),
        w.lastError ? h('div', { class: 'warning' }, `${t('witnessError')}: ${w.lastError}`) : null,
      ),
    ),
  );
}

function auditFacts(run: AuditRun): HTMLElement {
  const who =
    run.requestedBy === 'SCHEDULE' ? t('auditBySchedule') : run.requestedBy === 'ADMIN' ? t('auditByAdmin') : (run.requestedByOrganization?.name ?? '—');
  const chain =
    run.chainValid === null
      ? t('auditChainSkipped')
      : run.chainValid
        ? t('auditChainValid', run.checkedEntries ?? 0)
        : t('auditChainInvalid', run.firstInvalidSeq ?? '');
  const projections =
    run.projectionsClean === null
      ? t('auditChainSkipped')
      : run.projectionsClean
        ? t('auditProjectionsClean', run.rowsChecked ?? 0, run.uncheckedRows ?? 0)
        : t('auditProjectionsDirty', run.disagreements ?? 0, run.rowsChecked ?? 0);
  const bad = run.chainValid === false || run.projectionsClean === false;
  return h(
    'div',
    {},
    facts([
      [t('auditWhen'), formatTime(run.finishedAt)],
      [t('auditWho'), who],
      [t('auditRange'), t('auditRangeValue', run.fromSeq, run.toSeq)],
      [t('auditChain'), chain],
      [t('auditProjections'), projections],
    ]),
    bad ? alertBox(`${t('auditChain')}: ${chain} · ${t('auditProjections')}: ${projections}`) : null,
  );
}
