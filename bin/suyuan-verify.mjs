#!/usr/bin/env node
// The installable offline verifier (`npx suyuan-verify …`, `npm run verify -- …`): runs the built
// verifier, which needs only Node's own modules: no database, no source tree, no dev tools.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/scripts/verify.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error(`suyuan-verify is not built: ${fileURLToPath(entry)} is missing. Run \`npm run build\` once in the repository, then run it again.`);
  process.exit(2);
}
await import(entry.href);
