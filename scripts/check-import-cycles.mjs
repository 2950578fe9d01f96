// Import cycles in src, type-only imports included (import-x/no-cycle skips those, and a type cycle
// still ties two modules together). Prints each cycle and exits 1 when there is one.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(process.argv[2] ?? 'src');
const files = readdirSync(root, { recursive: true })
  .map((f) => join(root, f))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));

const imports = new Map();
for (const file of files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const targets = importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')))
    .filter((target) => existsSync(target));
  imports.set(file, targets);
}

// Tarjan's strongly connected components: every component of more than one module is a cycle.
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function visit(file) {
  const s = { index, low: index, onStack: true };
  index++;
  state.set(file, s);
  stack.push(file);
  for (const next of imports.get(file) ?? []) {
    const n = state.get(next);
    if (!n) {
      visit(next);
      s.low = Math.min(s.low, state.get(next).low);
    } else if (n.onStack) s.low = Math.min(s.low, n.index);
  }
  if (s.low === s.index) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      state.get(member).onStack = false;
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (imports.get(file) ?? []).includes(file)) cycles.push(component);
  }
}
for (const file of files) if (!state.has(file)) visit(file);

for (const cycle of cycles) console.error(`import cycle: ${cycle.map((f) => relative(process.cwd(), f)).join(' <-> ')}`);
if (cycles.length > 0) process.exit(1);
console.log(`no import cycles among ${files.length} modules in ${relative(process.cwd(), root) || '.'}`);
