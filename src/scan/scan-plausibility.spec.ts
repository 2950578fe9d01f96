import { describe, expect, it } from '@jest/globals';
import { dailyScanCap, MAX_DAILY_SCANS, plausibleScans, scansUnusual } from './scan-plausibility.js';

describe('plausible scans', () => {
  it('allows five scans a retail unit, and at least a hundred', () => {
    expect(plausibleScans(4000, 'bottle')).toBe(20_000);
    expect(plausibleScans(240, '袋')).toBe(1_200);
    expect(plausibleScans(3, 'box')).toBe(100);
    expect(plausibleScans(1200.5, 'kg')).toBe(6_003);
    expect(plausibleScans(2, 't')).toBe(10_000);
  });
  it('sets no ceiling for units it cannot count', () => {
    expect(plausibleScans(500, 'L')).toBeNull();
  });

  it('counts at most a third of the ceiling a day, so passing it takes three days', () => {
    expect(dailyScanCap(100)).toBe(34);
    expect(dailyScanCap(1_200)).toBe(400);
    expect(dailyScanCap(100_000)).toBe(MAX_DAILY_SCANS);
    expect(dailyScanCap(null)).toBe(MAX_DAILY_SCANS);
  });

  it('calls a count unusual only past the ceiling and over at least three days', () => {
    expect(scansUnusual({ total: 5_000, days: 1 }, 100)).toBe(false);
    expect(scansUnusual({ total: 5_000, days: 2 }, 100)).toBe(false);
    expect(scansUnusual({ total: 100, days: 30 }, 100)).toBe(false);
    expect(scansUnusual({ total: 102, days: 3 }, 100)).toBe(true);
    expect(scansUnusual({ total: 1_000_000, days: 30 }, null)).toBe(false);
  });
});
