import { describe, expect, it } from '@jest/globals';
import { findExcursions, meanKineticTemperature, Reading } from './excursions.js';

const chilled = { minTempC: 0, maxTempC: 8, toleranceMinutes: 30, maxGapMinutes: 60 };
const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 0, minute));
const series = (temps: number[], every = 10): Reading[] => temps.map((celsius, i) => ({ at: at(i * every), celsius }));

describe('findExcursions', () => {
  it('finds nothing in range', () => {
    expect(findExcursions(series([4, 5, 8, 0, 3]), chilled)).toEqual([]);
  });

  it('tolerates a short excursion but not one longer than the tolerance', () => {
    // out of range from minute 10 to 40 (back in range at 40): exactly 30 minutes is tolerated
    expect(findExcursions(series([4, 9, 10, 9, 5]), chilled)).toEqual([]);
    // out from 10 to 50: 40 minutes
    expect(findExcursions(series([4, 9, 12.5, 9, 8.5, 5]), chilled)).toEqual([
      { kind: 'OUT_OF_RANGE', start: at(10), end: at(50), minutes: 40, minC: 8.5, maxC: 12.5 },
    ]);
  });

  it('counts a run still out of range at the last reading, and freezing below the minimum', () => {
    // out from minute 10 to the last reading at 40: 30 minutes, tolerated
    expect(findExcursions(series([4, -1, -2, -1.5, -1]), chilled)).toEqual([]);
    expect(findExcursions(series([4, -1, -2, -1.5, -1, -3]), chilled)).toEqual([
      { kind: 'OUT_OF_RANGE', start: at(10), end: at(50), minutes: 40, minC: -3, maxC: -1 },
    ]);
  });

  it('reports a gap in the readings longer than allowed', () => {
    const readings = [
      { at: at(0), celsius: 4 },
      { at: at(90), celsius: 5 },
    ];
    expect(findExcursions(readings, chilled)).toEqual([{ kind: 'GAP', start: at(0), end: at(90), minutes: 90, minC: 4, maxC: 5 }]);
  });

  it('applies a frozen range with no lower bound', () => {
    const frozen = { minTempC: null, maxTempC: -18, toleranceMinutes: 30, maxGapMinutes: 60 };
    expect(findExcursions(series([-25, -30, -17, -16, -15, -14, -20]), frozen)).toEqual([
      { kind: 'OUT_OF_RANGE', start: at(20), end: at(60), minutes: 40, minC: -17, maxC: -14 },
    ]);
  });
});

describe('meanKineticTemperature', () => {
  it('equals the temperature when it is constant, and weighs warm readings more than the mean', () => {
    expect(meanKineticTemperature(series([5, 5, 5]))).toBe(5);
    const mkt = meanKineticTemperature(series([2, 2, 2, 20]))!;
    expect(mkt).toBeGreaterThan(6.5); // the arithmetic mean
    expect(mkt).toBeLessThan(20);
    expect(meanKineticTemperature([])).toBeNull();
  });
});
