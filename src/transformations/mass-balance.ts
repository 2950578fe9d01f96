/**
 * A transformation's mass balance: what it makes may weigh at most `maxYield` times what it takes.
 *
 * Units are weighed in kilograms: mass units by their factor, volume units as water (a litre as a
 * kilogram; a process whose liquids are much lighter than water sets MAX_TRANSFORMATION_YIELD to
 * allow for it). Counted units (piece, case, bag, 箱 …) say nothing about weight, so they are not
 * weighed: counted outputs are not balanced, and counted inputs add nothing to what weighed outputs
 * may weigh. When no input is weighed there is nothing to balance against, and the rule does not
 * apply. Pure.
 */
const KG_PER: Record<string, number> = {
  mg: 1e-6,
  g: 1e-3,
  kg: 1,
  t: 1000,
  克: 1e-3,
  千克: 1,
  公斤: 1,
  斤: 0.5,
  吨: 1000,
  ml: 1e-3,
  l: 1,
  毫升: 1e-3,
  升: 1,
};

/** Kilograms in one of the unit, or null for a counted unit. */
export function kilogramsPer(unit: string): number | null {
  return KG_PER[unit.trim().toLowerCase()] ?? null;
}

export interface WeighedLine {
  /** How the line is named in an error: `inputs[0] (batch …)`, `outputs[1] (lot …)`. */
  name: string;
  quantity: number;
  unit: string;
}

/** Float sums of decimal quantities are a hair off: a balance that is exact is not refused for that. */
const ROUNDING = 1e-9;

/** The problem with the balance, naming the heaviest input and output and the ratio; null when it holds. */
export function yieldProblem(inputs: WeighedLine[], outputs: WeighedLine[], maxYield: number): string | null {
  const weighedIn = weigh(inputs);
  const weighedOut = weigh(outputs);
  if (weighedIn.length === 0 || weighedOut.length === 0) return null;
  const kgIn = sum(weighedIn);
  const kgOut = sum(weighedOut);
  if (kgOut <= kgIn * maxYield * (1 + ROUNDING)) return null;
  const heaviest = (lines: { line: WeighedLine; kg: number }[]) => lines.reduce((a, b) => (b.kg > a.kg ? b : a)).line;
  const describe = (lines: { line: WeighedLine; kg: number }[], total: number) => {
    const top = heaviest(lines);
    return lines.length === 1
      ? `${top.name}: ${figure(top.quantity)} ${top.unit}`
      : `${figure(total)} kg in all, the most ${top.name}: ${figure(top.quantity)} ${top.unit}`;
  };
  return (
    `outputs weigh ${figure(kgOut)} kg (${describe(weighedOut, kgOut)}) from inputs weighing ${figure(kgIn)} kg (${describe(weighedIn, kgIn)}): ` +
    `a yield of ${figure(kgOut / kgIn)}, more than the ${figure(maxYield)} allowed (MAX_TRANSFORMATION_YIELD); a litre counts as a kilogram`
  );
}

function weigh(lines: WeighedLine[]): { line: WeighedLine; kg: number }[] {
  return lines.flatMap((line) => {
    const per = kilogramsPer(line.unit);
    return per === null ? [] : [{ line, kg: line.quantity * per }];
  });
}

const sum = (lines: { kg: number }[]) => lines.reduce((total, l) => total + l.kg, 0);

/** Six significant digits, as a person reads a quantity. */
function figure(n: number): string {
  return String(Number(n.toPrecision(6)));
}
