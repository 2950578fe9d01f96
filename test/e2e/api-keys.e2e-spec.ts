import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createOrg } from '../support/builders.js';
import { createTestApp, gql, gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';
import { CREATE_CHECKPOINT } from '../support/documents.js';

const CREATE = 'mutation($label: String!) { createApiKey(input: { label: $label }) { secret apiKey { id label createdAt revokedAt lastUsedAt } } }';
const REVOKE = 'mutation($id: ID!) { revokeApiKey(id: $id) { id label revokedAt } }';
const LIST = '{ apiKeys { id label revokedAt lastUsedAt } }';

describe('API keys', () => {
  const service = useTestApp();

  it('an organization holds several labelled keys, stored only as hashes, and revokes them; a revoked key is refused at once', async () => {
    const { app } = service;
    const farm = await createOrg(app, 'PRODUCER');
    const created = (await gqlOk(app, CREATE, { label: 'warehouse scanner 2' }, farm.key)).createApiKey;
    expect(created.apiKey).toMatchObject({ label: 'warehouse scanner 2', revokedAt: null, lastUsedAt: null });
    expect(created.secret).toMatch(/^sy_[A-Za-z0-9_-]{43}$/);

    // The new key works, and its use is recorded.
    const keys = (await gqlOk(app, LIST, undefined, created.secret)).apiKeys;
    expect(keys.map((k: { label: string }) => k.label)).toEqual(['warehouse scanner 2', 'initial']);
    const stored: { secret_hash: string; last_used_at: Date | null }[] = await app
      .get(DataSource)
      .query('SELECT secret_hash, last_used_at FROM api_key WHERE id = $1', [created.apiKey.id]);
    expect(stored[0].secret_hash).toBe(createHash('sha256').update(created.secret).digest('hex'));
    expect(JSON.stringify(await app.get(DataSource).query('SELECT * FROM api_key'))).not.toContain(created.secret);
    // The use is written in the background: wait for it, up to a second.
    for (let i = 0; i < 50 && !(await app.get(DataSource).query('SELECT last_used_at FROM api_key WHERE id = $1', [created.apiKey.id]))[0].last_used_at; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await gqlOk(app, LIST, undefined, farm.key)).apiKeys[0].lastUsedAt).not.toBeNull();

    // Revoked with the other key: the next request with it is refused.
    const revoked = (await gqlOk(app, REVOKE, { id: created.apiKey.id }, farm.key)).revokeApiKey;
    expect(revoked.revokedAt).not.toBeNull();
    const refused = await gql(app, LIST, undefined, created.secret);
    expect(refused.errors?.[0]).toMatchObject({
      message: 'the API key is not valid or has been revoked',
      extensions: { code: 'UNAUTHENTICATED', reason: 'INVALID_API_KEY' },
    });
    expect((await gql(app, REVOKE, { id: created.apiKey.id }, farm.key)).errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'API_KEY_REVOKED' });
  });

  it('never lets an organization revoke its last key or touch another organization’s keys; the admin may revoke any', async () => {
    const { app } = service;
    const farm = await createOrg(app, 'PRODUCER');
    const other = await createOrg(app, 'RETAILER');
    const [initial] = (await gqlOk(app, LIST, undefined, farm.key)).apiKeys;
    expect((await gql(app, REVOKE, { id: initial.id }, farm.key)).errors?.[0]).toMatchObject({
      message: 'this is your last active key: create another before revoking it',
      extensions: { code: 'CONFLICT', reason: 'LAST_ACTIVE_KEY' },
    });
    // Another organization's key looks like no key at all.
    expect((await gql(app, REVOKE, { id: initial.id }, other.key)).errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'API_KEY_NOT_FOUND' });
    expect((await gql(app, REVOKE, { id: 'not-a-uuid' }, farm.key)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await gql(app, CREATE, { label: 'x' })).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(app, CREATE, { label: 'x' }, TEST_ADMIN_KEY)).errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ORGANIZATION_ONLY' });
    expect((await gql(app, CREATE, { label: ' ' }, farm.key)).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    // The admin locks out a compromised organization.
    await gqlOk(app, REVOKE, { id: initial.id }, TEST_ADMIN_KEY);
    expect((await gql(app, LIST, undefined, farm.key)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('accepts the previous admin key while it is rotated out, and only the configured ones', async () => {
    const previous = 'previous-admin-key-0123456789abcdef';
    const rotated = await createTestApp(service.db.url, { ADMIN_API_KEY_PREVIOUS: previous });
    try {
      const asAdmin = (key: string) => gql(rotated, CREATE_CHECKPOINT, undefined, key);
      expect((await asAdmin(TEST_ADMIN_KEY)).errors).toBeUndefined();
      expect((await asAdmin(previous)).errors).toBeUndefined();
      expect((await asAdmin('some-other-key-0123456789abcdef')).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await rotated.close();
    }
    expect((await gql(service.app, CREATE_CHECKPOINT, undefined, previous)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
