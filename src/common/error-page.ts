import type { Request } from 'express';
import { html, raw } from './html.js';

/**
 * What a phone gets when a page route cannot answer (rate limit, unknown page, an outage, a fault): a small
 * bilingual page, not the API's JSON, which a consumer holding a food package cannot read. API clients (and
 * the page's own script fetching proof.json) keep the JSON: the page is given only to a GET of a page route
 * whose Accept prefers HTML, as a browser's navigation does.
 */

/** The consumer's pages: the batch page and its events, the GS1 Digital Link resolver that leads there, the recall list. */
const PAGE_ROUTE = /^\/(?:q\/[^/]+(?:\/events)?|01\/.*|products\/[^/]+|recalls)\/?$/;

export function prefersErrorPage(req: Pick<Request, 'method' | 'path' | 'accepts'>): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (!PAGE_ROUTE.test(req.path)) return false;
  // accepts() picks the type the client ranks higher; `*/*` alone (curl, fetch, API clients) ranks them equal and gets the first, JSON.
  return req.accepts(['json', 'html']) === 'html';
}

export type PageErrorKind = 'RATE_LIMITED' | 'NOT_FOUND' | 'BAD_REQUEST' | 'UNAVAILABLE' | 'INTERNAL';

const WORDS: Record<PageErrorKind, { title: string; zh: (wait: number) => string; en: (wait: number) => string }> = {
  RATE_LIMITED: {
    title: '请稍后再试 / Please try again shortly',
    zh: (wait) => `此网络的访问过于频繁，请在 ${wait} 秒后刷新本页。产品信息没有变化。`,
    en: (wait) => `Too many requests came from this network. Please reload this page in ${wait} seconds; nothing about the product has changed.`,
  },
  NOT_FOUND: {
    title: '没有这一页 / No such page',
    zh: () => '请核对地址，或重新扫描包装上的二维码。',
    en: () => 'Please check the address, or scan the QR code on the package again.',
  },
  BAD_REQUEST: {
    title: '地址有误 / This address is not valid',
    zh: () => '链接中的参数不对。请重新扫描包装上的二维码。',
    en: () => 'Something in the link is not valid. Please scan the QR code on the package again.',
  },
  UNAVAILABLE: {
    title: '服务暂时不可用 / Briefly unavailable',
    zh: () => '溯源服务暂时无法读取记录，请稍后刷新本页。',
    en: () => 'The trace service cannot read its records for a moment. Please reload this page shortly.',
  },
  INTERNAL: {
    title: '出错了 / Something went wrong',
    zh: () => '溯源服务未能生成本页，已记录该问题。请稍后再试。',
    en: () => 'The trace service could not make this page; the fault has been logged. Please try again later.',
  },
};

/** The error kind a JSON error code (extensions.code) is shown as on a page. */
export function pageErrorKind(code: string): PageErrorKind {
  if (code === 'RATE_LIMITED') return 'RATE_LIMITED';
  if (code === 'NOT_FOUND') return 'NOT_FOUND';
  if (code === 'BAD_USER_INPUT') return 'BAD_REQUEST';
  if (code === 'SERVICE_UNAVAILABLE') return 'UNAVAILABLE';
  return 'INTERNAL';
}

const CSS = raw(
  'body{font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;' +
    'max-width:36rem;margin:0 auto;padding:2rem 1rem;color:#1d2a1d;background:#f7f8f4}' +
    'h1{font-size:1.3rem}p{line-height:1.5}.muted{color:#667;font-size:.9rem}',
);

/** Self-contained (inline CSS, no script): it is served under the static page policy. */
export function errorPage(kind: PageErrorKind, waitSeconds = 0): string {
  const w = WORDS[kind];
  const refresh = kind === 'RATE_LIMITED' && waitSeconds > 0 ? html`<meta http-equiv="refresh" content="${waitSeconds}">` : '';
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
${refresh}<title>${w.title}</title><style>${CSS}</style></head>
<body><main><h1>${w.title}</h1><p>${w.zh(waitSeconds)}</p><p lang="en">${w.en(waitSeconds)}</p></main></body></html>`.toString();
}
