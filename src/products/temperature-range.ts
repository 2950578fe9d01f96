import type { StorageCondition } from './product-kinds.js';

/** GB 31605: chilled is above freezing and at most 8 °C; frozen is −18 °C or colder. */
export const DEFAULT_RANGES: Record<StorageCondition, { minTempC: number | null; maxTempC: number | null }> = {
  AMBIENT: { minTempC: null, maxTempC: null },
  CHILLED: { minTempC: 0, maxTempC: 8 },
  FROZEN: { minTempC: null, maxTempC: -18 },
};

/** The product's range: the storage default, with either end overridden where given. Returns an error text when it makes no sense. */
export function temperatureRange(
  storage: StorageCondition,
  minTempC?: number | null,
  maxTempC?: number | null,
): { minTempC: number | null; maxTempC: number | null } | string {
  const range = {
    minTempC: minTempC ?? DEFAULT_RANGES[storage].minTempC,
    maxTempC: maxTempC ?? DEFAULT_RANGES[storage].maxTempC,
  };
  if (range.minTempC !== null && range.maxTempC !== null && range.minTempC > range.maxTempC) {
    return `minTempC ${range.minTempC} is above maxTempC ${range.maxTempC}`;
  }
  return range;
}
