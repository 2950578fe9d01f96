// Bundles the offline verifier (scripts/verify.ts → src/verifier/verify-command.ts and the src/ledger,
// src/witnesses pieces it imports) into packages/suyuan-verify/dist: the regulator's package, which has
// no dependencies. The same sources as `npm run verify`, so there is one copy of the logic.
// Run by `npm run build:verifier`, by that package's prepack (so `npm pack` there always packs the
// current sources) and by the tests' global setup.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = 'packages/suyuan-verify/dist';

const result = await build({
  absWorkingDir: root,
  // verify-command.ts starts workers from new URL('./verify-worker.js', import.meta.url): the worker is
  // its own entry, written beside the main file, so that URL resolves inside the installed package.
  entryPoints: { 'suyuan-verify': 'scripts/verify.ts', 'verify-worker': 'src/verifier/verify-worker.ts' },
  outdir,
  bundle: true,
  // A package import stays an import, so the check below names it rather than bundling it.
  packages: 'external',
  platform: 'node',
  format: 'esm',
  // node:crypto's one-shot hash() (line-hashes.ts, ledger-hash.ts) came in Node 20.12: the package's engines.
  target: 'node20.12',
  // Readable, not minified: a regulator can read what runs.
  minify: false,
  charset: 'utf8',
  legalComments: 'none',
  banner: { js: '#!/usr/bin/env node\n// suyuan-verify: bundled from the Suyuan repository (scripts/build-verifier.mjs); needs only Node.' },
  metafile: true,
  logLevel: 'warning',
});

// The package promises no dependencies: fail the build if anything came from node_modules or the
// service's own modules (database, Nest, GraphQL) rather than the pure verifier, ledger and witness code.
const PURE = /^(scripts\/verify\.ts|src\/(verifier|ledger|witnesses)\/[\w-]+\.ts)$/;
const dragged = Object.keys(result.metafile.inputs).filter((input) => !PURE.test(input));
const external = Object.values(result.metafile.outputs)
  .flatMap((output) => output.imports)
  .filter((imported) => imported.external && !imported.path.startsWith('node:'))
  .map((imported) => imported.path);
if (dragged.length > 0 || external.length > 0) {
  console.error(`build-verifier: the verifier must bundle only pure code and import only node: modules; it pulled in ${[...dragged, ...external].join(', ')}`);
  process.exit(1);
}
