import { BIZ_STEP_NAMES, type BizStep } from '../../events/biz-step.js';
import { certificateValue, certificateWords, giWords } from '../claim-words.js';
import { declarationWords } from '../declaration-words.js';
import { recallLevelWords } from '../../recalls/recall-level-words.js';
import type { LedgerFacts } from './page-facts.js';

/**
 * The batch page rebuilt from what the phone proved: every element the service marked with `data-fact`
 * gets the ledger's value, written by this script and marked ✓, or, when the phone has no proven value
 * for it, a visible "not checked". A value the service's page showed differently is counted, so the page
 * can say the service and its ledger disagree (a projection table edited around the ledger).
 */
export interface Marks {
  checked: number;
  unchecked: number;
  /** The facts whose text on the service's page differed from the ledger's (data-fact names, once each). */
  differing: string[];
}

/** The page's facts by name, as the verdict names one that differs. */
const FACT_NAMES: Record<string, [string, string]> = {
  product: ['产品名称', 'product'],
  producer: ['生产者', 'producer'],
  origin: ['产地', 'origin'],
  lot: ['批号', 'lot'],
  'trace-code': ['追溯码', 'trace code'],
  step: ['步骤', 'step'],
  time: ['时间', 'time'],
  place: ['地点', 'place'],
  organization: ['经手单位', 'organization'],
  'recall-level': ['召回级别', 'recall level'],
  'recall-reason': ['召回原因', 'recall reason'],
  gi: ['地理标志', 'geographic indication'],
  certificate: ['证书', 'certificate'],
  'declared-erroneous': ['错误声明', 'error declaration'],
  sources: ['原料批次', 'lots it was made from'],
  'source-lot': ['原料批次', 'lot it was made from'],
};

export function factName(fact: string, zh: boolean): string {
  const names = FACT_NAMES[fact];
  return names ? names[zh ? 0 : 1] : fact;
}

const DATE_FORMATS = {
  zh: new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }),
};

/** A proven value: `raw` compared with what the service showed (its data-value, else its text), `shown` written in its place. */
interface Proven {
  raw: string;
  shown: string;
}

export function markFacts(root: ParentNode, facts: LedgerFacts, zh: boolean): Marks {
  const marks: Marks = { checked: 0, unchecked: 0, differing: [] };
  const plain = (value: string | null | undefined): Proven | null => (typeof value === 'string' ? { raw: value, shown: value } : null);
  root.querySelectorAll<HTMLElement>('[data-fact]').forEach((el) => {
    const fact = el.getAttribute('data-fact')!;
    const item = el.closest('[data-seq]');
    const step = item ? facts.steps.get(Number(item.getAttribute('data-seq'))) : undefined;
    let proven: Proven | null = null;
    if (fact === 'product') proven = plain(facts.product);
    else if (fact === 'producer') proven = plain(facts.producer);
    else if (fact === 'origin') proven = plain(facts.origin);
    else if (fact === 'lot') proven = plain(facts.lot?.lotCode);
    else if (fact === 'trace-code') proven = plain(facts.lot?.traceCode);
    else if (fact === 'recall-level' && facts.recall) proven = { raw: facts.recall.level, shown: recallLevelWords(facts.recall.level, zh ? 'zh' : 'en') };
    else if (fact === 'recall-reason') proven = plain(facts.recall?.reason);
    else if (fact === 'place') proven = plain(step?.place);
    else if (fact === 'organization') proven = plain(step?.organization);
    else if (fact === 'step' && step) {
      const names = BIZ_STEP_NAMES[step.bizStep as BizStep];
      proven = { raw: step.bizStep, shown: names ? names[zh ? 0 : 1] : step.bizStep };
    } else if (fact === 'gi' && facts.gi) {
      proven = { raw: `${facts.gi.claim}|${facts.gi.standing}`, shown: giWords(facts.gi.claim, facts.gi.standing, zh ? 'zh' : 'en') };
    } else if (fact === 'certificate' && item && facts.certificates.has(Number(item.getAttribute('data-seq')))) {
      const c = facts.certificates.get(Number(item.getAttribute('data-seq')))!;
      const { name, vouched, until } = certificateWords(c, zh ? 'zh' : 'en');
      proven = { raw: certificateValue(c), shown: `${name} · ${c.number} · ${vouched} · ${until}` };
    } else if (fact === 'declared-erroneous' && step?.declaredErroneous !== undefined) {
      proven = { raw: step.declaredErroneous, shown: declarationWords(step.declaredErroneous, zh ? 'zh' : 'en') };
    } else if (fact === 'time' && step && !Number.isNaN(Date.parse(step.time))) {
      proven = { raw: new Date(step.time).toISOString(), shown: DATE_FORMATS[zh ? 'zh' : 'en'].format(new Date(step.time)) };
    }
    if (!proven) {
      marks.unchecked++;
      el.classList.add('unchecked');
      const mark = document.createElement('small');
      mark.className = 'unchecked-mark';
      mark.textContent = zh ? '（未核对）' : ' (not checked)';
      (el.querySelector('h2') ?? el).appendChild(mark);
      return;
    }
    const shownByService = el.getAttribute('data-value') ?? el.textContent ?? '';
    const same = fact === 'time' ? Date.parse(shownByService) === Date.parse(proven.raw) : shownByService === proven.raw;
    if (!same && !marks.differing.includes(fact)) marks.differing.push(fact);
    el.textContent = proven.shown;
    el.classList.add('checked');
    marks.checked++;
  });
  return marks;
}
