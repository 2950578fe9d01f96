import { describe, expect, it } from '@jest/globals';
import { plausibleScans } from './scan-plausibility.js';

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
});
