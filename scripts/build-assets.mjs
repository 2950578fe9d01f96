// Bundles the consumer page's script (src/scan/browser/verify-page.ts, with the ledger's hash rule and
// RFC 9162 path it imports) into dist/assets/verify.js, which the service serves at /assets/verify.js.
// Run by `npm run build` after `nest build` (which empties dist) and by the tests' global setup.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['src/scan/browser/verify-page.ts'],
  tsconfig: 'src/scan/browser/tsconfig.json',
  outfile: 'dist/assets/verify.js',
  bundle: true,
  format: 'iife',
  // The page runs the check on load; a test reaches the same functions through this global.
  globalName: 'SuyuanVerify',
  platform: 'browser',
  // es2020: the bundled Ed25519 fallback (@noble/ed25519) needs BigInt, which every browser that runs the page has.
  target: 'es2020',
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'warning',
});

// The console's script (src/console/browser/main.ts and the modules it imports) and its stylesheet, served at
// /console/console.js and /console/console.css (src/console/console.controller.ts).
await build({
  absWorkingDir: root,
  entryPoints: ['src/console/browser/main.ts'],
  tsconfig: 'src/console/browser/tsconfig.json',
  outfile: 'dist/assets/console.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'warning',
});
{
  const { copyFileSync } = await import('node:fs');
  copyFileSync(`${root}/src/console/browser/console.css`, `${root}/dist/assets/console.css`);
}

// The GraphQL IDE's browser files (src/graphql-ide/ide-assets.ts), copied from the development
// dependencies graphiql, react and react-dom: a production install then carries 4 MB of files, not
// their 40 MB of packages.
const { copyFileSync, mkdirSync } = await import('node:fs');
const { createRequire } = await import('node:module');
const { dirname, join } = await import('node:path');
const require = createRequire(import.meta.url);
mkdirSync(join(root, 'dist/assets/graphiql'), { recursive: true });
for (const [pkg, file] of [
  ['react', 'umd/react.production.min.js'],
  ['react-dom', 'umd/react-dom.production.min.js'],
  ['graphiql', 'graphiql.min.js'],
  ['graphiql', 'graphiql.min.css'],
]) {
  copyFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), file), join(root, 'dist/assets/graphiql', file.split('/').pop()));
}
