import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'supertest/types.js';
import { parseSigningKey, verifierKey } from '../../src/ledger/signing-key.js';
import { rawPublicKey, witnessVerifierKey } from '../../src/witnesses/cosignature.js';
import { createOrg, type Org, producerWithBatch } from '../support/builders.js';
import { LEDGER_SIZE, REVOKE_API_KEY } from '../support/documents.js';
import { freePort } from '../support/service-process.js';
import { createTestApp, gql, gqlOk, TEST_ADMIN_KEY, TEST_SIGNING_SEED } from '../support/test-app.js';
import { startWitness, type WitnessProcess } from '../support/witness-process.js';
import { createTestDatabase, type TestDatabase } from '../test-database.js';

const CREATE_KEY = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id label } } }';
const ORG_KEYS = 'query($id: ID!) { organization(id: $id) { id name apiKeys { id label revokedAt } } }';
const WITNESSES = '{ witnesses { name keyId cosignedSize cosignedAt lastError } }';
const LAST_AUDIT = `{ lastLedgerAudit { finishedAt requestedBy requestedByOrganization { id name } fromSeq toSeq chainValid checkedEntries
  firstInvalidSeq projectionsClean rowsChecked disagreements uncheckedRows } }`;
const outcome = (res: { errors?: { extensions?: { code?: string; reason?: string } }[] }) =>
  res.errors?.length ? `${res.errors[0].extensions?.code}/${res.errors[0].extensions?.reason}` : 'ok';

/**
 * The admin's part in an organization's keys (issue 19): it lists them and makes one for the organization,
 * which then rotates by revoking the old; and the ledger's state a regulator checks: the witnesses (a real
 * one that cosigns, one that is down) and the last audit on record.
 */
