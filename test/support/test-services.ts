import { afterAll, beforeAll, expect } from '@jest/globals';
import type { Type } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { AuthService } from '../../src/auth/auth.service.js';
import type { Caller, OrganizationCaller } from '../../src/auth/caller.js';
import type { Batch } from '../../src/batches/batch-row.js';
import { BatchesService } from '../../src/batches/batches.service.js';
import type { RegisterBatchInput } from '../../src/batches/dto/register-batch.input.js';
import { DomainError } from '../../src/common/domain-error.js';
import { EventsService } from '../../src/events/events.service.js';
import { FacilitiesService } from '../../src/facilities/facilities.service.js';
import type { LedgerEntry } from '../../src/ledger/ledger-entry.js';
import { LedgerService } from '../../src/ledger/ledger.service.js';
import type { OrganizationKind } from '../../src/organizations/organization-kind.js';
import { OrganizationsService } from '../../src/organizations/organizations.service.js';
import type { RegisterProductInput } from '../../src/products/dto/register-product.input.js';
import { ProductsService } from '../../src/products/products.service.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import { testAppModule } from './test-app.js';

/** The caller the resolvers pass for the admin API key. */
export const ADMIN: Caller = { kind: 'admin' };

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

/**
 * The service's modules on a database of the test file's own, without HTTP: tests call services as
 * the resolvers do, with a Caller, and read the state after through services too.
 */
export class ServiceWorld {
  /** Set by useTestServices' beforeAll, so a describe block can hold the world before it starts. */
  moduleRef?: TestingModule;
  db?: TestDatabase;

  get<T>(type: Type<T>): T {
    if (!this.moduleRef) throw new Error('the services start in beforeAll: call get() inside a test');
    return this.moduleRef.get(type);
  }

  /** A new organization and the Caller its first API key authenticates as. */
  async organization(kind: OrganizationKind = 'PRODUCER', name = unique('org')): Promise<OrganizationCaller> {
    const { apiKey } = await this.get(OrganizationsService).create(ADMIN, { name, kind });
    return (await this.get(AuthService).authenticate(`Bearer ${apiKey}`)) as OrganizationCaller;
  }

  async facility(org: Caller): Promise<string> {
    return (await this.get(FacilitiesService).register(org, { name: unique('facility'), region: '天津市宁河区' })).id;
  }

  async product(org: Caller, input: Partial<RegisterProductInput> = {}): Promise<string> {
    return (await this.get(ProductsService).register(org, { name: unique('小站稻'), category: 'GRAIN', storage: 'AMBIENT', ...input })).id;
  }

  async batch(org: Caller, productId: string, facilityId: string, input: Partial<RegisterBatchInput> = {}): Promise<Batch> {
    return this.get(BatchesService).register(org, {
      productId,
      facilityId,
      lotCode: unique('LOT'),
      quantity: 1000,
      unit: 'kg',
      producedAt: new Date('2026-10-06T08:00:00.000Z'),
      ...input,
    });
  }

  /** A producer with a facility, a product and one batch of 1000 kg. */
  async producerWithBatch(kind: OrganizationKind = 'PRODUCER') {
    const org = await this.organization(kind);
    const facilityId = await this.facility(org);
    const productId = await this.product(org);
    const batch = await this.batch(org, productId, facilityId);
    return { org, facilityId, productId, batch };
  }

  /** `from` ships `quantity` of a batch from one of its facilities to `to`, with the bill SHIPPING needs. */
  async ship(from: OrganizationCaller, facilityId: string, batchId: string, to: OrganizationCaller, quantity: number): Promise<LedgerEntry> {
    const [entry] = await this.get(EventsService).record(from, [
      {
        batchId,
        bizStep: 'SHIPPING',
        eventTime: new Date('2026-10-13T01:00:00.000Z'),
        facilityId,
        destinationOrganizationId: to.organizationId,
        quantity,
        details: { shipToLocation: 'dock 1', referenceDocumentType: 'BOL', referenceDocumentNumber: 'B-1' },
      },
    ]);
    return entry;
  }

  /** `to` receives a batch shipped to it, at the given facility or a new one of its own. */
  async receive(to: OrganizationCaller, batchId: string, quantity: number, facilityId?: string): Promise<LedgerEntry> {
    const at = facilityId ?? (await this.facility(to));
    const [entry] = await this.get(EventsService).record(to, [
      { batchId, bizStep: 'RECEIVING', eventTime: new Date('2026-10-13T05:00:00.000Z'), facilityId: at, quantity },
    ]);
    return entry;
  }

  /** A batch as the admin reads it (its status, quantity and custodian now). */
  async batchNow(id: string): Promise<Batch> {
    return (await this.get(BatchesService).get(ADMIN, id))!;
  }

  async ledgerSize(): Promise<number> {
    return (await this.get(LedgerService).info()).size;
  }

  /** The entries appended since the ledger had `size` entries, payloads parsed. */
  async entriesSince(size: number): Promise<(LedgerEntry & { body: Record<string, unknown> })[]> {
    const entries = await this.get(LedgerService).entries(ADMIN, size, 1000);
    return entries.map((e) => ({ ...e, body: JSON.parse(e.payload!) as Record<string, unknown> }));
  }

  /**
   * Expects `call` to be refused with the DomainError `code` and a message matching `message`, and
   * nothing written: the ledger has as many entries after as before.
   */
  async refused(call: () => Promise<unknown>, code: string, message: RegExp | string): Promise<DomainError> {
    const before = await this.ledgerSize();
    const error = await call().then(
      () => {
        throw new Error(`expected a refusal with ${code}, but the call succeeded`);
      },
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code });
    if (typeof message === 'string') expect((error as DomainError).message).toBe(message);
    else expect((error as DomainError).message).toMatch(message);
    expect(await this.ledgerSize()).toBe(before);
    return error as DomainError;
  }
}

/** A ServiceWorld for the describe block that calls this, on its own cloned database. */
export function useTestServices(env: Record<string, string> = {}): ServiceWorld {
  const world = new ServiceWorld();
  beforeAll(async () => {
    world.db = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({ imports: [testAppModule(world.db.url, env)] }).compile();
    moduleRef.useLogger(['fatal']);
    moduleRef.enableShutdownHooks();
    await moduleRef.init();
    world.moduleRef = moduleRef;
  });
  afterAll(async () => {
    await world.moduleRef?.close();
    await world.db?.drop();
  });
  return world;
}
