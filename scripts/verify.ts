import { runVerify } from '../src/verifier/verify-command.js';

/**
 * `npm run verify -- --url <base> --key <verifier key> [--state <file>] [--api-key <key>] [--witness <key>]… [--witnesses-needed N]`
 * `npm run verify -- --file <export.jsonl> --checkpoint <note> --key <verifier key> [--state <file>]`
 * Checks a ledger export against a signed checkpoint; see src/verifier/verify-command.ts.
 */
process.exitCode = await runVerify(process.argv.slice(2), (line) => console.log(line));
