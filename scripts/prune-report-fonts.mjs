// `node scripts/prune-report-fonts.mjs [node_modules folder]`: deletes the font files of the reports'
// font package that the reports do not embed (REPORT_FONT_FILES in src/common/pdf-fonts.ts, read from the
// build). The package ships nine weights of Noto Sans SC, 92 MB; the reports use two, 22 MB. The Dockerfile
// runs it on the production install; a development install keeps the package as npm made it.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const { REPORT_FONT_FILES } = await import(new URL('../dist/src/common/pdf-fonts.js', import.meta.url).href);
const root = process.argv[2] ?? 'node_modules';
const kept = Object.values(REPORT_FONT_FILES).map((file) => join(root, file));
const missing = kept.filter((file) => !existsSync(file));
if (missing.length > 0) {
  // Deleting around a font that is not there would leave the reports with none: stop the build instead.
  console.error(`prune-report-fonts: ${missing.join(', ')} missing; nothing removed`);
  process.exit(1);
}
const packageDirs = new Set(kept.map((file) => join(root, ...relative(root, file).split(sep).slice(0, 2))));

let removed = 0;
for (const packageDir of packageDirs) {
  for (const entry of readdirSync(packageDir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath ?? entry.path, entry.name);
    if (entry.isFile() && /\.(ttf|otf|woff2?)$/i.test(entry.name) && !kept.includes(path)) {
      rmSync(path);
      removed++;
    }
  }
  // Folders left empty (the weights not kept).
  for (const entry of readdirSync(packageDir, { withFileTypes: true })) {
    const path = join(packageDir, entry.name);
    if (entry.isDirectory() && readdirSync(path).length === 0) rmSync(path, { recursive: true });
  }
}
console.log(`prune-report-fonts: kept ${kept.map((file) => relative(root, file)).join(', ')}; removed ${removed} other font files`);
