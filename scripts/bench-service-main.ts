/**
 * The service as `npm run bench:service` runs it: the product's own start (src/serve.ts) with the
 * benchmark's baseline module (`benchPlainInsert`) served beside AppModule.
 */
import { serveAsProcess } from '../src/serve.js';
import { BenchBaselineModule } from './bench-baseline/bench-baseline.module.js';

serveAsProcess({ extraModules: [BenchBaselineModule] });
