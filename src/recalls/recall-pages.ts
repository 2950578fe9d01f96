import { html, joinMarkup, raw } from '../common/html.js';
import { recallLevelWords } from './recall-level-words.js';
import type { Recall } from './recalls.repository.js';

export type PublicRecall = Recall & { products: { name: string; lotCode: string; traceCode: string }[] };

const RECALLS_CSS = raw(
  'body{font-family:system-ui,sans-serif;max-width:42rem;margin:0 auto;padding:1rem;color:#222}' +
    'article{border-left:.4rem solid #b91c1c;padding:.2rem 1rem;margin:1rem 0;background:#fff5f5}' +
    'h2{font-size:1.1rem}.level{font-weight:600;color:#b91c1c}.muted{color:#667}',
);
const ADVICE = ['请立即停止食用，并按购买凭证到购买地点退货。', 'Stop eating it and return it to where you bought it.'];

/** 消费警示: the open recalls, as a consumer reads them, each at #recall-<id> (where the resolver's gs1:recallStatus of a lot leads). Self-contained HTML. */
export function recallsPage(recalls: PublicRecall[], baseUrl: string): string {
  const items = recalls.map(
    (r) => html`<article id="recall-${r.id}"><h2>${distinct(r.products.map((p) => p.name)).join('、')}</h2>
<p class="level">${recallLevelWords(r.level, 'zh')} · <span lang="en">${recallLevelWords(r.level, 'en')}</span></p>
<p>${r.reason}</p>
<p>批号 / Lots: ${joinMarkup(
      r.products.map((p) => html`<a href="${baseUrl}/q/${p.traceCode}">${p.lotCode}</a>`),
      '，',
    )}</p>
<p class="advice">${ADVICE[0]} <span lang="en">${ADVICE[1]}</span></p>
<p class="muted">${r.initiatedAt.toISOString().slice(0, 10)}</p></article>`,
  );
  const list = items.length > 0 ? joinMarkup(items, '\n') : html`<p>目前没有正在进行的召回。 <span lang="en">No open recalls.</span></p>`;
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>消费警示 · 食品召回 / Food recalls</title><link rel="alternate" type="application/atom+xml" href="/recalls.atom">
<style>${RECALLS_CSS}</style></head>
<body><h1>消费警示 · 食品召回 <span lang="en">/ Food recalls</span></h1>${list}</body></html>`.toString();
}

/** The same list as an Atom feed, for news readers and other systems (XML escapes as HTML does). */
export function recallsAtom(recalls: PublicRecall[], baseUrl: string, origin: string): string {
  const updated = (recalls[0]?.initiatedAt ?? new Date(0)).toISOString();
  const entries = recalls.map(
    (r) => html`<entry><id>urn:uuid:${r.id}</id><title>${`${recallLevelWords(r.level, 'zh')}：${lotNames(r)}`}</title>
<updated>${r.initiatedAt.toISOString()}</updated><link href="${baseUrl}/q/${r.products[0]?.traceCode ?? ''}"/>
<summary>${`${r.reason} ${ADVICE[0]}`}</summary></entry>`,
  );
  return html`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:${origin},2026:recalls</id><title>消费警示 · 食品召回</title><updated>${updated}</updated>
<link rel="self" href="${baseUrl}/recalls.atom"/><link href="${baseUrl}/recalls"/>
${joinMarkup(entries, '\n')}
</feed>`.toString();
}

const distinct = (names: string[]) => names.filter((n, i, all) => all.indexOf(n) === i);

/** "巴氏杀菌乳 HH-950-B，…": the recalled lots, as the feed's entry titles name them. */
function lotNames(r: PublicRecall): string {
  return r.products.map((p) => `${p.name} ${p.lotCode}`).join('，');
}
