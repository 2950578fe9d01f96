/**
 * `node scripts/cpu-profile-phases.mjs FILE.cpuprofile [TOP]`: where a profiled service's time went, for a
 * profile made with SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" (see bench-support). Prints the time
 * of each phase of the write path (a sample counts for the innermost frame of its stack that names a
 * phase) and the TOP functions by self time. LAST=5 counts only the profile's last 5 seconds (the measured
 * load of a `bench:service --only` run, without start-up and set-up); EVENTS=n adds microseconds per event.
 */
import { readFileSync } from 'node:fs';

const [file, top = '30'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/cpu-profile-phases.mjs FILE.cpuprofile [TOP]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const PHASES = [
  ['validation', (f, u) => /class-validator|class-transformer|@nestjs\/common\/pipes|close-array-gaps|strip-proto-keys|record-events\.pipe/.test(u)],
  ['graphql parse and validate', (f, u) => /graphql\/(language|validation)\/|query-limits/.test(u)],
  ['hashing and canonical JSON', (f, u) => /canonical-json|ledger-hash|ledger-entry\.js|chain-cursor|merkle\.js/.test(u)],
  ['key data elements and details', (f, u) => /key-data-elements|json-details/.test(u) || f === 'prepare'],
  ['custody checks', (f, u) => /custody\.js|event-references/.test(u) || f === 'checkEvents'],
  ['SQL (pg client)', (f, u) => /node_modules\/(pg|pg-protocol|pg-pool|pg-types)\//.test(u)],
  ['ledger writer', (f, u) => /ledger-writer/.test(u)],
  ['answer', (f, u) => /ledger\.models/.test(u)],
  ['http, express, body', (f, u) => /express|body-parser|raw-body|iconv|utf8-body|on-finished|_http_/.test(u)],
  ['nest, apollo, graphql execution', (f, u) => /@nestjs|@apollo|graphql\/(execution|utilities)/.test(u)],
  ['logging', (f, u) => /\/logging\//.test(u)],
  ['garbage collector', (f) => f === '(garbage collector)'],
  ['idle', (f) => f === '(idle)'],
];

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const from = process.env.LAST ? profile.endTime - Number(process.env.LAST) * 1e6 : -Infinity;
const selfTime = new Map();
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i];
  if (at >= from) selfTime.set(id, (selfTime.get(id) ?? 0) + profile.timeDeltas[i]);
});

const phaseCache = new Map();
function phaseOf(id) {
  if (!phaseCache.has(id)) {
    const { functionName: f, url: u } = byId.get(id).callFrame;
    const own = PHASES.find(([, test]) => test(f, u))?.[0];
    phaseCache.set(id, own ?? (parent.has(id) ? phaseOf(parent.get(id)) : 'other'));
  }
  return phaseCache.get(id);
}

const byPhase = new Map();
const byFunction = new Map();
let total = 0;
for (const [id, time] of selfTime) {
  total += time;
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const name = `${functionName || '(anonymous)'} ${url.replace(/^file:\/\/.*?(node_modules\/|dist\/)/, '$1')}:${lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + time);
  byPhase.set(phaseOf(id), (byPhase.get(phaseOf(id)) ?? 0) + time);
}
const events = Number(process.env.EVENTS ?? 0);
const row = (time, label) =>
  `${(time / 1e3).toFixed(0).padStart(7)} ms ${((100 * time) / total).toFixed(1).padStart(5)}%${events ? ` ${(time / events).toFixed(1).padStart(6)} us/event` : ''}  ${label}`;
console.log(`${(total / 1e6).toFixed(2)} s sampled${events ? `, ${events} events` : ''}\n-- by phase`);
for (const [label, time] of [...byPhase].sort((a, b) => b[1] - a[1])) console.log(row(time, label));
console.log('-- by function (self time)');
for (const [label, time] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(row(time, label));
