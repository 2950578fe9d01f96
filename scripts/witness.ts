import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { parseVerifierKey, VerifierKey } from '../src/ledger/checkpoint-note.js';
import { loadOrCreateWitnessKey, Witness } from '../src/witnesses/witness-server.js';

/**
 * `npm run witness -- --port <port> --log-key <the ledger's verifier key> --key <file> --state <file> [--name <name>] [--host <host>]`
 * A C2SP tlog-witness for one ledger: makes its Ed25519 key in --key when the file does not exist,
 * keeps the latest checkpoint it cosigned in --state, prints its verifier key, serves POST /add-checkpoint.
 */
const USAGE =
  'usage: npm run witness -- --port <port> --log-key <verifier key or file> --key <key file> --state <state file> [--name <witness name>] [--host <host>]';

function fail(message: string): never {
  console.error(`error: ${message}\n${USAGE}`);
  process.exit(2);
}

let values: Record<string, string | undefined>;
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'log-key': { type: 'string' },
      key: { type: 'string' },
      state: { type: 'string' },
      name: { type: 'string' },
    },
  }) as { values: Record<string, string | undefined> });
} catch (err) {
  fail((err as Error).message);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be a port number');
if (!values['log-key'] || !values.key || !values.state) fail('--log-key, --key and --state are required');
const name = values.name ?? 'witness.localhost/suyuan';

function readLogKey(text: string): VerifierKey {
  try {
    return parseVerifierKey(existsSync(text) ? readFileSync(text, 'utf8') : text);
  } catch (err) {
    return fail(`--log-key: ${(err as Error).message}`);
  }
}

const logKey = readLogKey(values['log-key']!);
try {
  const { privateKey, created } = await loadOrCreateWitnessKey(values.key!);
  const witness = new Witness({ name, logKey, keyFile: values.key!, stateFile: values.state! }, privateKey);
  const server = await witness.listen(port, values.host ?? '127.0.0.1');
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  if (created) console.log(`Made a new witness key in ${values.key}`);
  console.log(`Witness for ${logKey.name}, last cosigned size: ${witness.cosignedSize ?? 'none yet'}`);
  console.log(`Witness verifier key: ${witness.verifierKey}`);
  console.log(`Listening on http://${values.host ?? '127.0.0.1'}:${boundPort}/add-checkpoint`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}
