import { kilogramsPer, yieldProblem } from '../../transformations/mass-balance.js';

/** An input line as the form has it: how much is taken of a lot, and how much the lot has left. */
export interface TakenLine {
  name: string;
  quantity: number;
  unit: string;
  left: number;
}

export interface MadeLine {
  name: string;
  quantity: number;
  unit: string;
}

export interface BalancePreview {
  /** Totals per unit, as typed: "taken 800 kg", "made 300 kg + 500 kg". */
  taken: { unit: string; total: number }[];
  made: { unit: string; total: number }[];
  /** Weighed inputs and outputs in kilograms (mass-balance.ts's rule), and the yield between them; null when one side has nothing weighed. */
  yieldPercent: number | null;
  /** Lines that take more than their lot has left (the API's INSUFFICIENT_QUANTITY). */
  overTaken: TakenLine[];
  /** The API's YIELD_EXCEEDED message for these lines at `maxYield`, or null when the balance holds. */
  yieldProblem: string | null;
  /** Some line's unit is counted (piece, case …): it is not weighed, so it does not enter the balance. */
  unweighed: boolean;
}

/**
 * The mass balance of a transformation before it is sent, with the rules transformBatches checks it by
 * (src/transformations: a line may take at most what its lot has left; the weighed outputs at most
 * `maxYield` times the weighed inputs, counted units not weighed). Lines without a quantity are left out. Pure.
 */
export function balancePreview(inputs: TakenLine[], outputs: MadeLine[], maxYield: number): BalancePreview {
  const given = <T extends { quantity: number }>(lines: T[]) => lines.filter((l) => Number.isFinite(l.quantity) && l.quantity > 0);
  const ins = given(inputs);
  const outs = given(outputs);
  const kg = (lines: { quantity: number; unit: string }[]) =>
    lines.reduce((sum, l) => {
      const per = kilogramsPer(l.unit);
      return per === null ? sum : sum + l.quantity * per;
    }, 0);
  const weighed = (lines: { unit: string }[]) => lines.some((l) => kilogramsPer(l.unit) !== null);
  const kgIn = kg(ins);
  return {
    taken: totalsByUnit(ins),
    made: totalsByUnit(outs),
    yieldPercent: weighed(ins) && weighed(outs) && kgIn > 0 ? (kg(outs) / kgIn) * 100 : null,
    overTaken: ins.filter((l) => l.quantity > l.left),
    yieldProblem: ins.length && outs.length ? yieldProblem(ins, outs, maxYield) : null,
    unweighed: [...ins, ...outs].some((l) => kilogramsPer(l.unit) === null),
  };
}

function totalsByUnit(lines: { quantity: number; unit: string }[]): { unit: string; total: number }[] {
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.unit.trim(), (totals.get(l.unit.trim()) ?? 0) + l.quantity);
  return [...totals].map(([unit, total]) => ({ unit, total: Number(total.toPrecision(12)) }));
}
