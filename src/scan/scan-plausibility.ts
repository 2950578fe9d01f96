/**
 * When scans of one label stop being plausible. A genuine pack is scanned a few times (in the shop,
 * at home); copied labels are scanned by every buyer of every copy. So the ceiling is five scans per
 * retail unit the batch was registered with: countable units count as they are, a kilogram counts
 * as one pack, a tonne as a thousand; for other units there is no ceiling (no notice).
 *
 * Scans counted are distinct clients a day (ScanClients), at most `dailyScanCap` a lot a day, so no
 * single day (one script with many addresses) can pass the ceiling: a notice needs it passed over at
 * least DAYS_BEFORE_NOTICE days.
 */
const COUNTABLE = new Set([
  'bottle',
  'bottles',
  'bag',
  'bags',
  'box',
  'boxes',
  'pack',
  'packs',
  'case',
  'cases',
  'piece',
  'pieces',
  'pcs',
  'unit',
  'units',
  '瓶',
  '袋',
  '盒',
  '箱',
  '件',
  '包',
  '个',
]);
export const SCANS_PER_UNIT = 5;
export const MIN_CEILING = 100;

export function plausibleScans(quantity: number, unit: string): number | null {
  const u = unit.trim().toLowerCase();
  let units: number | null = null;
  if (COUNTABLE.has(u)) units = quantity;
  else if (u === 'kg') units = quantity;
  else if (u === 't') units = quantity * 1000;
  return units === null ? null : Math.max(MIN_CEILING, Math.ceil(units * SCANS_PER_UNIT));
}

/** Days with counted scans a lot needs before its count can be called unusual. */
export const DAYS_BEFORE_NOTICE = 3;
/** Most scans counted for one lot in one day, whatever its size. */
export const MAX_DAILY_SCANS = 5_000;

/** Most scans counted for a lot a day: a third of its ceiling (so passing it takes DAYS_BEFORE_NOTICE days), at most MAX_DAILY_SCANS. */
export function dailyScanCap(ceiling: number | null): number {
  return ceiling === null ? MAX_DAILY_SCANS : Math.min(MAX_DAILY_SCANS, Math.ceil(ceiling / DAYS_BEFORE_NOTICE));
}

/** Whether a lot's counted scans are past what it makes plausible: over its ceiling, and on at least DAYS_BEFORE_NOTICE days. */
export function scansUnusual(counted: { total: number; days: number }, ceiling: number | null): boolean {
  return ceiling !== null && counted.total > ceiling && counted.days >= DAYS_BEFORE_NOTICE;
}
