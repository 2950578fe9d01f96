import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKeyPem } from '../ledger/signing-key.js';
import { GeneratedSecrets } from './config.js';

export interface DevSecrets extends GeneratedSecrets {
  embeddedPostgresPassword: string;
}

/**
 * A development start needs no settings: the admin key, the checkpoint signing key and the embedded
 * PostgreSQL password are generated once and kept beside the data, so a restart keeps them.
 */
export function devSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  const secrets: DevSecrets = {
    adminApiKey: `sy_admin_${randomBytes(24).toString('base64url')}`,
    ledgerSigningKey: generateSigningKeyPem(),
    embeddedPostgresPassword: randomBytes(18).toString('base64url'),
  };
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return secrets;
}