describe('organizations’ keys (admin), witnesses and the last audit', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let dir: string;
  let witness: WitnessProcess;
  let downName: string;
  let regulator: Org;
  let farm: Org;
  let mill: Org;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'suyuan-ledgeradmin-'));
    const origin = 'suyuan.test/ledger';
    witness = await startWitness(dir, verifierKey(origin, parseSigningKey(TEST_SIGNING_SEED).publicKeyRaw), 'witness.test/ledgeradmin');
    downName = 'witness.test/down';
    const downKey = witnessVerifierKey(downName, rawPublicKey(generateKeyPairSync('ed25519').privateKey));
    const downUrl = `http://127.0.0.1:${await freePort()}`;
    db = await createTestDatabase();
    app = await createTestApp(db.url, {
      CHECKPOINT_INTERVAL_MS: '100',
      WITNESS_URLS: `${witness.url} ${witness.key},${downUrl} ${downKey}`,
      WITNESS_TIMEOUT_MS: '2000',
    });
    regulator = await createOrg(app, 'REGULATOR', '天津市市场监督管理局');
    farm = (await producerWithBatch(app)).org;
    mill = await createOrg(app, 'PROCESSOR');
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    witness?.child.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lets the admin make a key for an organization, which then works as the organization’s own', async () => {
    const made = (await gqlOk(app, CREATE_KEY, { input: { label: '补发密钥', organizationId: farm.id } }, TEST_ADMIN_KEY)).createApiKey;
    expect(made.apiKey.label).toBe('补发密钥');
    const { viewer } = await gqlOk(app, '{ viewer { organization { id } } }', undefined, made.secret);
    expect(viewer.organization.id).toBe(farm.id);
  });

  it('refuses organizationId from anyone but the admin, an organization naming itself aside', async () => {
    expect(outcome(await gql(app, CREATE_KEY, { input: { label: 'x', organizationId: farm.id } }, mill.key))).toBe('FORBIDDEN/ADMIN_ONLY');
    expect(outcome(await gql(app, CREATE_KEY, { input: { label: 'x', organizationId: farm.id } }, regulator.key))).toBe('FORBIDDEN/ADMIN_ONLY');
    expect(outcome(await gql(app, CREATE_KEY, { input: { label: 'x', organizationId: farm.id } }))).toBe('UNAUTHENTICATED/AUTHENTICATION_REQUIRED');
    expect(outcome(await gql(app, CREATE_KEY, { input: { label: '自己的', organizationId: mill.id } }, mill.key))).toBe('ok');
    // The admin key has no keys of its own: it names the organization, one that exists.
    expect(outcome(await gql(app, CREATE_KEY, { input: { label: 'x' } }, TEST_ADMIN_KEY))).toBe('FORBIDDEN/ORGANIZATION_ONLY');
    const unknown = await gql(app, CREATE_KEY, { input: { label: 'x', organizationId: '00000000-0000-4000-8000-000000000000' } }, TEST_ADMIN_KEY);
    expect(outcome(unknown)).toBe('NOT_FOUND/ORGANIZATION_NOT_FOUND');
    expect(unknown.errors![0].message).toMatch(/^organizationId: /);
    expect(outcome(await gql(app, CREATE_KEY, { input: { label: 'x', organizationId: 'not-a-uuid' } }, TEST_ADMIN_KEY))).toMatch(/^BAD_USER_INPUT\//);
  });

  it('shows an organization’s keys to itself and the admin only', async () => {
    const label = `扫码枪 ${Date.now()}`;
    await gqlOk(app, CREATE_KEY, { input: { label } }, mill.key);
    const asAdmin = (await gqlOk(app, ORG_KEYS, { id: mill.id }, TEST_ADMIN_KEY)).organization;
    expect(asAdmin.apiKeys.map((k: { label: string }) => k.label)).toContain(label);
    const asItself = (await gqlOk(app, '{ viewer { organization { apiKeys { label } } } }', undefined, mill.key)).viewer.organization;
    expect(asItself.apiKeys.map((k: { label: string }) => k.label)).toContain(label);
    expect((await gqlOk(app, ORG_KEYS, { id: mill.id }, mill.key)).organization.apiKeys.length).toBe(asAdmin.apiKeys.length);
    // A regulator opens any organization, but its keys are not its business.
    const asRegulator = await gql(app, ORG_KEYS, { id: mill.id }, regulator.key);
    expect(asRegulator.data!.organization.apiKeys).toBeNull();
    expect(JSON.stringify(asRegulator)).not.toContain(label);
    // Another organization is told there is none; without a key, nothing.
    expect(outcome(await gql(app, ORG_KEYS, { id: mill.id }, farm.key))).toBe('NOT_FOUND/ORGANIZATION_NOT_FOUND');
    expect(outcome(await gql(app, ORG_KEYS, { id: mill.id }))).toBe('UNAUTHENTICATED/AUTHENTICATION_REQUIRED');
    const listed = await gql(app, '{ organizations(first: 100, kind: PROCESSOR) { edges { node { id apiKeys { label } } } } }', undefined, regulator.key);
    expect(JSON.stringify(listed)).not.toContain(label);
  });

  it('rotates an organization that lost its only key: a new key from the admin, then the lost one revoked', async () => {
    const lost = await createOrg(app, 'RETAILER');
    const [old] = (await gqlOk(app, ORG_KEYS, { id: lost.id }, TEST_ADMIN_KEY)).organization.apiKeys;
    const fresh = (await gqlOk(app, CREATE_KEY, { input: { label: '新密钥', organizationId: lost.id } }, TEST_ADMIN_KEY)).createApiKey;
    await gqlOk(app, REVOKE_API_KEY, { id: old.id }, TEST_ADMIN_KEY);
    expect(outcome(await gql(app, '{ viewer { organization { id } } }', undefined, lost.key))).toBe('UNAUTHENTICATED/INVALID_API_KEY');
    expect((await gqlOk(app, '{ viewer { organization { id } } }', undefined, fresh.secret)).viewer.organization.id).toBe(lost.id);
    const keys = (await gqlOk(app, ORG_KEYS, { id: lost.id }, TEST_ADMIN_KEY)).organization.apiKeys as { id: string; revokedAt: string | null }[];
    expect(keys.find((k) => k.id === old.id)!.revokedAt).not.toBeNull();
    // The organization itself still may not revoke its last active key.
    expect(outcome(await gql(app, REVOKE_API_KEY, { id: fresh.apiKey.id }, fresh.secret))).toBe('CONFLICT/LAST_ACTIVE_KEY');
  });

  it('shows each witness to regulators and the admin: the newest tree it cosigned, and why the one that is down failed', async () => {
    const { ledgerInfo } = await gqlOk(app, LEDGER_SIZE);
    type State = { name: string; keyId: string; cosignedSize: number | null; cosignedAt: string | null; lastError: string | null };
    let states: State[] = [];
    for (let tries = 0; tries < 300; tries++) {
      states = (await gqlOk(app, WITNESSES, undefined, regulator.key)).witnesses;
      const up = states.find((s) => s.name === 'witness.test/ledgeradmin');
      const down = states.find((s) => s.name === downName);
      if ((up?.cosignedSize ?? 0) >= ledgerInfo.size && down?.lastError) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const up = states.find((s) => s.name === 'witness.test/ledgeradmin')!;
    expect(up.cosignedSize).toBeGreaterThanOrEqual(ledgerInfo.size);
    expect(Date.parse(up.cosignedAt!)).not.toBeNaN();
    expect(up.lastError).toBeNull();
    expect(up.keyId).toMatch(/^[0-9a-f]{8}$/);
    const down = states.find((s) => s.name === downName)!;
    expect(down.cosignedSize).toBeNull();
    expect(down.lastError).toEqual(expect.any(String));
    expect((await gqlOk(app, WITNESSES, undefined, TEST_ADMIN_KEY)).witnesses).toHaveLength(2);
    expect(outcome(await gql(app, WITNESSES, undefined, farm.key))).toBe('FORBIDDEN/ROLE_NOT_ALLOWED');
    expect(outcome(await gql(app, WITNESSES))).toBe('UNAUTHENTICATED/AUTHENTICATION_REQUIRED');
  });

  it('records each completed audit, and shows the newest to regulators and the admin', async () => {
    expect((await gqlOk(app, LAST_AUDIT, undefined, regulator.key)).lastLedgerAudit).toBeNull();
    // A regulator's whole check: the chain and the projections, as one run.
    const checked = (await gqlOk(app, '{ verifyLedger { valid checkedEntries projections { clean rowsChecked ledgerSize } } }', undefined, regulator.key))
      .verifyLedger;
    const byRegulator = (await gqlOk(app, LAST_AUDIT, undefined, regulator.key)).lastLedgerAudit;
    expect(byRegulator).toMatchObject({
      requestedBy: 'ORGANIZATION',
      requestedByOrganization: { id: regulator.id, name: '天津市市场监督管理局' },
      fromSeq: 1,
      toSeq: checked.projections.ledgerSize,
      chainValid: true,
      checkedEntries: checked.checkedEntries,
      firstInvalidSeq: null,
      projectionsClean: true,
      rowsChecked: checked.projections.rowsChecked,
      disagreements: 0,
    });
    // The admin's check of a range: the chain alone (no projection audit was asked for).
    await gqlOk(app, '{ verifyLedger(fromSeq: 2, toSeq: 3) { valid } }', undefined, TEST_ADMIN_KEY);
    const byAdmin = (await gqlOk(app, LAST_AUDIT, undefined, TEST_ADMIN_KEY)).lastLedgerAudit;
    expect(byAdmin).toMatchObject({ requestedBy: 'ADMIN', requestedByOrganization: null, fromSeq: 2, toSeq: 3, chainValid: true, checkedEntries: 2 });
    expect(byAdmin.projectionsClean).toBeNull();
    expect(Date.parse(byAdmin.finishedAt)).toBeGreaterThanOrEqual(Date.parse(byRegulator.finishedAt));
    // A refused check is no audit.
    expect(outcome(await gql(app, '{ verifyLedger { valid } }', undefined, farm.key))).toBe('FORBIDDEN/ROLE_NOT_ALLOWED');
    expect((await gqlOk(app, LAST_AUDIT, undefined, regulator.key)).lastLedgerAudit.requestedBy).toBe('ADMIN');
    expect(outcome(await gql(app, LAST_AUDIT, undefined, farm.key))).toBe('FORBIDDEN/ROLE_NOT_ALLOWED');
    expect(outcome(await gql(app, LAST_AUDIT))).toBe('UNAUTHENTICATED/AUTHENTICATION_REQUIRED');
  });
});

describe('the periodic projection audit on record', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url, { PROJECTION_AUDIT_INTERVAL_MS: '3600000' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('records the schedule’s run: the projections replayed to the ledger’s size, the chain not hashed again', async () => {
    const regulator = await createOrg(app, 'REGULATOR');
    let run: Record<string, unknown> | null = null;
    for (let tries = 0; tries < 300 && !run; tries++) {
      run = (await gqlOk(app, LAST_AUDIT, undefined, regulator.key)).lastLedgerAudit;
      if (!run) await new Promise((r) => setTimeout(r, 100));
    }
    expect(run).toMatchObject({
      requestedBy: 'SCHEDULE',
      requestedByOrganization: null,
      fromSeq: 1,
      chainValid: null,
      projectionsClean: true,
      disagreements: 0,
    });
  });
});
