import type { StorageCondition } from '../products/product-kinds.js';

export const COLD_CHAIN_STATUSES = ['NOT_APPLICABLE', 'OK', 'EXCURSION', 'NO_DATA'] as const;
export type ColdChainStatus = (typeof COLD_CHAIN_STATUSES)[number];

/** Ambient goods have no cold chain; chilled and frozen ones have NO_DATA until readings are recorded. */
export function coldChainStatus(storage: StorageCondition, readings: { count: number; excursions: number }): ColdChainStatus {
  if (storage === 'AMBIENT') return 'NOT_APPLICABLE';
  if (readings.count === 0) return 'NO_DATA';
  return readings.excursions > 0 ? 'EXCURSION' : 'OK';
}
