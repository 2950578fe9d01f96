import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller, requireMaker } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { newEntry } from '../ledger/entry-types.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { RegisterProductInput } from './dto/register-product.input.js';
import { normalizeGtin } from './gtin.js';
import { Product, ProductsRepository } from './products.repository.js';
import { temperatureRange } from './temperature-range.js';
import { DEFAULT_MAX_GAP_MINUTES, DEFAULT_TOLERANCE_MINUTES } from '../cold-chain/excursions.js';

@Injectable()
export class ProductsService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly products: ProductsRepository,
  ) {}

  async register(caller: Caller, input: RegisterProductInput): Promise<Product> {
    const org = requireMaker(caller, 'registerProduct');
    let gtin: string | null = null;
    // An empty gtin is a malformed one, not a missing one.
    if (input.gtin != null) {
      gtin = normalizeGtin(input.gtin);
      if (!gtin) throw new DomainError('INVALID_GTIN', `gtin ${input.gtin} is not a GTIN-8, -12, -13 or -14 with a valid check digit`);
    }
    const range = temperatureRange(input.storage, input.minTempC, input.maxTempC);
    if (typeof range === 'string') throw new DomainError('INVALID_TEMPERATURE_RANGE', range);
    const product: Product = {
      id: randomUUID(),
      organizationId: org.organizationId,
      name: input.name,
      gtin,
      category: input.category,
      storage: input.storage,
      ...range,
      geographicIndication: input.geographicIndication ?? null,
      excursionToleranceMinutes: input.excursionToleranceMinutes ?? DEFAULT_TOLERANCE_MINUTES,
      maxReadingGapMinutes: input.maxReadingGapMinutes ?? DEFAULT_MAX_GAP_MINUTES,
    };
    const { id: productId, organizationId: _owner, ...described } = product;
    const draft = newEntry('PRODUCT_REGISTERED', null, { productId, ...dropNulls(described) });
    await this.writer.execute({
      actor: org.organizationId,
      run: async ({ tx, append }) => {
        if (gtin && (await this.products.gtinTaken(tx, gtin))) throw new DomainError('DUPLICATE_GTIN', `a product with GTIN ${gtin} is already registered`);
        const [entry] = await append([draft]);
        await this.products.insert(tx, { ...product, createdSeq: entry.seq });
      },
    });
    return product;
  }
}

/** The members that may be null or undefined become optional and lose null; the others stay as they are. */
type WithoutNulls<T> = { [K in keyof T as null extends T[K] ? never : undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as null extends T[K] ? K : undefined extends T[K] ? K : never]?: NonNullable<T[K]>;
};

export function dropNulls<T extends Record<string, unknown>>(value: T): WithoutNulls<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as WithoutNulls<T>;
}
