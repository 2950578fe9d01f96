/** The console's one HTML page: a shell its script (dist/assets/console.js) fills; no inline script or style, so its CSP needs neither. */
export const CONSOLE_ASSETS = { 'console.js': 'text/javascript', 'console.css': 'text/css' } as const;
export type ConsoleAsset = keyof typeof CONSOLE_ASSETS;

export function consolePageHtml(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>溯源控制台 · Suyuan console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/console.css">
</head>
<body>
<a class="skip" href="#main">跳到正文 / Skip to content</a>
<header id="top"></header>
<main id="main" tabindex="-1"><p>正在加载… / Loading…</p></main>
<noscript>控制台需要 JavaScript。The console needs JavaScript; without it, use the GraphQL API at /graphql.</noscript>
<script src="/console/console.js"></script>
</body>
</html>
`;
}
