/**
 * When scans of one label stop being plausible. A genuine pack is scanned a few times (in the shop,
 * at home); copied labels are scanned by every buyer of every copy. So the ceiling is five scans per
 * retail unit the batch was registered with: countable units count as they are, a kilogram counts
 * as one pack, a tonne as a thousand; for other units there is no ceiling (no warning).
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
