import { describe, expect, it } from '@jest/globals';
import { observedBizStep, toCelsius } from './capture-plan.js';

describe('reading an observed EPCIS event', () => {
  const base = 'https://suyuan.example';

  it('records CBV steps it models, and its own steps only under its own base URL', () => {
    expect(observedBizStep('receiving', base)).toBe('RECEIVING');
    expect(observedBizStep(`${base}/epcis/bizstep/harvesting`, base)).toBe('HARVESTING');
    expect(observedBizStep('https://elsewhere.example/epcis/bizstep/harvesting', base)).toBeUndefined();
    expect(observedBizStep('harvesting', base)).toBeUndefined();
    expect(observedBizStep('commissioning', base)).toBeUndefined();
    expect(observedBizStep(null, base)).toBeUndefined();
  });

  it("names no step for words that are Object's own members, not the tables' entries", () => {
    for (const word of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(observedBizStep(word, base)).toBeUndefined();
      expect(observedBizStep(`${base}/epcis/bizstep/${word}`, base)).toBeUndefined();
    }
  });

  it('reads temperatures in Celsius, Fahrenheit or kelvin, converted exactly, and no other unit', () => {
    expect(toCelsius(4, 'CEL')).toBe(4);
    expect(toCelsius(41, 'FAH')).toBe(5);
    expect(toCelsius(277.15, 'KEL')).toBe(4);
    expect(toCelsius(0, 'KEL')).toBe(-273.15);
    expect(toCelsius(255.37, 'KEL')).toBe(-17.78);
    expect(toCelsius(39.2, 'FAH')).toBe(4);
    expect(toCelsius(-40, 'FAH')).toBe(-40);
    expect(toCelsius(0, 'FAH')).toBe(-160 / 9);
    expect(toCelsius(1e-7, 'KEL')).toBe(-273.1499999);
    expect(toCelsius(4, 'K')).toBeNull();
    expect(toCelsius(4, 'DEGC')).toBeNull();
  });
});
