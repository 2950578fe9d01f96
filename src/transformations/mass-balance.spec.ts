import { describe, expect, it } from '@jest/globals';
import { kilogramsPer, yieldProblem } from './mass-balance.js';

const line = (name: string, quantity: number, unit: string) => ({ name, quantity, unit });

describe('mass balance', () => {
  it('weighs mass and volume units in kilograms (a litre as water), and counts nothing else', () => {
    expect([kilogramsPer('kg'), kilogramsPer('t'), kilogramsPer(' G '), kilogramsPer('L'), kilogramsPer('mL'), kilogramsPer('斤'), kilogramsPer('吨')]).toEqual(
      [1, 1000, 1e-3, 1, 1e-3, 0.5, 1000],
    );
    expect([kilogramsPer('bag'), kilogramsPer('piece'), kilogramsPer('箱'), kilogramsPer('kgs')]).toEqual([null, null, null, null]);
  });

  it('refuses 1e-9 kg becoming 1e12 kg, naming the input, the output and the ratio', () => {
    expect(yieldProblem([line('inputs[0] (batch B)', 1e-9, 'kg')], [line('outputs[0] (lot L)', 1e12, 'kg')], 1)).toBe(
      'outputs weigh 1000000000000 kg (outputs[0] (lot L): 1000000000000 kg) from inputs weighing 1e-9 kg (inputs[0] (batch B): 1e-9 kg): ' +
        'a yield of 1e+21, more than the 1 allowed (MAX_TRANSFORMATION_YIELD); a litre counts as a kilogram',
    );
  });

  it.each([
    ['milling 10 t of paddy into 6,800 kg of rice', [line('i', 10, 't')], [line('o', 6800, 'kg')], 1, null],
    ['pooling exactly what was taken, in decimals', [line('a', 0.1, 'kg'), line('b', 0.2, 'kg')], [line('o', 0.3, 'kg')], 1, null],
    ['one gram more than taken', [line('i', 1, 'kg')], [line('o', 1001, 'g')], 1, /a yield of 1.001, more than the 1 allowed/],
    ['tofu from soybeans under a yield of 3', [line('i', 100, 'kg')], [line('o', 280, 'kg')], 3, null],
    ['kilograms into litres beyond the yield', [line('i', 1, 'kg')], [line('o', 5, 'L')], 1, /outputs weigh 5 kg .* a yield of 5/],
    ['litres into litres', [line('i', 1000, 'L')], [line('o', 950, 'L')], 1, null],
    ['weighed outputs against weighed inputs only', [line('i', 1, 'kg'), line('c', 1000, 'case')], [line('o', 500, 'kg')], 1, /a yield of 500/],
    ['counted outputs: not balanced', [line('i', 1e-9, 'kg')], [line('o', 1e12, 'bag')], 1, null],
    ['no weighed input: nothing to balance against', [line('i', 10, 'case')], [line('o', 500, 'kg')], 1, null],
    [
      'several lines: totals and the heaviest',
      [line('inputs[0]', 1, 'kg'), line('inputs[1]', 2, 'kg')],
      [line('outputs[0]', 2, 'kg'), line('outputs[1]', 3, 'kg')],
      1,
      'outputs weigh 5 kg (5 kg in all, the most outputs[1]: 3 kg) from inputs weighing 3 kg (3 kg in all, the most inputs[1]: 2 kg): ' +
        'a yield of 1.66667, more than the 1 allowed (MAX_TRANSFORMATION_YIELD); a litre counts as a kilogram',
    ],
  ])('%s', (_label, inputs, outputs, maxYield, expected) => {
    const problem = yieldProblem(inputs, outputs, maxYield);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});
