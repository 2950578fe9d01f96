import { html, raw } from '../common/html.js';
import type { ResolvedProduct } from './digital-link.repository.js';

const PAGE_CSS = raw('body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}h1{font-size:1.3rem}.muted{color:#667}');

/**
 * A product's public page, where a GTIN-only GS1 Digital Link leads: what every lot page of the product
 * already shows (name, producer, GTIN) and where a lot's own story is, but no list of lots. Self-contained HTML.
 */
export function productPage(product: ResolvedProduct): string {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${product.name}</title><style>${PAGE_CSS}</style></head>
<body><h1>${product.name}</h1>
<p>生产者 / Producer: ${product.producer}</p>
<p>GTIN: ${product.gtin}</p>
<p>每个批次的追溯信息在其标签的二维码中（带批号的 GS1 数字链接或追溯码）。本页不列出批次。</p>
<p lang="en">Each lot's story is behind the QR code on its label (a GS1 Digital Link with the lot number, or the trace code). This page lists no lots.</p>
<p class="muted"><a href="/recalls">消费警示 · 食品召回 / Food recalls</a></p></body></html>`.toString();
}
