import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Where the IDE's files are served from: its own path, so /graphql stays Apollo's alone. */
export const IDE_ASSET_PATH = '/graphiql';

/**
 * The IDE's files: GraphiQL's browser build and the React it runs on, from node_modules (pinned in
 * package.json, copied into dist/assets/graphiql by the build), and this service's own start script and stylesheet. Nothing is fetched from another
 * host, so the IDE works on a network without the internet and its page's CSP can say 'self'.
 */
interface IdeAsset {
  type: 'text/javascript' | 'text/css';
  /** A file of an installed package, or the text itself. */
  source: { package: string; file: string } | { text: string };
}

/** Starts GraphiQL on the page: no inline script, so the page's CSP needs no 'unsafe-inline' for scripts. */
const START_SCRIPT = `'use strict';
(function () {
  var url = location.origin + '/graphql';
  var send = GraphiQL.createFetcher({ url: url, subscriptionUrl: url.replace(/^http/, 'ws') });
  // GraphiQL sends the Headers editor's object as the websocket's connectionParams as typed, and the
  // service reads a subscription's key from connectionParams.authorization: header names are
  // case-insensitive, so they go lower-cased (over HTTP as well) and "Authorization" works on both.
  function fetcher(params, options) {
    if (!options || !options.headers) return send(params, options);
    var headers = {};
    Object.keys(options.headers).forEach(function (name) {
      headers[name.toLowerCase()] = options.headers[name];
    });
    return send(params, Object.assign({}, options, { headers: headers }));
  }
  var defaultQuery = [
    '# Suyuan GraphQL. Public queries need no key; for the rest add under Headers:',
    '#   { "Authorization": "Bearer <your API key>" }',
    '{',
    '  ledgerInfo { origin size verifierKey }',
    '}',
    '',
  ].join('\\n');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      isHeadersEditorEnabled: true,
      // An API key typed into Headers stays in this tab: it is not written to the browser's storage.
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: 'headers',
    }),
  );
})();
`;

const PAGE_STYLE = `html, body { height: 100%; margin: 0; overflow: hidden; }
#graphiql { height: 100vh; }
`;

export const IDE_ASSETS: Readonly<Record<string, IdeAsset>> = {
  'react.production.min.js': { type: 'text/javascript', source: { package: 'react', file: 'umd/react.production.min.js' } },
  'react-dom.production.min.js': { type: 'text/javascript', source: { package: 'react-dom', file: 'umd/react-dom.production.min.js' } },
  'graphiql.min.js': { type: 'text/javascript', source: { package: 'graphiql', file: 'graphiql.min.js' } },
  'graphiql.min.css': { type: 'text/css', source: { package: 'graphiql', file: 'graphiql.min.css' } },
  'start.js': { type: 'text/javascript', source: { text: START_SCRIPT } },
  'page.css': { type: 'text/css', source: { text: PAGE_STYLE } },
};

/** An asset as served: the bytes, and the same gzipped (GraphiQL's script is 3.5 MB, about 1 MB gzipped). */
export interface LoadedAsset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
}

const require = createRequire(import.meta.url);

/**
 * Where scripts/build-assets.mjs copies the packages' files, seen from this file: the service runs compiled
 * from dist/src/graphql-ide, the tests run the sources in src/graphql-ide. A production install has only
 * these (graphiql, react and react-dom are development dependencies); a development one falls back to them.
 */
const COPIED = ['../../assets/graphiql', '../../dist/assets/graphiql'].map((path) => fileURLToPath(new URL(path, import.meta.url)));

function packageFile(pkg: string, file: string): Buffer {
  const copy = COPIED.map((folder) => join(folder, basename(file))).find((path) => existsSync(path));
  if (copy) return readFileSync(copy);
  try {
    return readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), file));
  } catch {
    throw new Error(`the GraphQL IDE's ${basename(file)} is missing (${COPIED[0]}): run npm run build`);
  }
}

/** Reads an asset (once: the controller keeps it). */
export function loadIdeAsset(name: string): LoadedAsset | undefined {
  const asset = Object.hasOwn(IDE_ASSETS, name) ? IDE_ASSETS[name] : undefined;
  if (!asset) return undefined;
  const { source } = asset;
  const body = 'text' in source ? Buffer.from(source.text, 'utf8') : packageFile(source.package, source.file);
  return { type: asset.type, body, gzipped: gzipSync(body) };
}

/** The page Apollo answers GET /graphql with when a browser asks for HTML: GraphiQL, from this service's own files. */
export function idePageHtml(): string {
  const script = (name: string) => `<script src="${IDE_ASSET_PATH}/${name}"></script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Suyuan GraphQL</title>
<link rel="stylesheet" href="${IDE_ASSET_PATH}/graphiql.min.css">
<link rel="stylesheet" href="${IDE_ASSET_PATH}/page.css">
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript; without it, POST queries to /graphql with any GraphQL client or curl.</noscript>
${script('react.production.min.js')}
${script('react-dom.production.min.js')}
${script('graphiql.min.js')}
${script('start.js')}
</body>
</html>
`;
}
