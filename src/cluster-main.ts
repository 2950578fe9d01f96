import cluster from 'node:cluster';
import { runPrimary } from './cluster/primary.js';
import { loadConfigOrExit, serveAsProcess } from './serve.js';

/** `npm run start:cluster`: the primary (src/cluster/primary.ts) and, forked from this same file, its workers. */
if (cluster.isPrimary) {
  runPrimary(loadConfigOrExit()).catch((err: Error) => {
    console.error(`The cluster did not start: ${err.message}`);
    process.exit(1);
  });
} else {
  serveAsProcess({ clusterWorker: true });
}
