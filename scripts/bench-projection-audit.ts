/**
 * `npm run bench:audit` with BENCH_DATABASE_URL set to a seeded ledger (`npm run seed:large` prints it):
 * times the projection audit (src/audit) over the whole ledger, as verifyLedger's `projections` and the
 * periodic audit run it, --runs times. Prints entries, rows compared, seconds, entries/s, the growth of
 * the heap during a run, and whether the tables agree with the ledger (a seeded ledger should). Reads only.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { ProjectionAuditRepository } from '../src/audit/projection-audit.repository.js';
import { AuditRunsRepository } from '../src/audit/audit-runs.repository.js';
import { ProjectionAuditService } from '../src/audit/projection-audit.service.js';
import type { AppConfig } from '../src/config/config.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { Database } from '../src/database/database.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const url = process.env.BENCH_DATABASE_URL;
if (!url) {
  console.error('set BENCH_DATABASE_URL to a seeded database (npm run seed:large prints it)');
  process.exit(2);
}
const dataSource = await new DataSource(dataSourceOptions(url, 2)).initialize();
try {
  const database = new Database(dataSource);
  const audits = new ProjectionAuditService(
    { projectionAuditIntervalMs: 0 } as AppConfig,
    new ProjectionAuditRepository(database),
    new AuditRunsRepository(database),
  );
  for (let run = 1; run <= Number(values.runs); run++) {
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 20);
    const started = performance.now();
    const result = await audits.audit();
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const verdict = result.clean ? 'clean' : `${result.disagreements} disagree; first: ${result.firstDisagreement!.reason}`;
    const rate = Math.round(result.ledgerSize / seconds).toLocaleString('en');
    const heap = ((heapPeak - heapBefore) / 2 ** 20).toFixed(0);
    console.log(
      `run ${run}: ${result.ledgerSize.toLocaleString('en')} entries, ${result.rowsChecked.toLocaleString('en')} rows in ${seconds.toFixed(2)} s ` +
        `(${rate} entries/s), heap +${heap} MB at most; ${verdict}`,
    );
  }
} finally {
  await dataSource.destroy();
}
