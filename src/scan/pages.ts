import { html, raw } from '../common/html.js';

const MESSAGE_CSS = raw('body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}h1{font-size:1.3rem}');

/** A small self-contained page (no external resources) for messages such as an unknown code. */
export function messagePage(title: string, zh: string, en: string): string {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${MESSAGE_CSS}</style></head>
<body><h1>${title}</h1><p>${zh}</p><p lang="en">${en}</p></body></html>`.toString();
}
